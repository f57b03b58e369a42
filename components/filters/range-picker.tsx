'use client';

import { useRef, useState, type FormEvent } from 'react';
import { buttonClass } from '@/components/ui/button';
import { RANGE_PRESETS, activePreset, withRange } from './url-params';
import { useFilterNavigation } from './use-filter-navigation';
import styles from './filters.module.css';

/** datetime-local values are read and written as UTC: every time on screen is UTC. */
function toInput(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16);
}
function fromInput(v: string): number | null {
  const ms = Date.parse(`${v}:00Z`);
  return Number.isFinite(ms) ? ms : null;
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
  const [error, setError] = useState<string | null>(null);

  const now = Date.now();
  const toMs = resolve(to, now) ?? now;
  const fromMs = resolve(from, now) ?? toMs - 86_400_000;

  function apply(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const f = fromInput(String(data.get('from') ?? ''));
    const t = fromInput(String(data.get('to') ?? ''));
    if (f == null || t == null) return setError('Enter both times.');
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
            From (UTC)
            <input type="datetime-local" name="from" defaultValue={toInput(fromMs)} key={`f${fromMs}`} />
          </label>
          <label className={styles.field}>
            To (UTC)
            <input type="datetime-local" name="to" defaultValue={toInput(toMs)} key={`t${toMs}`} />
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
