// Number and time formatting shared by server and client components (pure, no locale surprises).
import { percentDecimals } from '@/lib/percent';

export function formatCount(n: number | null | undefined): string {
  if (n == null || !Number.isFinite(n)) return '—';
  const abs = Math.abs(n);
  if (abs < 1000) return String(Math.round(n));
  // Thresholds at the rounding edge, so 999,999 reads "1M", not "1000k".
  if (abs < 999_500) return `${trim(n / 1e3)}k`;
  if (abs < 999_500_000) return `${trim(n / 1e6)}M`;
  return `${trim(n / 1e9)}B`;
}

function trim(v: number): string {
  const a = Math.abs(v);
  const s = a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(2);
  if (!s.includes('.')) return s;
  // Trailing zeros of the fraction only ("1.50" -> "1.5", "2.00" -> "2", but "100" stays), scanned from the end.
  let end = s.length;
  while (s[end - 1] === '0') end--;
  if (s[end - 1] === '.') end--;
  return s.slice(0, end);
}

/** Full integer with thin grouping, for tables and tooltips. */
export function formatInt(n: number | null | undefined): string {
  if (n == null || !Number.isFinite(n)) return '—';
  return Math.round(n).toLocaleString('en-US');
}

/** A ratio 0..1 as "3.4 %"; small non-zero rates keep two decimals so they never read as 0; thousands separated. */
export function formatPercent(ratio: number | null | undefined): string {
  if (ratio == null || !Number.isFinite(ratio)) return '—';
  const p = ratio * 100;
  const d = percentDecimals(p);
  return `${p.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d })} %`;
}

/** Relative change current vs previous, or null when the previous period is empty. */
export function relativeChange(current: number, previous: number): number | null {
  if (!previous) return null;
  return (current - previous) / previous;
}

export function formatSignedPercent(ratio: number): string {
  const s = formatPercent(Math.abs(ratio));
  return `${ratio > 0 ? '+' : ratio < 0 ? '−' : '±'}${s}`;
}

/** "2026-11-25 08:46:12 UTC" */
export function formatUtc(ms: number, opts: { seconds?: boolean; zone?: boolean } = {}): string {
  const iso = new Date(ms).toISOString();
  const base = `${iso.slice(0, 10)} ${iso.slice(11, opts.seconds === false ? 16 : 19)}`;
  return opts.zone === false ? base : `${base} UTC`;
}

/** Short axis label for a bucket start, picked by bucket size. */
export function formatBucket(ms: number, intervalMs: number): string {
  const iso = new Date(ms).toISOString();
  if (intervalMs >= 86_400_000) return iso.slice(5, 10);
  return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
}

export function formatTimeOfDay(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16);
}

/** "5 min ago", "in 2 h"; `now` is passed in so server and client agree. */
export function formatRelative(ms: number, now: number): string {
  const diff = now - ms;
  const abs = Math.abs(diff);
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  for (const [size, unit] of units) {
    if (abs >= size) {
      const v = Math.floor(abs / size);
      return diff >= 0 ? `${v} ${unit} ago` : `in ${v} ${unit}`;
    }
  }
  return 'just now';
}

export function formatDuration(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 1000)} s`;
}

export function formatLatency(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}
