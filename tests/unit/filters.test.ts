import { describe, expect, test } from 'vitest';
import { ApiError } from '@/lib/api-error';
import {
  filtersToQueryString,
  isOpenEnded,
  parseBreakdownParams,
  parseFilters,
  parseListParams,
  parseTimeseriesParams,
  previousPeriod,
} from '@/lib/filters';

const NOW = Date.UTC(2026, 10, 25, 9, 30, 15, 250);
const H = 3_600_000;

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) {
      expect(e.status).toBe(400);
      expect(e.code).toBe('invalid_parameter');
      return e.details.field as string;
    }
    throw e;
  }
  return undefined;
}

describe('parseFilters: range', () => {
  test('defaults to the last 24 hours ending now', () => {
    const f = parseFilters(new URLSearchParams(), { now: NOW });
    expect(f.to).toBe(NOW);
    expect(f.from).toBe(NOW - 24 * H);
    expect(isOpenEnded(f)).toBe(true);
  });

  test.each([
    ['2026-11-24T10:00:00Z', Date.UTC(2026, 10, 24, 10)],
    ['2026-11-24T10:00:00.123Z', Date.UTC(2026, 10, 24, 10, 0, 0, 123)],
    ['2026-11-24T12:00:00+02:00', Date.UTC(2026, 10, 24, 10)],
    ['2026-11-24T10:00Z', Date.UTC(2026, 10, 24, 10)],
    ['2026-11-24', Date.UTC(2026, 10, 24)],
    [String(Date.UTC(2026, 10, 24, 10)), Date.UTC(2026, 10, 24, 10)],
    ['now-7d', NOW - 7 * 24 * H],
    ['now-90m', NOW - 90 * 60_000],
    ['now-30s', NOW - 30_000],
  ])('from=%s', (from, expected) => {
    expect(parseFilters(new URLSearchParams({ from }), { now: NOW }).from).toBe(expected);
  });

  test('an explicit absolute `to` is not open-ended; a missing `from` is 24 h before it', () => {
    const f = parseFilters({ to: '2026-11-20T00:00:00Z' }, { now: NOW });
    expect(f.from).toBe(Date.UTC(2026, 10, 19));
    expect(isOpenEnded(f)).toBe(false);
  });

  test.each([
    [{ from: 'yesterday' }, 'from'],
    [{ from: '2026-13-45T99:00:00Z' }, 'from'],
    [{ to: '10:00' }, 'to'],
    [{ from: '2026-11-25T00:00:00Z', to: '2026-11-24T00:00:00Z' }, 'from'],
    [{ from: '2026-11-24T00:00:00Z', to: '2026-11-24T00:00:00Z' }, 'from'],
    [{ from: '2020-01-01T00:00:00Z' }, 'from'],
    [{ status: '4x' }, 'status'],
    [{ status: '600' }, 'status'],
    [{ status: 'error' }, 'status'],
    [{ code: 'x'.repeat(300) }, 'code'],
    [{ from: ['now-1h', 'now-2h'] }, 'from'],
  ])('%j → 400 on %s', (input, field) => {
    expect(fieldOf(() => parseFilters(input as Record<string, string>, { now: NOW }))).toBe(field);
  });
});

describe('parseFilters: dimensions', () => {
  test('every filter is repeatable and deduplicated; empty values mean "not set"', () => {
    const q = new URLSearchParams(
      'status=4xx&status=503&status=4XX&code=rate_limited&code=capacity_exceeded&tier=free&tier=pro&key=k1&key=k1' +
        '&account=a1&route=%2Fv1%2Fsubmissions%2F%7Bid%7D&method=POST&reason=daily_quota&reason=&tier=',
    );
    const f = parseFilters(q, { now: NOW });
    expect(f.status).toEqual([
      { kind: 'class', class: 4 },
      { kind: 'status', status: 503 },
    ]);
    expect(f.code).toEqual(['rate_limited', 'capacity_exceeded']);
    expect(f.tier).toEqual(['free', 'pro']);
    expect(f.key).toEqual(['k1']);
    expect(f.account).toEqual(['a1']);
    expect(f.route).toEqual(['/v1/submissions/{id}']);
    expect(f.method).toEqual(['POST']);
    expect(f.reason).toEqual(['daily_quota']);
  });

  test("a Next page's searchParams object parses like the query string", () => {
    const fromObject = parseFilters({ status: ['5xx', '429'], code: 'rate_limited', key: undefined, from: 'now-6h' }, { now: NOW });
    const fromQuery = parseFilters(new URLSearchParams('status=5xx&status=429&code=rate_limited&from=now-6h'), { now: NOW });
    expect(fromObject).toEqual(fromQuery);
  });

  test('unknown parameters (page state such as `tab`) are ignored', () => {
    expect(parseFilters({ tab: 'keys', by: 'tier' }, { now: NOW }).code).toEqual([]);
  });
});

describe('filtersToQueryString', () => {
  test('round-trips: parse(serialize(f)) equals f, keeping a relative range relative', () => {
    const q = 'from=now-7d&status=4xx&status=500&code=rate_limited&tier=free&key=k%201&account=a&route=%2Fv1%2Fx&method=GET&reason=daily_quota';
    const f = parseFilters(new URLSearchParams(q), { now: NOW });
    const again = parseFilters(new URLSearchParams(filtersToQueryString(f)), { now: NOW });
    expect(again).toEqual(f);
    expect(filtersToQueryString(f)).toContain('from=now-7d');
    expect(filtersToQueryString(f)).not.toContain('to=');
  });

  test('absoluteRange pins the resolved range in epoch ms; omitRange leaves it out', () => {
    const f = parseFilters({ from: 'now-1h', code: 'forbidden' }, { now: NOW });
    expect(filtersToQueryString(f, { absoluteRange: true })).toBe(`from=${NOW - H}&to=${NOW}&code=forbidden`);
    expect(filtersToQueryString(f, { omitRange: true })).toBe('code=forbidden');
  });

  test('serializes a partial filter object built by a page (drill-down links)', () => {
    expect(filtersToQueryString({ status: [{ kind: 'class', class: 5 }], key: ['k1'] })).toBe('status=5xx&key=k1');
  });
});

describe('endpoint parameters', () => {
  test('breakdown: `by` is required and must be a known dimension; limit 1–1000', () => {
    expect(parseBreakdownParams(new URLSearchParams('by=kind'))).toEqual({ by: 'kind', limit: 50 });
    expect(fieldOf(() => parseBreakdownParams(new URLSearchParams('')))).toBe('by');
    expect(fieldOf(() => parseBreakdownParams(new URLSearchParams('by=colour')))).toBe('by');
    expect(fieldOf(() => parseBreakdownParams(new URLSearchParams('by=key&limit=0')))).toBe('limit');
    expect(fieldOf(() => parseBreakdownParams(new URLSearchParams('by=key&limit=1001')))).toBe('limit');
    expect(fieldOf(() => parseBreakdownParams(new URLSearchParams('by=key&limit=ten')))).toBe('limit');
  });

  test('timeseries: interval defaults to auto; by optional', () => {
    expect(parseTimeseriesParams(new URLSearchParams(''))).toEqual({ interval: 'auto', limit: 10 });
    expect(parseTimeseriesParams(new URLSearchParams('interval=day&by=tier'))).toEqual({ interval: 'day', by: 'tier', limit: 10 });
    expect(fieldOf(() => parseTimeseriesParams(new URLSearchParams('interval=week')))).toBe('interval');
  });

  test('list: limit ≤ 1000, default 100', () => {
    expect(parseListParams(new URLSearchParams(''))).toEqual({ limit: 100 });
    expect(parseListParams(new URLSearchParams('limit=1000&cursor=abc'))).toEqual({ limit: 1000, cursor: 'abc' });
    expect(fieldOf(() => parseListParams(new URLSearchParams('limit=5000')))).toBe('limit');
  });
});

describe('previousPeriod', () => {
  test('a live range stays relative, one length earlier', () => {
    const f = parseFilters(new URLSearchParams('from=now-24h&code=x'), { now: NOW });
    const p = previousPeriod(f, NOW);
    expect(p).toMatchObject({ from: NOW - 48 * H, to: NOW - 24 * H, code: ['x'], range_input: { from: 'now-2d', to: 'now-1d' } });
    expect(parseFilters(new URLSearchParams(filtersToQueryString(p)), { now: NOW })).toMatchObject({ from: p.from, to: p.to });
  });
  test('an absolute range gives absolute times', () => {
    const f = parseFilters(new URLSearchParams(`from=${NOW - 5 * H}&to=${NOW - 2 * H}`), { now: NOW });
    expect(previousPeriod(f, NOW)).toMatchObject({ from: NOW - 8 * H, to: NOW - 5 * H, range_input: { from: String(NOW - 8 * H), to: String(NOW - 5 * H) } });
  });
});
