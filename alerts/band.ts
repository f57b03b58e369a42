// The overview chart's expected band and its unusual stretches. Pure: counts in, band and stretches out.
// The band is the alerts baseline (alerts/baseline.ts) drawn per chart bucket: the same history windows, the same
// trimmed fit and dispersion, and a top edge that only a breach the anomaly rules would call one crosses.
import { DAY_MS, floorTo, HOUR_MS, MINUTE_MS } from '@/lib/time-buckets';
import { DEFAULT_TEST, fitBaseline, historyWindows, lowerTail, MIN_SAMPLES, upperBound, SEASONAL_WEEKS, WEEK_MS, type BaselineSource, type HistoryPlan } from './baseline';

/**
 * History is read at hour resolution for minute and hour charts (a minute's expectation is its hour's / 60, with the
 * same dispersion), at day resolution for day charts: bounded work whatever the bucket size.
 */
export function historyStep(intervalMs: number): number {
  return intervalMs >= DAY_MS ? DAY_MS : HOUR_MS;
}

/**
 * The stretches of history [from, to) to read, at `step` resolution, for a chart of [from, to): the range shifted back
 * by each of the last 4 weeks (widened by one window either side for the neighbours) and the trailing day before it,
 * oldest first, overlapping ones merged. At most five reads, each about as long as the range; a range of a week or
 * more is one read of the range plus four weeks, not five reads of the range.
 */
export function historySpans(from: number, to: number, step: number): [number, number][] {
  const a = floorTo(from, step);
  const b = Math.ceil(to / step) * step;
  const spans: [number, number][] = [];
  for (let k = SEASONAL_WEEKS; k >= 1; k--) spans.push([a - k * WEEK_MS - step, b - k * WEEK_MS + step]);
  spans.push([a - 24 * Math.max(step, HOUR_MS), b]);
  spans.sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const [s, e] of spans) {
    const last = merged.at(-1);
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  return merged;
}

/** The largest count whose lower tail is still below alpha, plus one: the bottom of the expected band. */
export function lowerBound(mean: number, dispersion: number, alpha: number): number {
  let lo = 0;
  let hi = Math.max(0, Math.floor(mean));
  if (lowerTail(0, mean, dispersion) >= alpha) return 0;
  // lowerTail grows with x: the first x with P(X ≤ x) ≥ alpha.
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (lowerTail(mid, mean, dispersion) >= alpha) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export interface BandPoint {
  /** Bucket start (epoch ms). */
  t: number;
  /** Expected errors in the bucket. */
  expected: number;
  /** The band: counts from `lower` to `upper` are what this time of week usually sees. */
  lower: number;
  upper: number;
  source: BaselineSource;
}

/** Errors and the population's requests of one history window. */
export interface WindowCount {
  errors: number;
  requests: number;
}

/**
 * The band of the chart bucket starting at `t` (width `intervalMs`), from counts per history window (`counts`:
 * window start → errors and requests at `step` resolution). A window without a single request is a gap in the data
 * (nothing was sent, or the scope was idle), not a count of zero errors: it is left out, and when that leaves under
 * two weeks of the same hour the trailing day stands in. null when there is no baseline (history too short).
 */
export function bandPoint(t: number, intervalMs: number, step: number, counts: ReadonlyMap<number, WindowCount>, earliestDataMs: number | null, alpha = DEFAULT_TEST.alpha): BandPoint | null {
  const window = floorTo(t, step);
  const samplesOf = (plan: HistoryPlan) =>
    plan.windows.flatMap(([a]) => {
      const c = counts.get(a);
      return c && c.requests > 0 ? [{ value: c.errors, exposure: c.requests }] : [];
    });
  let plan: HistoryPlan = historyWindows(window, step, earliestDataMs);
  let samples = samplesOf(plan);
  if (plan.source === 'seasonal' && samples.length < MIN_SAMPLES && earliestDataMs !== null) {
    // Past weeks exist on the calendar but hold no traffic at this hour: the day before is the better guess.
    plan = historyWindows(window, step, Math.max(earliestDataMs, window - 24 * Math.max(step, HOUR_MS)));
    samples = samplesOf(plan);
  }
  if (plan.source === 'none' || samples.length < MIN_SAMPLES) return null;
  const b = fitBaseline(samples, { rate: false, source: plan.source });
  if (b.source === 'none') return null;
  const scale = Math.min(1, intervalMs / step);
  const expected = b.mean * scale;
  // Above the band = what an anomaly rule would call a breach: past the tail quantile, at least 1.5× the
  // expectation and at least the minimum count.
  const breachAt = Math.max(upperBound(expected, b.dispersion, alpha), Math.ceil(DEFAULT_TEST.minRatio * expected), DEFAULT_TEST.minCount);
  return { t, expected, lower: Math.min(lowerBound(expected, b.dispersion, alpha), Math.floor(expected)), upper: breachAt - 1, source: b.source };
}

/** A stretch shorter than this is a blip, not an incident (at hour or day buckets one bucket is enough). */
export const MIN_STRETCH_MS = 10 * MINUTE_MS;

export interface Stretch {
  from_ms: number;
  to_ms: number;
  /** Errors observed over the stretch, and expected by the band. */
  observed: number;
  expected: number;
}

/**
 * Runs of buckets observed above the band's top edge, a one-bucket dip inside a run bridged (minute noise must not
 * cut one incident in two), kept when they last at least MIN_STRETCH_MS. Oldest first.
 */
export function findStretches(points: readonly { t: number; observed: number; band: BandPoint | null }[], intervalMs: number, minMs = MIN_STRETCH_MS): Stretch[] {
  const out: Stretch[] = [];
  let cur: { from: number; last: number; observed: number; expected: number; above: number } | null = null;
  let dip: { observed: number; expected: number } | null = null;
  const close = () => {
    if (cur && cur.above * intervalMs >= minMs) out.push({ from_ms: cur.from, to_ms: cur.last + intervalMs, observed: cur.observed, expected: cur.expected });
    cur = null;
    dip = null;
  };
  for (const p of points) {
    const above = p.band !== null && p.observed > p.band.upper;
    const expected = p.band?.expected ?? 0;
    if (above) {
      if (cur && dip && p.t === cur.last + 2 * intervalMs) {
        cur.observed += dip.observed;
        cur.expected += dip.expected;
      } else if (!cur || p.t !== cur.last + intervalMs) {
        close();
        cur = { from: p.t, last: p.t, observed: 0, expected: 0, above: 0 };
      }
      cur.last = p.t;
      cur.observed += p.observed;
      cur.expected += expected;
      cur.above++;
      dip = null;
    } else if (cur) {
      if (!dip && p.t === cur.last + intervalMs) dip = { observed: p.observed, expected };
      else close();
    }
  }
  close();
  return out;
}
