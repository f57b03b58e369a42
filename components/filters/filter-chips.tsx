import Link from 'next/link';
import { formatUtc } from '@/components/ui/format';
import { CHIP_FIELDS, FILTER_LABELS, hrefWith, withRange, withoutParam } from './url-params';
import styles from './filters.module.css';

function Chip({ label, value, removeHref }: { label: string; value: string; removeHref: string }) {
  return (
    <span className={styles.chip} data-testid="filter-chip">
      <span className={styles.chipLabel}>{label}</span>
      <span className={styles.chipValue} title={value}>
        {value}
      </span>
      <Link href={removeHref} className={styles.chipRemove} aria-label={`Remove filter ${label} ${value}`}>
        ×
      </Link>
    </span>
  );
}

/** Epoch ms or RFC 3339 → "2026-11-05 07:00"; relative times ("now-7d") stay as written. */
function describeTime(v: string): string {
  const ms = /^\d+$/.test(v) ? Number(v) : v.startsWith('now') ? NaN : Date.parse(v);
  return Number.isFinite(ms) ? formatUtc(ms, { seconds: false, zone: false }) : v;
}

/** Active filters as removable chips: plain links, so they work before hydration and in every browser. */
export function FilterChips({ pathname, params }: { pathname: string; params: URLSearchParams }) {
  const chips: { key: string; label: string; value: string; href: string }[] = [];
  const to = params.get('to');
  const from = params.get('from');
  if (to && to !== 'now') {
    chips.push({
      key: 'range',
      label: 'Range',
      value: `${from ? describeTime(from) : '…'} → ${describeTime(to)} UTC`,
      href: hrefWith(pathname, withRange(params, null, null)),
    });
  }
  for (const field of CHIP_FIELDS) {
    for (const v of params.getAll(field)) {
      chips.push({ key: `${field}=${v}`, label: FILTER_LABELS[field], value: v, href: hrefWith(pathname, withoutParam(params, field, v)) });
    }
  }
  if (!chips.length) return null;
  const cleared = new URLSearchParams();
  if (params.get('by')) cleared.set('by', params.get('by')!);
  return (
    <div className={styles.bar} aria-label="Active filters" role="group">
      {chips.map((c) => (
        <Chip key={c.key} label={c.label} value={c.value} removeHref={c.href} />
      ))}
      {chips.length > 1 && (
        <Link href={hrefWith(pathname, cleared)} className={styles.clear}>
          Clear all
        </Link>
      )}
    </div>
  );
}
