// The overview's expected band and incident stretches (alerts/band.ts): pure numbers in, band and stretches out.
import { describe, expect, test } from 'vitest';
import { bandPoint, findStretches, historySpans, lowerBound, MIN_STRETCH_MS, type BandPoint, type WindowCount } from '@/alerts/band';
import { WEEK_MS } from '@/alerts/baseline';

const H = 3_600_000;
const M = 60_000;
const D = 24 * H;
/** A Monday 14:00 UTC. */
const T = Date.UTC(2026, 10, 30, 14);

/** Hourly error counts: `perHour(t)` for every hour from `from` to `to`. */
function hourly(from: number, to: number, perHour: (t: number) => number): Map<number, WindowCount> {
  const m = new Map<number, WindowCount>();
  for (let t = from; t < to; t += H) m.set(t, { errors: perHour(t), requests: 1000 });
  return m;
}

/** Daily and weekly seasonality: busy afternoons, quiet nights, quieter weekends; a little deterministic jitter. */
function seasonal(t: number): number {
  const hour = new Date(t).getUTCHours();
  const weekend = [0, 6].includes(new Date(t).getUTCDay());
  const base = hour >= 9 && hour < 18 ? 200 : 40;
  return Math.round(base * (weekend ? 0.5 : 1) * (1 + 0.1 * Math.sin(t / 7_777_777)));
}

describe('bandPoint', () => {
  test('with 4 weeks of history the band is the same hour of the week: afternoon high, night low', () => {
    const counts = hourly(T - 5 * WEEK_MS, T + D, seasonal);
    const afternoon = bandPoint(T, H, H, counts, T - 5 * WEEK_MS)!;
    const night = bandPoint(T - 12 * H, H, H, counts, T - 5 * WEEK_MS)!;
    expect(afternoon.source).toBe('seasonal');
    expect(afternoon.expected).toBeGreaterThan(170);
    expect(afternoon.expected).toBeLessThan(230);
    expect(afternoon.lower).toBeLessThan(afternoon.expected);
    expect(afternoon.upper).toBeGreaterThan(afternoon.expected);
    expect(night.expected).toBeLessThan(60);
    expect(night.upper).toBeLessThan(afternoon.lower);
    // The week's ordinary peak sits inside its band.
    expect(seasonal(T)).toBeLessThanOrEqual(afternoon.upper);
    expect(seasonal(T)).toBeGreaterThanOrEqual(afternoon.lower);
  });

  test('a past incident at the same hour does not raise the bar (the top 10 % is dropped)', () => {
    const clean = hourly(T - 5 * WEEK_MS, T, seasonal);
    const withIncident = new Map(clean);
    withIncident.set(T - 2 * WEEK_MS, { errors: 5000, requests: 6000 });
    const a = bandPoint(T, H, H, clean, T - 5 * WEEK_MS)!;
    const b = bandPoint(T, H, H, withIncident, T - 5 * WEEK_MS)!;
    expect(b.expected).toBeLessThan(a.expected * 1.15);
    expect(b.upper).toBeLessThan(1000);
  });

  test('under 2 weeks of history the trailing day stands in', () => {
    const counts = hourly(T - 3 * D, T, () => 100);
    const p = bandPoint(T, H, H, counts, T - 3 * D)!;
    expect(p.source).toBe('trailing_day');
    expect(p.expected).toBeCloseTo(100, 0);
  });

  test('weeks with no traffic at all are a gap, not zero errors: the trailing day stands in', () => {
    // Data 5 weeks ago, then nothing until 3 days ago (a server that was off).
    const counts = new Map([...hourly(T - 5 * WEEK_MS, T - 5 * WEEK_MS + D, () => 100), ...hourly(T - 3 * D, T, () => 100)]);
    const p = bandPoint(T, H, H, counts, T - 5 * WEEK_MS)!;
    expect(p.source).toBe('trailing_day');
    expect(p.expected).toBeCloseTo(100, 0);
    // The same hours with traffic but no errors are real zeros.
    const quiet = new Map([...hourly(T - 5 * WEEK_MS, T - 3 * D, () => 0), ...hourly(T - 3 * D, T, () => 100)]);
    expect(bandPoint(T, H, H, quiet, T - 5 * WEEK_MS)!.source).toBe('seasonal');
  });

  test('with only a couple of hours of history there is no band', () => {
    expect(bandPoint(T, H, H, hourly(T - 2 * H, T, () => 100), T - 2 * H)).toBeNull();
  });

  test('a minute bucket expects a sixtieth of its hour, and the band never asks for fewer than 5 errors to stand out', () => {
    const counts = hourly(T - 3 * D, T, () => 120);
    const p = bandPoint(T + 7 * M, M, H, counts, T - 3 * D)!;
    expect(p.t).toBe(T + 7 * M);
    expect(p.expected).toBeCloseTo(2, 1);
    expect(p.upper).toBeGreaterThanOrEqual(4);
    const quiet = bandPoint(T, H, H, hourly(T - 3 * D, T, () => 0), T - 3 * D)!;
    expect(quiet.upper).toBe(4);
    expect(quiet.lower).toBe(0);
  });

  test('lowerBound: zero for small means, below the mean for large ones', () => {
    expect(lowerBound(0.5, 1, 1e-4)).toBe(0);
    const lb = lowerBound(1000, 1, 1e-4);
    expect(lb).toBeGreaterThan(850);
    expect(lb).toBeLessThan(1000);
  });
});

test('historySpans: the range one to four weeks back (with a window either side) and the trailing day, oldest first', () => {
  const spans = historySpans(T, T + 6 * H, H);
  expect(spans).toHaveLength(5);
  expect(spans[0]).toEqual([T - 4 * WEEK_MS - H, T + 6 * H - 4 * WEEK_MS + H]);
  expect(spans[3]).toEqual([T - WEEK_MS - H, T + 6 * H - WEEK_MS + H]);
  expect(spans[4]).toEqual([T - D, T + 6 * H]);
});

test('historySpans: overlapping spans of a long range are read once, covering exactly the same hours', () => {
  // 30 days: every shifted copy overlaps the next, and the trailing day lies inside the range.
  expect(historySpans(T, T + 30 * D, H)).toEqual([[T - 4 * WEEK_MS - H, T + 30 * D]]);
  // 8 days: the weekly copies overlap each other and reach the trailing day.
  expect(historySpans(T, T + 8 * D, H)).toEqual([[T - 4 * WEEK_MS - H, T + 8 * D]]);
  // 3 days: four separate weekly copies and the trailing day.
  expect(historySpans(T, T + 3 * D, H)).toHaveLength(5);
  // Whatever the range, the merged spans cover the hours the unmerged ones did, and nothing else.
  for (const len of [H, 6 * H, D, 3 * D, 6 * D + 22 * H, 7 * D, 9 * D, 30 * D, 90 * D]) {
    const hours = (spans: [number, number][]) => {
      const set = new Set<number>();
      for (const [a, b] of spans) for (let t = a; t < b; t += H) set.add(t);
      return set;
    };
    const unmerged: [number, number][] = [...[1, 2, 3, 4].map((k): [number, number] => [T - k * WEEK_MS - H, T + len - k * WEEK_MS + H]), [T - D, T + len]];
    const spans = historySpans(T, T + len, H);
    expect(hours(spans)).toEqual(hours(unmerged));
    for (let i = 1; i < spans.length; i++) expect(spans[i][0]).toBeGreaterThan(spans[i - 1][1]);
  }
});

describe('findStretches', () => {
  const band = (t: number): BandPoint => ({ t, expected: 2, lower: 0, upper: 6, source: 'seasonal' });
  const minutes = (values: number[]) => values.map((observed, i) => ({ t: T + i * M, observed, band: band(T + i * M) }));

  test('a sustained run above the band is one stretch with its counts', () => {
    const v = [1, 2, ...Array(12).fill(50), 2, 1];
    const s = findStretches(minutes(v), M);
    expect(s).toEqual([{ from_ms: T + 2 * M, to_ms: T + 14 * M, observed: 600, expected: 24 }]);
  });

  test('a few minutes above the band are a blip, not an incident', () => {
    expect(findStretches(minutes([1, 50, 50, 50, 1, 1]), M)).toEqual([]);
    expect(MIN_STRETCH_MS).toBe(10 * M);
  });

  test('a one-minute dip inside a run does not split it; two minutes back to normal do', () => {
    const dip = [...Array(6).fill(50), 3, ...Array(6).fill(50)];
    expect(findStretches(minutes(dip), M)).toEqual([{ from_ms: T, to_ms: T + 13 * M, observed: 603, expected: 26 }]);
    const gap = [...Array(10).fill(50), 3, 3, ...Array(10).fill(50)];
    expect(findStretches(minutes(gap), M).map((s) => [s.from_ms, s.to_ms])).toEqual([
      [T, T + 10 * M],
      [T + 12 * M, T + 22 * M],
    ]);
  });

  test('at hour buckets one bucket above the band is enough; buckets without a band never are', () => {
    const pts = [
      { t: T, observed: 3, band: band(T) },
      { t: T + H, observed: 1500, band: band(T + H) },
      { t: T + 2 * H, observed: 1500, band: null },
    ];
    expect(findStretches(pts, H)).toEqual([{ from_ms: T + H, to_ms: T + 2 * H, observed: 1500, expected: 2 }]);
  });
});
