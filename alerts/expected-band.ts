// The overview chart's expected band and incidents, read through the store's rollup-backed verbs (timeseries and
// breakdown), never raw rows. Work is bounded: one series for the chart, at most five history series about as long
// as the range (hour or day resolution), and six breakdowns for each of at most MAX_INCIDENTS stretches.
import type { Filters, Interval } from '@/lib/filters';
import { ValidationError } from '@/lib/api-error';
import type { ExpectedBand, ExpectedIncident } from '@/lib/expected-band';
import { chooseBucket, DAY_MS } from '@/lib/time-buckets';
import { bandPoint, findStretches, historySpans, historyStep, type BandPoint, type Stretch, type WindowCount } from './band';
import { historyWindows } from './baseline';
import { earliestData } from './evaluate';
import type { AlertStore } from './store';

export const MAX_INCIDENTS = 8;
const TIER_SHARE = 0.05;
const ALSO_SHARE = 0.2;
const MAX_ALSO = 2;

const iso = (ms: number) => new Date(ms).toISOString();

async function errorsBy(store: AlertStore, filters: Filters, from: number, to: number, by: 'code' | 'tier', limit = 50): Promise<Map<string | null, number>> {
  const b = await store.breakdown({ ...filters, from, to }, { by, limit });
  return new Map(b.rows.filter((r) => r.errors > 0).map((r) => [r.value, r.errors]));
}

/** The code that rose most above its usual count over the stretch, and the tiers its errors touched. */
async function describe(store: AlertStore, filters: Filters, s: Stretch, earliest: number | null): Promise<ExpectedIncident> {
  const len = s.to_ms - s.from_ms;
  const now = await errorsBy(store, filters, s.from_ms, s.to_ms, 'code');
  const usual = new Map<string | null, number>();
  const plan = historyWindows(s.from_ms, len, earliest, 0);
  if (plan.source === 'seasonal') {
    for (const [a, b] of plan.windows) for (const [c, n] of await errorsBy(store, filters, a, b, 'code')) usual.set(c, (usual.get(c) ?? 0) + n / plan.windows.length);
  } else {
    // The day before, scaled to the stretch's length.
    for (const [c, n] of await errorsBy(store, filters, s.from_ms - DAY_MS, s.from_ms, 'code')) usual.set(c, (n * len) / DAY_MS);
  }
  const rose = [...now]
    .flatMap(([c, n]) => (c === null ? [] : [{ code: c, errors: n, excess: n - (usual.get(c) ?? 0) }]))
    .filter((x) => x.excess > 0)
    .sort((a, b) => b.excess - a.excess || (a.code < b.code ? -1 : 1));
  const code = rose[0]?.code ?? null;
  // Other codes that carried a real part of the rise (a stretch can hold two stories at once).
  const totalExcess = rose.reduce((a, x) => a + x.excess, 0);
  const also = rose.slice(1, 1 + MAX_ALSO).filter((x) => x.excess >= ALSO_SHARE * totalExcess).map(({ code: c, errors }) => ({ code: c, errors }));
  // Tiers with a real part of it (5 %+): one ordinary error elsewhere in the window does not make a tier "touched".
  const codeErrors = code === null ? 0 : (now.get(code) ?? 0);
  const byTier = code === null ? new Map<string | null, number>() : await errorsBy(store, { ...filters, code: [code] }, s.from_ms, s.to_ms, 'tier', 10);
  const tiers = [...byTier].filter(([, n]) => n >= TIER_SHARE * codeErrors).map(([t]) => t);
  return {
    from: iso(s.from_ms),
    to: iso(s.to_ms),
    from_ms: s.from_ms,
    to_ms: s.to_ms,
    errors: s.observed,
    expected: s.expected,
    code,
    code_errors: codeErrors,
    tiers,
    also,
  };
}

export async function expectedBand(
  store: AlertStore,
  filters: Filters,
  opts: { interval?: Interval | 'auto'; now?: number; series?: Awaited<ReturnType<AlertStore['timeseries']>> } = {},
): Promise<ExpectedBand> {
  const requested = opts.interval ?? 'auto';
  const choice = chooseBucket(filters.from, filters.to, requested);
  if (!choice) throw new ValidationError(`interval: a ${requested} series of this range has too many points; pick a coarser interval`, 'interval');
  // A series the caller already read for these filters at this interval (the overview's chart, split by a dimension
  // or not: every bucket carries its totals) is not read again.
  const given = opts.series;
  const series =
    given && given.interval === choice.interval && given.from_ms === filters.from && given.to_ms === filters.to
      ? given
      : await store.timeseries(filters, { interval: choice.interval });
  const iv = series.interval_ms;
  const step = historyStep(iv);
  const earliest = await earliestData(store, opts.now ?? Date.now());

  // Errors and requests per history window, read only where history exists.
  const counts = new Map<number, WindowCount>();
  if (earliest !== null) {
    for (const [a, b] of historySpans(series.from_ms, series.to_ms, step)) {
      if (b <= earliest) continue;
      const ts = await store.timeseries({ ...filters, from: Math.max(a, Math.floor(earliest / step) * step), to: b }, { interval: step === DAY_MS ? 'day' : 'hour' });
      for (const x of ts.buckets) counts.set(x.ts_ms, { errors: x.errors, requests: x.requests });
    }
  }

  // One fit per history window (a minute chart has 60 buckets per window).
  const fits = new Map<number, BandPoint | null>();
  const bandAt = (t: number): BandPoint | null => {
    const w = Math.floor(t / step) * step;
    if (!fits.has(w)) fits.set(w, bandPoint(w, iv, step, counts, earliest));
    const f = fits.get(w)!;
    return f && { ...f, t };
  };
  const points = series.buckets.map((b) => ({ t: b.ts_ms, observed: b.errors, band: bandAt(b.ts_ms) }));
  const sources = new Set(points.flatMap((p) => (p.band ? [p.band.source] : [])));
  const source = sources.has('trailing_day') ? 'trailing_day' : sources.has('seasonal') ? 'seasonal' : 'none';

  const stretches = findStretches(points, iv)
    .sort((a, b) => b.observed - b.expected - (a.observed - a.expected))
    .slice(0, MAX_INCIDENTS)
    .sort((a, b) => a.from_ms - b.from_ms);
  const incidents: ExpectedIncident[] = [];
  for (const s of stretches) incidents.push(await describe(store, filters, s, earliest));

  return {
    interval: series.interval,
    interval_ms: iv,
    from_ms: series.from_ms,
    to_ms: series.to_ms,
    source,
    points: points.map((p) => ({
      ts_ms: p.t,
      observed: p.observed,
      expected: p.band ? round(p.band.expected) : null,
      lower: p.band?.lower ?? null,
      upper: p.band?.upper ?? null,
    })),
    incidents: incidents.map((i) => ({ ...i, expected: round(i.expected) })),
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
