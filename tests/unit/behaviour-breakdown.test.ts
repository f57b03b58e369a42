// /stats/breakdown?by=retry_class: limits by what the key did next, in the Breakdown shape (rates over the view's
// population, share of the limits), read through the store; filters a limit cannot be matched on are refused.
import { describe, expect, test } from 'vitest';
import { retryClassBreakdown, statsBreakdown } from '@/behaviour/breakdown';
import { openDatabase } from '@/db/client';
import { sqliteStoreOn } from '@/db/sqlite/store';
import { processBatch } from '@/ingest';
import { ApiError } from '@/lib/api-error';
import { breakdownCsvColumns, breakdownCsvRows } from '@/lib/csv';
import { parseBreakdownParams, parseFilters } from '@/lib/filters';
import { checkQuery } from '@/lib/query-params';
import { build, type Scenario } from '../support/behaviour-scenarios';

const T0 = Date.UTC(2026, 10, 25, 8);
const NOW = T0 + 2 * 86_400_000;

async function storeWith(scenarios: Scenario[]) {
  const db = openDatabase(':memory:');
  const store = sqliteStoreOn(db);
  const lines = scenarios.flatMap((s) => build(s).lines);
  // Other keys' successes: the population the rates are taken over.
  for (let i = 0; i < 20; i++) lines.push({ request_id: `ok_${i}`, timestamp: T0 + i * 1000, status: 200, method: 'GET', route: '/v1/x', key_id: 'k_other', account_id: 'a', tier: 'pro' });
  const r = await processBatch(store, new TextEncoder().encode(lines.map((l) => JSON.stringify(l)).join('\n')), { token_id: null, received_ms: T0, min_ts_ms: 0 });
  expect(r.rejected).toBe(0);
  return { store, lines };
}

const q = (s: string) => new URLSearchParams(`from=${T0 - 3_600_000}&to=${T0 + 86_400_000}&${s}`);

describe('breakdown by retry_class', () => {
  test('counts each class of limit, with rates over the population and shares of the limits', async () => {
    const { store, lines } = await storeWith([
      { kind: 'honours', key_id: 'k1', t0: T0, retry_after_s: 10, param: 12_000 },
      { kind: 'honours', key_id: 'k2', t0: T0 + 60_000, retry_after_s: 10, param: 9_500 },
      { kind: 'early', key_id: 'k3', t0: T0 + 120_000, retry_after_s: 30, param: 5_000 },
      { kind: 'immediate', key_id: 'k4', t0: T0 + 180_000, retry_after_s: 30, param: 100 },
      { kind: 'immediate', key_id: 'k5', t0: T0 + 240_000, retry_after_s: 30, param: 300 },
      { kind: 'immediate', key_id: 'k6', t0: T0 + 300_000, retry_after_s: 30, param: 900 },
      { kind: 'abandons', key_id: 'k7', t0: T0 + 360_000, retry_after_s: 5, param: 0 },
    ]);
    const b = await retryClassBreakdown(store, parseFilters(q('')), { now: NOW });
    const population = lines.length;
    expect(b.by).toBe('retry_class');
    expect(b.rows.map((r) => [r.value, r.errors, r.records, r.requests])).toEqual([
      ['immediate', 3, 3, population],
      ['honoured', 2, 2, population],
      ['abandoned', 1, 1, population],
      ['early', 1, 1, population],
    ]);
    expect(b.rows[0].error_rate).toBeCloseTo(3 / population, 12);
    expect(b.rows[0].share).toBeCloseTo(3 / 7, 12);
    expect(b.total).toMatchObject({ value: null, errors: 7, requests: population, share: 1 });
    expect(b.other).toBeNull();
    // The same limits an hour after the abandoned one are still pending.
    const early = await retryClassBreakdown(store, parseFilters(q('')), { now: T0 + 360_000 + 600_000 });
    expect(early.rows.find((r) => r.value === 'pending')?.errors).toBe(1);
    expect(early.rows.find((r) => r.value === 'abandoned')).toBeUndefined();
    // Cut to two rows: the rest is `other`.
    const cut = await statsBreakdown(store, parseFilters(q('')), parseBreakdownParams(q('by=retry_class&limit=2')));
    expect(cut.rows.map((r) => r.value)).toEqual(['immediate', 'honoured']);
    expect(cut.other?.errors).toBe(2);
    // Filters on the limit's own fields.
    const one = await retryClassBreakdown(store, parseFilters(q('key=k4&key=k1')), { now: NOW });
    expect(one.rows.map((r) => [r.value, r.errors])).toEqual([['honoured', 1], ['immediate', 1]]);
    expect((await retryClassBreakdown(store, parseFilters(q('status=5xx')), { now: NOW })).rows).toEqual([]);
    expect((await retryClassBreakdown(store, parseFilters(q('status=429&code=rate_limited')), { now: NOW })).total.errors).toBe(7);
    // CSV: the class column, then the counts.
    expect(breakdownCsvColumns('retry_class')[0]).toBe('retry_class');
    expect(breakdownCsvRows(b).map((r) => [r[0], r[2]])).toEqual([['immediate', 3], ['honoured', 2], ['abandoned', 1], ['early', 1]]);
  });

  test('refuses filters a limit cannot be matched on, by name', async () => {
    const { store } = await storeWith([]);
    for (const f of ['account=a', 'tier=pro', 'method=GET', 'reason=daily_quota', 'user_agent=x']) {
      const err = await retryClassBreakdown(store, parseFilters(q(f)), { now: NOW }).catch((e: unknown) => e);
      expect(err, f).toBeInstanceOf(ApiError);
      expect((err as ApiError).details.field).toBe(f.split('=')[0]);
    }
  });

  test('by=retry_class is a valid breakdown parameter of the API and the CSV, other dimensions still go to the store', async () => {
    expect(parseBreakdownParams(new URLSearchParams('by=retry_class')).by).toBe('retry_class');
    expect(() => checkQuery(new URLSearchParams('by=retry_class'), '/api/v1/export/breakdown.csv')).not.toThrow();
    expect(() => parseBreakdownParams(new URLSearchParams('by=retry_klass'))).toThrow();
    const { store } = await storeWith([]);
    expect((await statsBreakdown(store, parseFilters(q('')), { by: 'route' })).rows.map((r) => r.value)).toEqual(['/v1/x']);
  });
});
