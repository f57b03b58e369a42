import { formatNumber, type Usage } from './details';
import styles from './request.module.css';

/** used/limit as a bar; over the limit shows the overflow in the error color. */
export function UsageBar({ usage }: { usage: Usage }) {
  const { used, limit, noun } = usage;
  const pct = limit > 0 ? (used / limit) * 100 : used > 0 ? 100 : 0;
  const over = used >= limit;
  const label = `${formatNumber(used)} of ${formatNumber(limit)} ${noun}`;
  return (
    <div className={styles.usage}>
      <div
        className={styles.usageTrack}
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={Math.max(limit, used)}
        aria-valuenow={used}
        aria-valuetext={`${label} (${Math.round(pct)}%)`}
      >
        <div className={over ? styles.usageFillOver : styles.usageFill} style={{ width: `${Math.min(100, pct)}%` }} />
      </div>
      <div className={styles.usageText}>
        <span className="num">
          <strong>{formatNumber(used)}</strong> / {formatNumber(limit)}
        </span>{' '}
        <span className="muted">
          {noun} ({Math.round(pct)}%{used > limit ? ', over the limit' : ''})
        </span>
      </div>
    </div>
  );
}
