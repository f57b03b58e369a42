// Request lookups, lists and stats against a real migrated SQLite, data written through ingest/write.ts.
import { beforeEach, describe, expect, test } from 'vitest';
import { openDatabase, type Db } from '@/db/client';
import { getRequestById, listRequests, lookupRequestIds, lookupStatementSql } from '@/db/queries/requests';
import { getBreakdown, getSummary, getTimeseries } from '@/db/queries/stats';
import { ApiError } from '@/lib/api-error';
import { isErrorDimension } from '@/lib/error-rate';
import { parseFilters } from '@/lib/filters';
import { OTHER_GROUP } from '@/lib/groups';
import { insertRecords, makeRecord, uniqueRequestId } from '../support/factories';

const M = 60_000;
const H = 60 * M;
const NOW = Date.UTC(2026, 10, 25, 9, 17, 42);

let db: Db;
beforeEach(() => {
  db = openDatabase(':memory:');
});

const filters = (q = '') => parseFilters(new URLSearchParams(q), { now: NOW });

describe('getRequestById', () => {
  test('every record of the id with its catalog entry, and what the same key did around it', () => {
    const id = uniqueRequestId();
    const t = NOW - 2 * H;
    const own = [
      makeRecord({ request_id: id, ts_ms: t, code: 'capacity_exceeded', key_id: 'key_a', reason: 'concurrent_submissions', details: { reason: 'concurrent_submissions', used: 5, limit: 5 } }),
      makeRecord({ request_id: id, ts_ms: t, code: 'new_code_v2', status: 429, key_id: 'key_a' }),
    ];
    const before = makeRecord({ ts_ms: t - 3 * M, key_id: 'key_a' });
    const after = makeRecord({ ts_ms: t + 2 * M, code: 'rate_limited', key_id: 'key_a' });
    const farBefore = makeRecord({ ts_ms: t - 40 * M, key_id: 'key_a' });
    const otherKey = makeRecord({ ts_ms: t + M, key_id: 'key_b', code: 'internal_error' });
    insertRecords(db, [...own, before, after, farBefore, otherKey]);

    const d = getRequestById(db, id)!;
    expect(d.request_id).toBe(id);
    expect(d.records.map((r) => r.code).sort()).toEqual(['capacity_exceeded', 'new_code_v2']);
    const cap = d.records.find((r) => r.code === 'capacity_exceeded')!;
    expect(cap).toMatchObject({ status: 429, ts: new Date(t).toISOString(), ts_ms: t, kind: 'limit', reason: 'concurrent_submissions', unknown_code: false });
    expect(cap.details).toEqual({ reason: 'concurrent_submissions', used: 5, limit: 5 });
    expect(cap.catalog).toMatchObject({ code: 'capacity_exceeded', kind: 'limit' });
    expect(cap.catalog!.cause).toMatch(/daily-quota/);
    const unknown = d.records.find((r) => r.code === 'new_code_v2')!;
    expect(unknown).toMatchObject({ catalog: null, kind: 'unknown', unknown_code: true });

    const a = d.around!;
    expect(a.key_id).toBe('key_a');
    expect(a.to_ms - a.from_ms).toBe(15 * M);
    expect(a.counts_by_code).toEqual(
      expect.arrayContaining([
        { code: null, count: 1 },
        { code: 'rate_limited', count: 1 },
        { code: 'capacity_exceeded', count: 1 },
        { code: 'new_code_v2', count: 1 },
      ]),
    );
    expect(a.total).toBe(4);
    expect(a.previous?.request_id).toBe(before.request_id);
    expect(a.next?.request_id).toBe(after.request_id);
    expect(a.timeline.map((r) => r.ts_ms)).toEqual([t - 3 * M, t, t, t + 2 * M]);
  });

  test('the previous request of a key may be far outside the window; none without a key', () => {
    const old = makeRecord({ ts_ms: NOW - 20 * H, key_id: 'key_lonely' });
    const req = makeRecord({ ts_ms: NOW - H, key_id: 'key_lonely', code: 'forbidden' });
    const keyless = makeRecord({ ts_ms: NOW - H, key_id: null, account_id: null, code: 'missing_credentials' });
    insertRecords(db, [old, req, keyless]);
    const d = getRequestById(db, req.request_id)!;
    expect(d.around!.previous?.request_id).toBe(old.request_id);
    expect(d.around!.next).toBeNull();
    expect(d.around!.total).toBe(1);
    expect(getRequestById(db, keyless.request_id)!.around).toBeNull();
  });

  test('an unknown id → null', () => {
    expect(getRequestById(db, 'req_never_seen')).toBeNull();
  });

  test('a busy key: the timeline stops at 50 light entries, counts cover the whole window, previous/next are the neighbours', () => {
    const t = NOW - 3 * H;
    // 200 records of key_busy, one every 5 s: up to 90 of them in each half-window.
    const recs = Array.from({ length: 200 }, (_, i) => makeRecord({ ts_ms: t - 7 * M + i * 5_000, key_id: 'key_busy', code: i % 4 === 0 ? 'rate_limited' : '' }));
    insertRecords(db, recs);
    const late = getRequestById(db, recs[150].request_id)!.around!; // 90 records of its window come before it: not in the first 50
    expect(late.timeline).toHaveLength(50);
    expect(late.timeline_truncated).toBe(true);
    expect(late.timeline[0].request_id).toBe(recs[60].request_id);
    expect(late.previous?.request_id).toBe(recs[149].request_id);
    expect(late.next?.request_id).toBe(recs[151].request_id);
    expect(late.total).toBe(90 + 1 + 49); // the key stops 49 records after it
    const a = getRequestById(db, recs[42].request_id)!.around!; // its window starts before the key's first record
    const inWindow = recs.filter((r) => r.ts_ms >= a.from_ms && r.ts_ms < a.to_ms);
    expect(a.total).toBe(inWindow.length);
    expect(a.counts_by_code).toEqual([
      { code: null, count: inWindow.filter((r) => r.code === '').length },
      { code: 'rate_limited', count: inWindow.filter((r) => r.code !== '').length },
    ]);
    expect(a.previous?.request_id).toBe(recs[41].request_id);
    expect(a.next?.request_id).toBe(recs[43].request_id);
    expect(a.timeline[0]).toEqual({ request_id: recs[0].request_id, code: 'rate_limited', status: 429, ts: new Date(recs[0].ts_ms).toISOString(), ts_ms: recs[0].ts_ms, method: recs[0].method, route: recs[0].route, path: recs[0].path, latency_ms: recs[0].latency_ms });
    expect(a.timeline[0]).not.toHaveProperty('catalog');
  });

  test('every statement of the lookup reads an index range, none scans the table', () => {
    for (const [name, sql] of Object.entries(lookupStatementSql(db))) {
      const params = Array.from({ length: (sql.match(/\?/g) ?? []).length }, () => null);
      const plan = db.$client.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
      expect(plan[0].detail, name).toMatch(/^SEARCH requests USING INDEX requests_(request_id_code|key_ts) \(/);
      expect(plan.map((p) => p.detail).join(' '), name).not.toMatch(/SCAN requests/);
    }
  });
});

describe('lookupRequestIds', () => {
  test('finds every id in a pasted email and answers found and missing ones', () => {
    const a = makeRecord({ ts_ms: NOW - H, code: 'rate_limited' });
    const b = makeRecord({ ts_ms: NOW - 2 * H, code: 'internal_error', request_id: '4e1c2a8b-1d3f-4a5b-9c7d-0e2f4a6b8c0d' });
    insertRecords(db, [a, b]);
    const text = `Hello support,\n\nCalls failed with request id: ${a.request_id} and then X-Request-Id: ${b.request_id}.\nAn older one: req_doesnotexist99.\n`;
    const r = lookupRequestIds(db, text);
    expect(r.candidates).toEqual([a.request_id, b.request_id, 'req_doesnotexist99']);
    expect(r.found.map((f) => f.request_id)).toEqual([a.request_id, b.request_id]);
    expect(r.found[0].records[0]).toMatchObject({ code: 'rate_limited', catalog: { code: 'rate_limited' } });
    expect(r.missing).toEqual(['req_doesnotexist99']);
    expect(r.truncated).toBe(false);
  });
});

describe('listRequests', () => {
  test('newest first; each filter keeps exactly the matching records', () => {
    const base = { ts_ms: NOW - H };
    const recs = [
      makeRecord({ ...base, ts_ms: NOW - 10 * M, code: 'rate_limited', tier: 'pro', key_id: 'k1', account_id: 'a1', route: '/v1/a', method: 'GET' }),
      makeRecord({ ...base, ts_ms: NOW - 20 * M, code: 'capacity_exceeded', reason: 'daily_quota', tier: 'free', key_id: 'k2', account_id: 'a2', route: '/v1/b', method: 'POST' }),
      makeRecord({ ...base, ts_ms: NOW - 30 * M, code: 'internal_error', status: 503, tier: null, key_id: null, account_id: null, route: null, method: null }),
      makeRecord({ ...base, ts_ms: NOW - 40 * M, tier: 'pro', key_id: 'k1', account_id: 'a1' }),
      makeRecord({ ts_ms: NOW - 30 * H, code: 'rate_limited' }),
    ];
    insertRecords(db, recs);
    const ids = (q: string) => listRequests(db, filters(q)).records.map((r) => r.request_id);
    const [r0, r1, r2, r3, old] = recs.map((r) => r.request_id);
    expect(ids('')).toEqual([r0, r1, r2, r3]);
    expect(ids(`from=${NOW - 31 * H}`)).toEqual([r0, r1, r2, r3, old]);
    expect(ids(`to=${NOW - 25 * M}`)).toEqual([r2, r3]);
    expect(ids('status=4xx')).toEqual([r0, r1]);
    expect(ids('status=5xx&status=200')).toEqual([r2, r3]);
    expect(ids('status=503')).toEqual([r2]);
    expect(ids('code=rate_limited&code=internal_error')).toEqual([r0, r2]);
    expect(ids('tier=pro')).toEqual([r0, r3]);
    expect(ids('key=k1&status=4xx')).toEqual([r0]);
    expect(ids('account=a2')).toEqual([r1]);
    expect(ids('route=%2Fv1%2Fb')).toEqual([r1]);
    expect(ids('method=GET')).toEqual([r0]);
    expect(ids('reason=daily_quota')).toEqual([r1]);
    expect(ids('tier=enterprise')).toEqual([]);
  });

  test('keyset pages have no gaps or repeats while new records arrive', () => {
    const initial = Array.from({ length: 230 }, (_, i) => makeRecord({ ts_ms: NOW - 5 * H + Math.floor(i / 3) * M }));
    insertRecords(db, initial);
    const f = filters();
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = listRequests(db, f, { cursor, limit: 40 });
      seen.push(...page.records.map((r) => r.request_id));
      for (let i = 1; i < page.records.length; i++) expect(page.records[i - 1].ts_ms).toBeGreaterThanOrEqual(page.records[i].ts_ms);
      cursor = page.next_cursor;
      // New traffic lands between page reads, newer than everything and at the very timestamps being paged.
      insertRecords(db, [makeRecord({ ts_ms: NOW - M }), makeRecord({ ts_ms: page.records.at(-1)?.ts_ms ?? NOW - 6 * H })]);
      pages++;
    } while (cursor);
    expect(pages).toBeGreaterThanOrEqual(6);
    expect(new Set(seen).size).toBe(seen.length);
    const seenSet = new Set(seen);
    for (const r of initial) expect(seenSet.has(r.request_id)).toBe(true);
  });

  test('newer pages: `before` a page gives exactly the page above it, back to the newest', () => {
    // Three records per minute: ties on ts_ms are broken by id both ways.
    insertRecords(db, Array.from({ length: 130 }, (_, i) => makeRecord({ ts_ms: NOW - 5 * H + Math.floor(i / 3) * M })));
    const f = filters();
    const ids = (p: { records: { request_id: string }[] }) => p.records.map((r) => r.request_id);
    const pages = [listRequests(db, f, { limit: 40 })];
    expect(pages[0].prev_cursor).toBeNull();
    while (pages.at(-1)!.next_cursor) pages.push(listRequests(db, f, { cursor: pages.at(-1)!.next_cursor, limit: 40 }));
    expect(pages.map((p) => p.records.length)).toEqual([40, 40, 40, 10]);
    for (let i = pages.length - 1; i > 0; i--) {
      const up = listRequests(db, f, { before: pages[i].prev_cursor, limit: 40 });
      expect(ids(up)).toEqual(ids(pages[i - 1]));
      expect(up.next_cursor).toBe(pages[i - 1].next_cursor);
      expect(up.prev_cursor === null).toBe(i === 1);
    }
  });

  test('a forged cursor is a 400 on `cursor`', () => {
    expect(() => listRequests(db, filters(), { cursor: 'bm90LWEtY3Vyc29y' })).toThrow(ApiError);
  });
});

describe('stats', () => {
  function seed() {
    const recs = [
      ...Array.from({ length: 6 }, (_, i) => makeRecord({ ts_ms: NOW - 3 * H + i * M, tier: 'pro', key_id: 'k1' })),
      ...Array.from({ length: 3 }, (_, i) => makeRecord({ ts_ms: NOW - 3 * H + i * M, code: 'rate_limited', tier: 'pro', key_id: 'k1' })),
      makeRecord({ ts_ms: NOW - 2 * H, code: 'internal_error', tier: 'free', key_id: 'k2' }),
      makeRecord({ ts_ms: NOW - 2 * H, code: 'capacity_exceeded', reason: 'platform_queue', tier: 'free', key_id: 'k2' }),
      // previous period: 2 requests, 1 error
      makeRecord({ ts_ms: NOW - 30 * H, tier: 'pro', key_id: 'k1' }),
      makeRecord({ ts_ms: NOW - 30 * H, code: 'not_found', tier: 'pro', key_id: 'k3' }),
    ];
    insertRecords(db, recs);
  }

  test('summary: KPIs with the previous period of the same length and the change', () => {
    seed();
    const s = getSummary(db, filters());
    expect(s.requests).toEqual({ value: 11, previous: 2, change: 9, change_pct: 4.5 });
    expect(s.errors).toEqual({ value: 5, previous: 1, change: 4, change_pct: 4 });
    expect(s.error_rate.value).toBeCloseTo(5 / 11);
    expect(s.error_rate.previous).toBeCloseTo(0.5);
    expect(s.errors_4xx.value).toBe(4);
    expect(s.errors_5xx.value).toBe(1);
    expect(s.keys_with_errors).toMatchObject({ value: 2, previous: 1 });
    expect(s.no_totals).toBe(false);
    expect(s.previous_to_ms).toBe(s.from_ms);
  });

  test('summary: errors with no success records say so instead of a 100 % rate', () => {
    insertRecords(db, [makeRecord({ ts_ms: NOW - H, code: 'rate_limited' })]);
    const s = getSummary(db, filters());
    expect(s.no_totals).toBe(true);
    expect(s.error_rate.value).toBeNull();
  });

  test.each([
    ['status', [['429', 4], ['500', 1], ['200', 6]]],
    ['status_class', [['4xx', 4], ['2xx', 6], ['5xx', 1]]],
    ['tier', [['pro', 9], ['free', 2]]],
    ['key', [['k1', 9], ['k2', 2]]],
    ['code', [['rate_limited', 3], ['capacity_exceeded', 1], ['internal_error', 1], [null, 6]]],
    ['kind', [['limit', 4], ['platform', 1], [null, 6]]],
    ['reason', [[null, 10], ['platform_queue', 1]]],
    ['route', [['/v1/submissions', 11]]],
  ] as const)('breakdown by %s', (by, expected) => {
    seed();
    const b = getBreakdown(db, filters(), { by, limit: 50 });
    const got = new Map(b.rows.map((r) => [r.value, r.records]));
    expect(got).toEqual(new Map(expected.map(([v, n]) => [v, n])));
    for (let i = 1; i < b.rows.length; i++) expect(b.rows[i - 1].errors).toBeGreaterThanOrEqual(b.rows[i].errors);
    // An error dimension's rows share the population as their requests; a population dimension's rows split it.
    if (isErrorDimension(by)) for (const r of b.rows) expect(r.requests).toBe(11);
    else expect(b.rows.map((r) => r.requests)).toEqual(expected.map(([, n]) => n));
    expect(b.total.requests).toBe(11);
    expect(b.total.records).toBe(11);
  });

  test('breakdown: limit keeps the top rows and sums the rest in `other`', () => {
    seed();
    const b = getBreakdown(db, filters(), { by: 'code', limit: 1 });
    expect(b.rows).toEqual([{ value: 'rate_limited', requests: 11, errors: 3, error_rate: 3 / 11, records: 3, share: 3 / 5 }]);
    expect(b.other).toMatchObject({ requests: 11, errors: 2, records: 8, share: 2 / 5 });
  });

  test('timeseries: every bucket present, the chosen interval returned, no-totals buckets flagged', () => {
    seed();
    insertRecords(db, [makeRecord({ ts_ms: NOW - 10 * H + 5 * M, code: 'rate_limited' })]);
    const t = getTimeseries(db, filters(), { interval: 'auto' });
    expect(t).toMatchObject({ interval: 'hour', interval_ms: H, auto: true, tick_format: 'HH:mm' });
    expect(t.buckets).toHaveLength(25);
    const byTs = new Map(t.buckets.map((b) => [b.ts_ms, b]));
    const errOnly = byTs.get(Math.floor((NOW - 10 * H) / H) * H)!;
    expect(errOnly).toMatchObject({ requests: 1, errors: 1, no_totals: true, error_rate: null });
    const empty = byTs.get(Math.floor((NOW - 5 * H) / H) * H)!;
    expect(empty).toMatchObject({ requests: 0, errors: 0, no_totals: false, error_rate: null });
    expect(t.buckets.reduce((n, b) => n + b.requests, 0)).toBe(12);
  });

  test('timeseries by a dimension: top groups plus (other), per bucket', () => {
    seed();
    const t = getTimeseries(db, filters('from=now-4h'), { interval: 'hour', by: 'code', limit: 2 });
    expect(t.groups.map((g) => g.key)).toEqual(['rate_limited', 'capacity_exceeded', OTHER_GROUP]);
    const b = t.buckets.find((x) => x.requests === 9)!;
    expect(b.groups).toEqual({ rate_limited: { requests: 9, errors: 3 }, capacity_exceeded: { requests: 9, errors: 0 }, [OTHER_GROUP]: { requests: 9, errors: 0 } });
  });

  test('a filter on the error counts matching failures over the population: code=internal_error is not 100 %', () => {
    seed();
    const f = filters('code=internal_error');
    const s = getSummary(db, f);
    expect(s.requests.value).toBe(11);
    expect(s.errors.value).toBe(1);
    expect(s.error_rate.value).toBeCloseTo(1 / 11);
    expect(s.no_totals).toBe(false);
    expect(s.all_failed).toBeNull();
    expect(s.errors_5xx.value).toBe(1);
    expect(s.errors_4xx.value).toBe(0);
    expect(s.keys_with_errors.value).toBe(1);
    const tiers = getBreakdown(db, f, { by: 'tier' });
    expect(tiers.rows.map((r) => [r.value, r.requests, r.errors, r.error_rate])).toEqual([
      ['free', 2, 1, 0.5],
      ['pro', 9, 0, 0],
    ]);
    const codes = getBreakdown(db, f, { by: 'code' });
    expect(codes.rows.map((r) => [r.value, r.requests, r.errors, r.records])).toEqual([['internal_error', 11, 1, 1]]);
    const t = getTimeseries(db, f, { interval: 'hour', by: 'tier' });
    expect(t.buckets.find((x) => x.requests === 9)).toMatchObject({ errors: 0, error_rate: 0, no_totals: false });
    expect(t.buckets.reduce((n, x) => n + x.errors, 0)).toBe(1);
    // The same rule with a status and a reason filter.
    expect(getSummary(db, filters('status=5xx')).error_rate.value).toBeCloseTo(1 / 11);
    expect(getSummary(db, filters('reason=platform_queue&tier=free')).error_rate.value).toBeCloseTo(1 / 2);
    // A population filter narrows the requests as well.
    expect(getSummary(db, filters('tier=pro&code=rate_limited')).error_rate.value).toBeCloseTo(3 / 9);
  });

  test('a key that failed every request while others succeeded: a real 100 %, said in words, not "no totals"', () => {
    seed();
    insertRecords(db, [makeRecord({ ts_ms: NOW - 2 * H + M, key_id: 'k1' })]);
    const s = getSummary(db, filters('key=k2'));
    expect(s.no_totals).toBe(false);
    expect(s.error_rate.value).toBe(1);
    expect(s.all_failed).toEqual({ requests: 2, since_ms: NOW - 2 * H, since: new Date(NOW - 2 * H).toISOString() });
    const t = getTimeseries(db, filters('key=k2'), { interval: 'hour' });
    expect(t.buckets.find((b) => b.requests === 2)).toMatchObject({ error_rate: 1, no_totals: false });
    // With only failures ingested anywhere, the same key is "no totals" again.
    const only = openDatabase(':memory:');
    insertRecords(only, [makeRecord({ ts_ms: NOW - H, code: 'rate_limited', key_id: 'k9' }), makeRecord({ ts_ms: NOW - H, code: 'not_found' })]);
    const u = getSummary(only, filters('key=k9'));
    expect(u).toMatchObject({ no_totals: true, all_failed: null });
    expect(u.error_rate.value).toBeNull();
    expect(getTimeseries(only, filters('key=k9'), { interval: 'hour' }).buckets.find((b) => b.requests === 1)).toMatchObject({ no_totals: true, error_rate: null });
    only.$client.close();
  });

  test('a minute series split by key reads raw rows, so its range is capped at 6 hours', () => {
    seed();
    expect(() => getTimeseries(db, filters('from=now-7h'), { interval: 'minute', by: 'key' })).toThrow(/6 hours/);
    expect(() => getTimeseries(db, filters('from=now-7h&route=%2Fv1%2Fx'), { interval: 'minute' })).toThrow(/6 hours/);
    expect(getTimeseries(db, filters('from=now-7h'), { interval: 'minute', by: 'tier' }).buckets).toHaveLength(421);
    expect(getTimeseries(db, filters('from=now-3h'), { interval: 'minute', by: 'key' }).buckets).toHaveLength(181);
    expect(() => getTimeseries(db, filters('from=now-30d'), { interval: 'minute' })).toThrow(/too many points/);
  });
});
