// Small numeric helpers for the bench: percentiles and human-readable figures.

/** Nearest-rank percentile of an unsorted sample (p in 0..100); NaN for an empty sample. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function round(n: number, digits = 2): number {
  if (!Number.isFinite(n)) return n;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** 28,412 → "28.4k", 1_250_000 → "1.25M". */
export function compact(n: number): string {
  if (!Number.isFinite(n)) return 'n/a';
  if (Math.abs(n) >= 1e6) return `${round(n / 1e6, 2)}M`;
  if (Math.abs(n) >= 1e4) return `${round(n / 1e3, 1)}k`;
  if (Math.abs(n) >= 1e3) return `${round(n / 1e3, 2)}k`;
  return String(round(n, 1));
}

export function ms(n: number): string {
  if (!Number.isFinite(n)) return 'n/a';
  if (n >= 100) return `${Math.round(n)} ms`;
  if (n >= 10) return `${round(n, 1)} ms`;
  return `${round(n, 2)} ms`;
}

export function mb(bytes: number): string {
  return Number.isFinite(bytes) ? `${Math.round(bytes / 1048576)} MB` : 'n/a';
}

export function nowNs(): bigint {
  return process.hrtime.bigint();
}

export function elapsedMs(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function sleep(msec: number): Promise<void> {
  return new Promise((r) => setTimeout(r, msec));
}
