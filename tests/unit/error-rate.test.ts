import { describe, expect, test } from 'vitest';
import {
  countRate,
  describeNoSuccesses,
  ERROR_FILTERS,
  hasErrorFilters,
  hasPopulationFilters,
  isErrorDimension,
  POPULATION_FILTERS,
  populationOf,
  rowShareBase,
  type RateRecord,
} from '@/lib/error-rate';
import { BREAKDOWN_DIMENSIONS, filterParamsSchema, parseFilters } from '@/lib/filters';

const NOW = Date.UTC(2026, 10, 30, 12);
const H = 3_600_000;
const f = (q: string) => parseFilters(new URLSearchParams(q), { now: NOW });

const ok = (over: Partial<RateRecord> = {}): RateRecord => ({
  ts_ms: NOW - H,
  status: 200,
  code: null,
  tier: 'free',
  key_id: 'k1',
  account_id: 'a1',
  route: '/v1/submissions',
  method: 'POST',
  ...over,
});
const fail = (status: number, code: string, over: Partial<RateRecord> = {}) => ok({ status, code, ...over });

// 20 records: free has 10 (6 ok, 2 rate_limited, 1 internal_error, 1 capacity/daily_quota), pro has 10 (7 ok, 1 rate_limited,
// 2 internal_error 503 on key k2 / GET), and 3 outside the range.
const records: RateRecord[] = [
  ...Array.from({ length: 6 }, () => ok()),
  fail(429, 'rate_limited'),
  fail(429, 'rate_limited'),
  fail(500, 'internal_error'),
  fail(429, 'capacity_exceeded', { reason: 'daily_quota' }),
  ...Array.from({ length: 7 }, () => ok({ tier: 'pro', key_id: 'k2', account_id: 'a2', method: 'GET', route: '/v1/keys' })),
  fail(429, 'rate_limited', { tier: 'pro', key_id: 'k2', account_id: 'a2', method: 'GET', route: '/v1/keys' }),
  ...Array.from({ length: 2 }, () => fail(503, 'internal_error', { tier: 'pro', key_id: 'k2', account_id: 'a2', method: 'GET', route: '/v1/keys' })),
  fail(500, 'internal_error', { ts_ms: NOW - 30 * H }),
  ok({ ts_ms: NOW - 30 * H }),
  fail(500, 'internal_error', { ts_ms: NOW + H }),
];

describe('the error-rate rule: matching failures ÷ matching requests', () => {
  test.each([
    // [what, query, requests, errors]
    ['no filter: every failure over every request', '', 20, 7],
    ['code (error filter): only its failures count, every request does', 'code=internal_error', 20, 3],
    ['code, repeated', 'code=internal_error&code=rate_limited', 20, 6],
    ['status (error filter), exact', 'status=503', 20, 2],
    ['status (error filter), class', 'status=5xx', 20, 3],
    ['status 2xx: successes are not failures', 'status=200', 20, 0],
    ['reason (error filter)', 'reason=daily_quota', 20, 1],
    ['tier (population filter): its requests and its failures', 'tier=free', 10, 4],
    ['key (population filter)', 'key=k2', 10, 3],
    ['account (population filter)', 'account=a1', 10, 4],
    ['route (population filter)', 'route=%2Fv1%2Fkeys', 10, 3],
    ['method (population filter)', 'method=GET', 10, 3],
    ['time (population): the range', `from=${NOW - 40 * H}&to=${NOW}`, 22, 8],
    ['code=rate_limited within tier free: the share of free-tier requests that were rate-limited', 'tier=free&code=rate_limited', 10, 2],
    ['error and population filters together', 'key=k2&status=5xx', 10, 2],
  ])('%s', (_what, q, requests, errors) => {
    const c = countRate(records, f(q));
    expect({ requests: c.requests, errors: c.errors }).toEqual({ requests, errors });
    expect(c.error_rate).toBe(errors / requests);
  });

  test('with code=internal_error no tier is at 100 %', () => {
    for (const tier of ['free', 'pro']) expect(countRate(records, f(`code=internal_error&tier=${tier}`)).error_rate).toBeLessThan(0.25);
  });

  test('records count what passes every filter, successes included where a status filter names them', () => {
    expect(countRate(records, f('status=200')).records).toBe(13);
    expect(countRate(records, f('code=rate_limited')).records).toBe(3);
    expect(countRate(records, f('')).records).toBe(20);
  });

  test('failures count every failure of the population whatever the error filters (successes = requests − failures)', () => {
    expect(countRate(records, f('code=internal_error')).failures).toBe(7);
    expect(countRate(records, f('tier=pro&code=internal_error')).failures).toBe(3);
  });

  test('no requests: no rate', () => {
    expect(countRate(records, f('tier=enterprise')).error_rate).toBeNull();
  });

  test('every filter of the schema is either an error or a population filter, never both', () => {
    const kinds = [...ERROR_FILTERS, ...POPULATION_FILTERS, 'from', 'to'];
    expect(new Set(kinds).size).toBe(kinds.length);
    expect(Object.keys(filterParamsSchema.shape).sort()).toEqual([...kinds].sort());
  });

  test('populationOf drops the error filters only', () => {
    const p = populationOf(f('code=x&status=5xx&reason=r&tier=free&key=k'));
    expect(hasErrorFilters(p)).toBe(false);
    expect(hasPopulationFilters(p)).toBe(true);
    expect(p.tier).toEqual(['free']);
    expect(p.key).toEqual(['k']);
  });

  test('error dimensions are the ones the error filters name (and what derives from them)', () => {
    expect(BREAKDOWN_DIMENSIONS.filter(isErrorDimension)).toEqual(['status', 'status_class', 'code', 'reason', 'kind']);
  });
});

describe('populations without successes', () => {
  test('successes somewhere: nothing to say', () => {
    expect(describeNoSuccesses({ requests: 10, failures: 3 }, () => ({ requests: 0, failures: 0 }))).toEqual({ kind: 'none' });
    expect(describeNoSuccesses({ requests: 0, failures: 0 }, () => ({ requests: 0, failures: 0 }))).toEqual({ kind: 'none' });
  });
  test('this population failed everything while other traffic succeeded: a real 100 %', () => {
    expect(describeNoSuccesses({ requests: 312, failures: 312 }, () => ({ requests: 1000, failures: 400 }))).toEqual({ kind: 'all_failed', requests: 312 });
  });
  test('nothing in the whole range succeeded: the gateway sends no success records, the rate is unknown', () => {
    expect(describeNoSuccesses({ requests: 312, failures: 312 }, () => ({ requests: 500, failures: 500 }))).toEqual({ kind: 'no_totals' });
  });
  test('the whole range is read only when needed', () => {
    let reads = 0;
    describeNoSuccesses({ requests: 5, failures: 1 }, () => (reads++, { requests: 0, failures: 0 }));
    expect(reads).toBe(0);
  });
});

describe('share of a breakdown row', () => {
  const rows = [
    { value: 'daily_quota', errors: 3 },
    { value: null, errors: 90 },
    { value: 'platform_queue', errors: 7 },
  ];
  test('of all the errors of the view', () => expect(rowShareBase('code', rows, 100)).toBe(100));
  test('reasons: of the errors that carry one', () => expect(rowShareBase('reason', rows, 100)).toBe(10));
});
