// The seasonal baseline and its tail tests. Pure: numbers in, numbers out.
// Expected count for a window = the same time of week over the last 4 weeks, pooled with neighbouring windows,
// the top 10 % dropped (past incidents must not raise the bar); the spread is estimated from that history
// (quasi-Poisson dispersion), and the tail test is negative binomial with that dispersion.
import type { BaselineSource } from '@/lib/alert-kinds';
import { DAY_MS, HOUR_MS } from '@/lib/time-buckets';

export const WEEK_MS = 7 * DAY_MS;
export const SEASONAL_WEEKS = 4;
/** Fewer weeks than this of history: the trailing day stands in (and the result says so). */
export const MIN_SEASONAL_WEEKS = 2;
/** Fewer usable history windows than this: no baseline at all (anomaly rules wait; thresholds still work). */
export const MIN_SAMPLES = 6;
const TRIM = 0.1;
const TRIM_VARIANCE = 0.712;
const TRIM_MEAN_SHIFT = 0.195;
const MAX_DISPERSION = 100;

export type { BaselineSource };

export interface HistoryPlan {
  source: BaselineSource;
  /** [from, to) of each history window. */
  windows: [number, number][];
}

/**
 * The history windows for the window starting at `start`: for each of the last 4 weeks whose data exists, the
 * window at the same time of week and `neighbours` windows either side; with under 2 such weeks, the 24 windows
 * one hour apart over the trailing day (or the previous 24 windows for hour windows).
 */
export function historyWindows(start: number, windowMs: number, earliestDataMs: number | null, neighbours = windowMs >= HOUR_MS ? 1 : 2): HistoryPlan {
  if (earliestDataMs === null) return { source: 'none', windows: [] };
  const seasonal: [number, number][] = [];
  let weeks = 0;
  for (let k = 1; k <= SEASONAL_WEEKS; k++) {
    const base = start - k * WEEK_MS;
    if (base - neighbours * windowMs < earliestDataMs) continue;
    weeks++;
    for (let j = -neighbours; j <= neighbours; j++) seasonal.push([base + j * windowMs, base + (j + 1) * windowMs]);
  }
  if (weeks >= MIN_SEASONAL_WEEKS) return { source: 'seasonal', windows: seasonal };
  const stride = Math.max(windowMs, HOUR_MS);
  const trailing: [number, number][] = [];
  for (let j = 1; j <= 24; j++) {
    const from = start - j * stride;
    if (from < earliestDataMs) break;
    trailing.push([from, from + windowMs]);
  }
  return trailing.length >= MIN_SAMPLES ? { source: 'trailing_day', windows: trailing } : { source: 'none', windows: [] };
}

/** One history window: the counted records, and the requests they are a share of (for rates). */
export interface Sample {
  value: number;
  exposure: number;
}

export interface Baseline {
  source: BaselineSource;
  /** History windows kept after dropping the top 10 %. */
  samples: number;
  dropped: number;
  /** Expected count per window (count measures). */
  mean: number;
  /** Expected share of the exposure (rate measures); null for counts. */
  rate: number | null;
  /** Variance / mean of the history (≥ 1; 1 = Poisson). */
  dispersion: number;
}

/** Fits the baseline to history windows: a count per window, or (rate) a share of each window's exposure. */
export function fitBaseline(samples: readonly Sample[], opts: { rate: boolean; source: BaselineSource }): Baseline {
  if (opts.source === 'none' || samples.length === 0) return { source: 'none', samples: 0, dropped: 0, mean: 0, rate: opts.rate ? 0 : null, dispersion: 1 };
  if (!opts.rate) {
    const sorted = samples.map((s) => s.value).sort((a, b) => a - b);
    const dropped = Math.floor(sorted.length * TRIM);
    const kept = sorted.slice(0, sorted.length - dropped);
    const trimmedMean = kept.reduce((a, b) => a + b, 0) / kept.length;
    const trimmedVar = kept.length > 1 ? kept.reduce((a, b) => a + (b - trimmedMean) ** 2, 0) / (kept.length - 1) : trimmedMean;
    // Dropping the top 10 % of a normal body lowers its mean by 0.195 sd and its variance to 0.712: undo both, so a
    // quiet history does not make ordinary peaks look like surges.
    const variance = dropped ? trimmedVar / TRIM_VARIANCE : trimmedVar;
    const mean = dropped ? trimmedMean + TRIM_MEAN_SHIFT * Math.sqrt(variance) : trimmedMean;
    const dispersion = mean > 0 ? clamp(variance / mean, 1, MAX_DISPERSION) : 1;
    return { source: opts.source, samples: kept.length, dropped, mean, rate: null, dispersion };
  }
  const withExposure = samples.filter((s) => s.exposure > 0).sort((a, b) => a.value / a.exposure - b.value / b.exposure);
  const dropped = Math.floor(withExposure.length * TRIM);
  const kept = withExposure.slice(0, withExposure.length - dropped);
  const sumX = kept.reduce((a, s) => a + s.value, 0);
  const sumE = kept.reduce((a, s) => a + s.exposure, 0);
  // Half an event of prior: a series that never erred has a tiny share, not exactly zero.
  const trimmedRate = sumE > 0 ? (sumX + 0.5) / (sumE + 1) : 0;
  let pearson = 0;
  for (const s of kept) {
    const e = s.exposure * trimmedRate;
    if (e > 0) pearson += (s.value - e) ** 2 / (e * Math.max(1 - trimmedRate, 1e-9));
  }
  const rawDispersion = kept.length > 1 ? pearson / (kept.length - 1) : 1;
  const dispersion = clamp(dropped ? rawDispersion / TRIM_VARIANCE : rawDispersion, 1, MAX_DISPERSION);
  // Same correction as for counts, in units of a typical window's exposure.
  const meanExposure = kept.length ? sumE / kept.length : 0;
  const rate = dropped && meanExposure > 0 ? trimmedRate + TRIM_MEAN_SHIFT * Math.sqrt((dispersion * trimmedRate) / meanExposure) : trimmedRate;
  const mean = kept.length ? sumX / kept.length : 0;
  return { source: kept.length ? opts.source : 'none', samples: kept.length, dropped, mean, rate, dispersion };
}

/** The expected count in a window with this exposure. */
export function expectedOf(b: Baseline, exposure: number): number {
  return b.rate !== null ? b.rate * exposure : b.mean;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

// ---------------------------------------------------------------- distributions

const LANCZOS = [676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];

function lnGamma(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - lnGamma(1 - z);
  z -= 1;
  let x = 0.99999999999980993;
  for (let i = 0; i < LANCZOS.length; i++) x += LANCZOS[i] / (z + i + 1);
  const t = z + LANCZOS.length - 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(x);
}

/** Regularized lower incomplete gamma P(a, x). */
function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  const lnPre = a * Math.log(x) - x - lnGamma(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 10_000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return Math.min(1, sum * Math.exp(lnPre));
  }
  return 1 - gammaQcf(a, x, lnPre);
}

/** Upper incomplete gamma Q(a, x) by continued fraction (x ≥ a + 1). */
function gammaQcf(a: number, x: number, lnPre: number): number {
  let b = x + 1 - a;
  let c = 1e300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return Math.exp(lnPre) * h;
}

function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  if (x < a + 1) return 1 - gammaP(a, x);
  return gammaQcf(a, x, a * Math.log(x) - x - lnGamma(a));
}

function betacf(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < 1e-300) d = 1e-300;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = 1 + aa / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = 1 + aa / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b). */
function betaI(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnBt = lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnBt) * betacf(a, b, x)) / a;
  return 1 - (Math.exp(lnBt) * betacf(b, a, 1 - x)) / b;
}

/** Below this dispersion the negative binomial is indistinguishable from Poisson (and its r explodes). */
const POISSON_BELOW = 1.02;
const MIN_MEAN = 0.05;

/** P(X ≥ x) for X with this mean and variance = dispersion × mean (negative binomial; Poisson at dispersion 1). */
export function upperTail(x: number, mean: number, dispersion: number): number {
  if (x <= 0) return 1;
  const mu = Math.max(mean, MIN_MEAN);
  if (dispersion < POISSON_BELOW) return gammaP(x, mu);
  const p = 1 / dispersion;
  const r = mu / (dispersion - 1);
  return betaI(1 - p, x, r);
}

/** P(X ≤ x). */
export function lowerTail(x: number, mean: number, dispersion: number): number {
  if (x < 0) return 0;
  const mu = Math.max(mean, MIN_MEAN);
  if (dispersion < POISSON_BELOW) return gammaQ(x + 1, mu);
  const p = 1 / dispersion;
  const r = mu / (dispersion - 1);
  return betaI(p, r, x + 1);
}

/** The smallest count whose upper tail is below `alpha`: the top of the expected band. */
export function upperBound(mean: number, dispersion: number, alpha: number): number {
  let lo = Math.max(0, Math.floor(mean));
  let hi = Math.max(1, Math.ceil(mean) * 2 + 10);
  while (upperTail(hi, mean, dispersion) >= alpha) hi *= 2;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (upperTail(mid, mean, dispersion) < alpha) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

// ---------------------------------------------------------------- verdicts

export interface TestOptions {
  /** Breach when the tail probability is below this. */
  alpha: number;
  /** Still elevated (not yet normal) while the tail probability is below this: the hysteresis band. */
  resolveAlpha: number;
  /** Breach only when observed ≥ ratio × expected too: significance alone is not enough on big volumes. */
  minRatio: number;
  resolveRatio: number;
  /** Minimum volume: requests of the scope in the window, and counted records. */
  minRequests: number;
  minCount: number;
}

export const DEFAULT_TEST: TestOptions = { alpha: 1e-4, resolveAlpha: 1e-2, minRatio: 1.5, resolveRatio: 1.2, minRequests: 50, minCount: 5 };

export interface Verdict {
  observed: number;
  /** Requests the observed count is a share of (the scope's traffic). */
  exposure: number;
  expected: number;
  /** Top of the expected band (count); NaN until bandTop() fills it (only alerts that are stored need it). */
  upper: number;
  /** Tail probability of the observation under the baseline; null when not tested. */
  p_value: number | null;
  breach: boolean;
  /** Back to normal: false while a past breach is still elevated (hysteresis). */
  normal: boolean;
  /** Why no test was made ('below_minimum', 'no_baseline'), or null. */
  skipped: 'below_minimum' | 'no_baseline' | null;
}

export function judgeAnomaly(b: Baseline, observed: number, exposure: number, opts: TestOptions = DEFAULT_TEST): Verdict {
  const expected = expectedOf(b, exposure);
  const base = { observed, exposure, expected, upper: Number.NaN };
  if (b.source === 'none') return { ...base, p_value: null, breach: false, normal: true, skipped: 'no_baseline' };
  if (exposure < opts.minRequests || observed < opts.minCount) return { ...base, p_value: null, breach: false, normal: true, skipped: 'below_minimum' };
  // Below the resolve ratio neither a breach nor "still elevated" is possible: skip the tail (most windows).
  if (observed < opts.resolveRatio * expected) return { ...base, p_value: null, breach: false, normal: true, skipped: null };
  const p = upperTail(observed, expected, b.dispersion);
  return {
    ...base,
    p_value: p,
    breach: p < opts.alpha && observed >= opts.minRatio * expected,
    normal: !(p < opts.resolveAlpha && observed >= opts.resolveRatio * expected),
    skipped: null,
  };
}

/** Silence: a series that usually sends (the expected count is large) sends (almost) nothing. */
export function judgeNoData(b: Baseline, observed: number, opts: TestOptions = DEFAULT_TEST): Verdict {
  const expected = b.mean;
  const base = { observed, exposure: observed, expected, upper: Number.NaN };
  if (b.source === 'none') return { ...base, p_value: null, breach: false, normal: true, skipped: 'no_baseline' };
  const p = lowerTail(observed, expected, b.dispersion);
  return {
    ...base,
    p_value: p,
    breach: p < opts.alpha && observed <= 0.1 * expected,
    normal: observed >= 0.5 * expected || p >= opts.resolveAlpha,
    skipped: null,
  };
}

/** A fixed number: a count, or (rate) a share of the exposure. Normal again below 90 % of it. */
export function judgeThreshold(threshold: number, observed: number, exposure: number, rate: boolean, opts: Pick<TestOptions, 'minRequests' | 'minCount'>): Verdict {
  const limit = rate ? threshold * exposure : threshold;
  const base = { observed, exposure, expected: limit, upper: limit, p_value: null };
  if (exposure < opts.minRequests || observed < opts.minCount) return { ...base, breach: false, normal: true, skipped: 'below_minimum' };
  return { ...base, breach: observed >= limit, normal: observed < 0.9 * limit, skipped: null };
}

/** The top of the expected band for a verdict of this baseline (the alpha quantile; the threshold itself for thresholds). */
export function bandTop(b: Baseline, v: Verdict, alpha = DEFAULT_TEST.alpha): number {
  if (!Number.isNaN(v.upper)) return v.upper;
  return b.source === 'none' ? 0 : upperBound(v.expected, b.dispersion, alpha);
}
