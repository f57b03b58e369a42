'use client';

import { useRef, useState, type FormEvent } from 'react';
import { buttonClass } from '@/components/ui/button';
import { useEscapeCloses } from '@/components/ui/use-escape-closes';
import { RANGE_PRESETS, activePreset, withRange } from './url-params';
import { useFilterNavigation } from './use-filter-navigation';
import styles from './filters.module.css';

/**
 * "2026-11-30 14:05", 24-hour UTC like every time on screen. A text field, not datetime-local: the browser would
 * show that in the viewer's locale (12-hour with AM/PM in en-US).
 */
function toInput(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}
const UTC_INPUT = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*(?:UTC|Z))?$/i;
export function fromUtcInput(v: string): number | null {
  const m = UTC_INPUT.exec(v.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  // Date.UTC rolls 31 February over into March: refuse dates that do not exist.
  return new Date(ms).getUTCDate() === d ? ms : null;
}
function resolve(v: string | null, now: number): number | null {
  if (!v) return null;
  const rel = /^now(?:-(\d+)([smhd]))?$/.exec(v);
  if (rel) return rel[1] ? now - Number(rel[1]) * { s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[rel[2] as 's']! : now;
  if (/^\d+$/.test(v)) return Number(v);
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? ms : null;
}

/** Presets (rolling windows that refresh live) and a custom UTC range; both write `from`/`to` to the URL. */
export function RangePicker() {
  const { navigate, searchParams, pending } = useFilterNavigation();
  const from = searchParams.get('from');
  const to = searchParams.get('to');
  const active = activePreset(from, to);
  const detailsRef = useRef<HTMLDetailsElement>(null);
  useEscapeCloses(detailsRef);
  const [error, setError] = useState<string | null>(null);

  const now = Date.now();
  const toMs = resolve(to, now) ?? now;
  const fromMs = resolve(from, now) ?? toMs - 86_400_000;

  function apply(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const f = fromUtcInput(String(data.get('from') ?? ''));
    const t = fromUtcInput(String(data.get('to') ?? ''));
    if (f == null || t == null) return setError('Enter both times as YYYY-MM-DD HH:MM (24-hour, UTC).');
    if (f >= t) return setError('"From" must be before "to".');
    setError(null);
    detailsRef.current?.removeAttribute('open');
    navigate((q) => withRange(q, new Date(f).toISOString(), new Date(t).toISOString()));
  }

  return (
    <div className={styles.range} aria-busy={pending}>
      <div className={styles.segmented} role="group" aria-label="Time range">
        {RANGE_PRESETS.map((p) => (
          <button
            key={p.id}
            type="button"
            className={styles.segment}
            aria-pressed={active === p.id}
            onClick={() => navigate((q) => (p.id === '24h' ? withRange(q, null, null) : withRange(q, p.from, null)))}
            title={`Last ${p.label}, refreshing live`}
          >
            {p.label}
          </button>
        ))}
      </div>
      <details className={styles.custom} ref={detailsRef}>
        <summary className={`${buttonClass(active ? 'default' : 'primary', 'small')}`} aria-label="Custom time range">
          {active ? 'Custom' : 'Custom ✓'}
        </summary>
        <form className={styles.popover} onSubmit={apply}>
          <label className={styles.field}>
            From (UTC, 24-hour)
            <input type="text" name="from" defaultValue={toInput(fromMs)} key={`f${fromMs}`} placeholder="YYYY-MM-DD HH:MM" autoComplete="off" spellCheck={false} size={16} />
          </label>
          <label className={styles.field}>
            To (UTC, 24-hour)
            <input type="text" name="to" defaultValue={toInput(toMs)} key={`t${toMs}`} placeholder="YYYY-MM-DD HH:MM" autoComplete="off" spellCheck={false} size={16} />
          </label>
          {error && (
            <div role="alert" className="muted">
              {error}
            </div>
          )}
          <button type="submit" className={buttonClass('primary', 'small')}>
            Apply range
          </button>
        </form>
      </details>
    </div>
  );
}
