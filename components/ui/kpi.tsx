import { describeChange } from '@/lib/percent';
import { formatInt, formatPercent, formatSignedPercent } from './format';
import styles from './ui.module.css';

/** One KPI tile: value, and its change against the previous period of the same length. */
export function Kpi({
  label,
  value,
  current,
  previous,
  higherIsBad,
  deltaFormat,
  hint,
}: {
  label: string;
  value: string;
  current: number | null;
  previous: number | null;
  /** Colors the change: more errors is bad, more requests is neutral. */
  higherIsBad?: boolean;
  /** For rates, show the change in percentage points instead of relative change. */
  deltaFormat?: 'relative' | 'points';
  hint?: string;
}) {
  let delta: string;
  let tone = '';
  if (current == null || previous == null) {
    delta = 'no previous data';
  } else if (deltaFormat === 'points') {
    const pts = (current - previous) * 100;
    delta = `${pts > 0 ? '+' : pts < 0 ? '−' : '±'}${Math.abs(pts).toFixed(Math.abs(pts) < 1 ? 2 : 1)} pts vs previous (${formatPercent(previous)})`;
    if (higherIsBad && pts !== 0) tone = pts > 0 ? styles.deltaBad : styles.deltaGood;
  } else {
    const ch = describeChange(current, previous);
    if (ch.kind === 'same') delta = `no change (${formatInt(current)})`;
    else if (ch.kind === 'new') delta = `new · previous period ${formatInt(ch.previous)}`;
    else if (ch.kind === 'relative') delta = `${formatSignedPercent(ch.ratio)} vs previous (${formatInt(previous)})`;
    else delta = 'no previous data';
    if (higherIsBad && ch.kind !== 'same' && ch.kind !== 'unknown') tone = current > previous ? styles.deltaBad : styles.deltaGood;
  }
  return (
    <div className={`${styles.card} ${styles.kpi}`} data-testid={`kpi-${label.toLowerCase().replace(/\W+/g, '-')}`}>
      <div className={styles.kpiLabel}>{label}</div>
      <div className={styles.kpiValue} title={hint}>
        {value}
      </div>
      <div className={`${styles.kpiDelta} ${tone}`}>{delta}</div>
    </div>
  );
}

export function KpiGrid({ children }: { children: React.ReactNode }) {
  return <div className={styles.kpiGrid}>{children}</div>;
}
