// Percentages as the screen shows them, and as the CSV writes them beside the exact ratio (one rounding for both).

/** Decimals for a percentage: two under 1 % (a small rate never reads as 0), one under 10 %, none above. */
export function percentDecimals(percent: number): number {
  const a = Math.abs(percent);
  if (a === 0) return 0;
  return a < 1 ? 2 : a < 10 ? 1 : 0;
}

/** A ratio 0..1 as the rounded percentage number, "3.4" for 0.034; null for no ratio. */
export function percentNumber(ratio: number | null | undefined): string | null {
  if (ratio == null || !Number.isFinite(ratio)) return null;
  const p = ratio * 100;
  return p.toFixed(percentDecimals(p));
}

/** The change of a count against the previous period, in the form worth reading. */
export type Change =
  | { kind: 'unknown' }
  | { kind: 'same' }
  /** The previous period had (almost) nothing: a percentage would be noise ("+228,302 %"). */
  | { kind: 'new'; previous: number }
  | { kind: 'relative'; ratio: number };

/** Growth past this factor reads as "new": the previous period was (almost) empty. */
export const NEW_FACTOR = 10;

export function describeChange(current: number | null, previous: number | null): Change {
  if (current == null || previous == null) return { kind: 'unknown' };
  if (current === previous) return { kind: 'same' };
  if (previous === 0 || (current > 0 && current >= previous * NEW_FACTOR)) return { kind: 'new', previous };
  return { kind: 'relative', ratio: (current - previous) / previous };
}
