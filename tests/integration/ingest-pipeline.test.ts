import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, test } from 'vitest';
import { openDatabase, type Db } from '@/db/client';
import { getIngestHealthSeries, getIngestHealthTotals, getRejectionReasons, listRecentRejections, NO_TOKEN_NAME } from '@/db/queries/ingest-health';
import { pruneRetention, retentionCutoff } from '@/db/queries/retention';
import { createToken } from '@/db/queries/tokens';
import { sqliteStoreOn } from '@/db/sqlite/store';
import type { RequestStore } from '@/db/store';
import { prepareBatch, processBatch, SAMPLES_PER_BATCH } from '@/ingest';
import { DeadlineExceeded, type IngestResult } from '@/ingest/types';
import { recordRejectedBatch, toRow, writeRows } from '@/ingest/write';
import { Writer } from '@/ingest/writer';
import { ApiError } from '@/lib/api-error';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 25, 10, 30);
const enc = (lines: unknown[]) => new TextEncoder().encode(lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n'));

function rec(i: number, over: object = {}) {
  const error = i % 3 === 0;
  return {
    request_id: `req_${i}`,
    timestamp: new Date(NOW - (i % 120) * 60_000).toISOString(),
    status: error ? 429 : 200,
    method: 'POST',
    path: `/v1/submissions/${1000 + (i % 7)}`,
    latency_ms: 10 + (i % 5),
    key_id: `key_${i % 4}`,
    account_id: `acc_${i % 2}`,
    tier: i % 2 ? 'pro' : 'free',
    ...(error ? { error: { code: 'capacity_exceeded', message: 'cap', details: { reason: i % 2 ? 'daily_quota' : 'platform_queue' } } } : {}),
    ...over,
  };
}

const count = (db: Db, sql: string): number => (db.$client.prepare(sql).pluck().get() as number) ?? 0;

/** Rollups are only useful if they always equal the raw rows they summarize. */
function expectRollupsMatchRaw(db: Db) {
  const raw = count(db, 'SELECT count(*) FROM requests');
  expect(count(db, 'SELECT sum(count) FROM rollup_minute')).toBe(raw);
  expect(count(db, 'SELECT sum(count) FROM rollup_hour')).toBe(raw);
  expect(count(db, 'SELECT sum(count) FROM rollup_key_hour')).toBe(count(db, 'SELECT count(*) FROM requests WHERE key_id IS NOT NULL OR account_id IS NOT NULL'));
  // The day rollup holds every record (keyless ones under key '' and account ''), grouped exactly as the raw rows.
  const rawByDay = db.$client.prepare("SELECT (ts_ms / 86400000) * 86400000, coalesce(key_id, ''), coalesce(account_id, ''), coalesce(tier, ''), status, code, coalesce(reason, ''), count(*) FROM requests GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7").raw().all();
  expect(db.$client.prepare('SELECT * FROM rollup_key_day ORDER BY 1, 2, 3, 4, 5, 6, 7').raw().all()).toEqual(rawByDay);
  const rawCodeHour = db.$client
    .prepare("SELECT (ts_ms / 3600000) * 3600000, status, code, coalesce(tier, ''), coalesce(reason, ''), count(*) FROM requests GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5")
    .raw()
    .all();
  expect(db.$client.prepare('SELECT * FROM rollup_code_hour ORDER BY 1, 2, 3, 4, 5').raw().all()).toEqual(rawCodeHour);
  // rollup_day: every record by UTC day, status, code, tier, reason, route and method, with its latency sum.
  const rawDay = db.$client
    .prepare("SELECT (ts_ms / 86400000) * 86400000, status, code, coalesce(tier, ''), coalesce(reason, ''), coalesce(route, ''), coalesce(method, ''), count(*), sum(coalesce(latency_ms, 0)) FROM requests GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7")
    .raw()
    .all();
  expect(db.$client.prepare('SELECT * FROM rollup_day ORDER BY 1, 2, 3, 4, 5, 6, 7').raw().all()).toEqual(rawDay);
  const byHour = (sql: string) => db.$client.prepare(sql).raw().all();
  expect(byHour('SELECT bucket_ms, status, code, sum(count) FROM rollup_hour GROUP BY 1, 2, 3 ORDER BY 1, 2, 3')).toEqual(
    byHour('SELECT (ts_ms / 3600000) * 3600000, status, code, count(*) FROM requests GROUP BY 1, 2, 3 ORDER BY 1, 2, 3'),
  );
  expect(byHour('SELECT bucket_ms, status, code, sum(count) FROM rollup_minute GROUP BY 1, 2, 3 ORDER BY 1, 2, 3')).toEqual(
    byHour('SELECT (ts_ms / 60000) * 60000, status, code, count(*) FROM requests GROUP BY 1, 2, 3 ORDER BY 1, 2, 3'),
  );
  const errorsByReason = db.$client.prepare("SELECT coalesce(reason, '') reason, count(*) n FROM requests WHERE status >= 400 GROUP BY 1 ORDER BY 1").all();
  const rolledByReason = db.$client.prepare("SELECT reason, sum(count) n FROM rollup_minute WHERE status >= 400 GROUP BY reason ORDER BY reason").all();
  expect(rolledByReason).toEqual(errorsByReason);
}

let db: Db;
let store: RequestStore;
beforeEach(() => {
  db = openDatabase(':memory:');
  store = sqliteStoreOn(db);
});

describe('processBatch', () => {
  test('stores good records, rejects bad ones beside them, and counts everything', async () => {
    const body = enc([rec(1), '{"broken', rec(2), { request_id: 'no time', status: 200 }, rec(3), 'null', rec(4, { status: 'abc' })]);
    const r = await processBatch(store, body, { token_id: 7, received_ms: NOW });
    expect(r).toMatchObject({ accepted: 3, duplicates: 0, rejected: 4 });
    expect(r.errors).toEqual([
      expect.objectContaining({ line: 2, code: 'invalid_json' }),
      expect.objectContaining({ line: 4, code: 'invalid_field', field: 'request_id' }),
      expect.objectContaining({ line: 6, code: 'not_an_object' }),
      expect.objectContaining({ line: 7, code: 'invalid_field', field: 'status' }),
    ]);
    const row = db.$client.prepare("SELECT * FROM requests WHERE request_id = 'req_3'").get() as Record<string, unknown>;
    expect(row).toMatchObject({ code: 'capacity_exceeded', status: 429, reason: 'daily_quota', route: '/v1/submissions/{id}', token_id: 7, received_ms: NOW });
    expectRollupsMatchRaw(db);
  });

  test('re-sending a batch changes nothing: duplicates on (request_id, code), rollups unchanged', async () => {
    const batch = enc(Array.from({ length: 300 }, (_, i) => rec(i)));
    expect(await processBatch(store, batch, { token_id: 1, received_ms: NOW })).toMatchObject({ accepted: 300, duplicates: 0 });
    const before = db.$client.prepare('SELECT * FROM rollup_hour ORDER BY 1,2,3,4,5,6,7').all();
    expect(await processBatch(store, batch, { token_id: 1, received_ms: NOW + 1 })).toMatchObject({ accepted: 0, duplicates: 300 });
    expect(db.$client.prepare('SELECT * FROM rollup_hour ORDER BY 1,2,3,4,5,6,7').all()).toEqual(before);
    expectRollupsMatchRaw(db);
  });

  test('overlapping batches: only the new records are accepted; a success and an error of one request id are two rows', async () => {
    await processBatch(store, enc(Array.from({ length: 100 }, (_, i) => rec(i))), { token_id: 1, received_ms: NOW });
    const r = await processBatch(store, enc(Array.from({ length: 100 }, (_, i) => rec(i + 50))), { token_id: 1, received_ms: NOW });
    expect(r).toMatchObject({ accepted: 50, duplicates: 50 });
    const both = await processBatch(store, enc([rec(2000), rec(2000, { status: 500, error: { code: 'internal_error', message: 'x' } })]), { token_id: 1 });
    expect(both.accepted).toBe(2);
    expect(count(db, 'SELECT count(*) FROM requests')).toBe(152);
    expectRollupsMatchRaw(db);
  });

  test('duplicates inside one batch count once', async () => {
    expect(await processBatch(store, enc([rec(1), rec(1), rec(1)]), { token_id: 1 })).toMatchObject({ accepted: 1, duplicates: 2 });
  });

  test('unknown codes and status mismatches are stored and flagged, never dropped', async () => {
    await processBatch(store, enc([rec(10, { status: 418, error: { code: 'teapot', message: 'x' } }), rec(11, { status: 400, error: { code: 'rate_limited', message: 'x' } })]), { token_id: 1 });
    const rows = db.$client.prepare('SELECT request_id, code, unknown_code, status_mismatch FROM requests ORDER BY request_id').all();
    expect(rows).toEqual([
      { request_id: 'req_10', code: 'teapot', unknown_code: 1, status_mismatch: 0 },
      { request_id: 'req_11', code: 'rate_limited', unknown_code: 0, status_mismatch: 1 },
    ]);
  });

  test('only the first 100 errors are listed; all are counted; samples are bounded per batch', async () => {
    const body = enc(Array.from({ length: 250 }, (_, i) => (i === 125 ? rec(1) : `{"bad ${i}`)));
    const r = await processBatch(store, body, { token_id: 3, received_ms: NOW, line_offset: 1000 });
    expect(r.rejected).toBe(249);
    expect(r.errors).toHaveLength(100);
    expect(r.errors[0].line).toBe(1001);
    expect(count(db, 'SELECT count(*) FROM ingest_rejections')).toBe(SAMPLES_PER_BATCH);
    expect(count(db, 'SELECT rejected FROM ingest_health_hour')).toBe(249);
  });

  test('records older than min_ts_ms are rejected as expired', async () => {
    const r = await processBatch(store, enc([rec(1), rec(2, { timestamp: '2020-01-01T00:00:00Z' })]), { token_id: 1, min_ts_ms: NOW - 30 * 86_400_000 });
    expect(r.accepted).toBe(1);
    expect(r.errors).toEqual([expect.objectContaining({ line: 2, code: 'expired', field: 'timestamp' })]);
  });

  test('a write whose answer deadline has passed is rolled back whole: no row, no rollup, no health count', async () => {
    const rows = prepareBatch(enc([rec(1), rec(2), rec(3)])).records.map(toRow);
    expect(() => writeRows(db, rows, { token_id: 1, received_ms: NOW, deadline_ms: Date.now() - 1 })).toThrow(DeadlineExceeded);
    expect(() => prepareBatch(enc([rec(1)]), { deadline_ms: Date.now() - 1 })).toThrow(DeadlineExceeded);
    for (const t of ['requests', 'rollup_minute', 'rollup_code_hour', 'rollup_hour', 'rollup_day', 'rollup_key_day', 'ingest_health_hour']) expect(count(db, `SELECT count(*) FROM ${t}`)).toBe(0);
    // The same rows with time left are stored, and the rollups match them.
    expect(writeRows(db, rows, { token_id: 1, received_ms: NOW, deadline_ms: Date.now() + 60_000 })).toEqual({ accepted: 3, duplicates: 0 });
    expectRollupsMatchRaw(db);
  });

  test('an empty body and too many records fail the whole batch and write nothing', async () => {
    await expect(processBatch(store, new Uint8Array(0), { token_id: 1 })).rejects.toThrow(ApiError);
    expect(count(db, 'SELECT count(*) FROM ingest_health_hour')).toBe(0);
  });
});

describe('ingest health reads', () => {
  test('per token per hour, totals with names, latest rejections and reasons', async () => {
    const t = createToken(db, { name: 'vector-prod', scopes: ['ingest'] });
    await processBatch(store, enc([rec(1), rec(2), '{"x']), { token_id: t.id, received_ms: NOW });
    await processBatch(store, enc([rec(1), rec(3)]), { token_id: t.id, received_ms: NOW + HOUR });
    await processBatch(store, enc([rec(9), { request_id: 'r', status: 200 }]), { token_id: null, received_ms: NOW });
    const range = { from_ms: NOW - HOUR, to_ms: NOW + 2 * HOUR };
    const series = getIngestHealthSeries(db, range);
    expect(series).toEqual([
      { bucket_ms: NOW - 30 * 60_000, token_id: 0, token_name: NO_TOKEN_NAME, batches: 1, accepted: 1, duplicates: 0, rejected: 1, refused: 0 },
      { bucket_ms: NOW - 30 * 60_000, token_id: t.id, token_name: 'vector-prod', batches: 1, accepted: 2, duplicates: 0, rejected: 1, refused: 0 },
      { bucket_ms: NOW + 30 * 60_000, token_id: t.id, token_name: 'vector-prod', batches: 1, accepted: 1, duplicates: 1, rejected: 0, refused: 0 },
    ]);
    expect(getIngestHealthTotals(db, range)[0]).toMatchObject({ token_id: t.id, token_name: 'vector-prod', batches: 2, accepted: 3, duplicates: 1, rejected: 1, revoked: false });
    const latest = listRecentRejections(db, { limit: 10 });
    expect(latest.map((r) => [r.token_name, r.code, r.field])).toEqual([
      [NO_TOKEN_NAME, 'missing_field', 'timestamp'],
      ['vector-prod', 'invalid_json', null],
    ]);
    expect(latest[1].sample).toBe('{"x');
    const reasons = getRejectionReasons(db, range).map((r) => [r.code, r.count]);
    expect(reasons.sort()).toEqual([
      ['invalid_json', 1],
      ['missing_field', 1],
    ]);
  });
});

test('a whole refused batch shows on the ingest page as a batch with a line-0 sample', async () => {
  const t = createToken(db, { name: 'fluent-bit', scopes: ['ingest'] });
  recordRejectedBatch(db, { token_id: t.id, received_ms: NOW, code: 'payload_too_large', message: 'too big' });
  expect(listRecentRejections(db)).toEqual([expect.objectContaining({ token_name: 'fluent-bit', line: 0, code: 'payload_too_large', message: 'too big' })]);
  expect(getIngestHealthTotals(db, { from_ms: NOW - HOUR, to_ms: NOW + HOUR })[0]).toMatchObject({ batches: 1, accepted: 0, rejected: 0 });
});

describe('retention', () => {
  test('prunes raw rows (the dedupe state), rollups and ingest health at one UTC day boundary', async () => {
    const old = Array.from({ length: 50 }, (_, i) => rec(i, { timestamp: new Date(NOW - 40 * 86_400_000 - i * 60_000).toISOString() }));
    const fresh = Array.from({ length: 50 }, (_, i) => rec(i + 100));
    await processBatch(store, enc(old), { token_id: 1, received_ms: NOW - 40 * 86_400_000 });
    await processBatch(store, enc([...fresh, '{"x']), { token_id: 1, received_ms: NOW });
    const r = pruneRetention(db, { days: 30, now_ms: NOW });
    expect(r.cutoff_ms).toBe(retentionCutoff(NOW, 30));
    expect(r).toMatchObject({ requests: 50, ingest_health_hour: 1, more: false });
    expect(r.rollup_key_day).toBeGreaterThan(0);
    expect(r.rollup_day).toBeGreaterThan(0);
    expect(r.rollup_code_hour).toBeGreaterThan(0);
    expect(count(db, 'SELECT count(*) FROM requests')).toBe(50);
    expect(count(db, `SELECT count(*) FROM requests WHERE ts_ms < ${r.cutoff_ms}`)).toBe(0);
    expectRollupsMatchRaw(db);
    expect(count(db, 'SELECT count(*) FROM ingest_health_hour')).toBe(1);
    expect(count(db, 'SELECT count(*) FROM ingest_rejections')).toBe(1);
  });

  test('the cutoff is the start of the UTC day N days ago', async () => {
    expect(retentionCutoff(Date.UTC(2026, 10, 25, 23, 59), 30)).toBe(Date.UTC(2026, 9, 26));
    expect(retentionCutoff(Date.UTC(2026, 10, 25, 0, 0), 1)).toBe(Date.UTC(2026, 10, 24));
  });

  test('a large backlog is pruned in bounded steps, with rollups equal to the raw rows after every step', async () => {
    // Three days of old records, a record every ~10 s, and today's: each bounded step ends inside an hour and a day.
    const old = Array.from({ length: 25_000 }, (_, i) => rec(i, { timestamp: new Date(NOW - 40 * 86_400_000 + i * 10_007).toISOString() }));
    const fresh = Array.from({ length: 300 }, (_, i) => rec(100_000 + i));
    await processBatch(store, enc([...old, ...fresh]), { token_id: 1 });
    expectRollupsMatchRaw(db);
    let total = 0;
    let steps = 0;
    for (let more = true; more; steps++) {
      const r = pruneRetention(db, { days: 30, now_ms: NOW, maxRows: 7_000 });
      expect(r.requests).toBeLessThanOrEqual(7_000);
      total += r.requests;
      more = r.more;
      expectRollupsMatchRaw(db);
    }
    expect(steps).toBe(4);
    expect(total).toBe(25_000);
    expect(count(db, 'SELECT count(*) FROM requests')).toBe(300);
  });
});

describe('the writer worker', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'errata-writer-'));
  const worker = { file: path.resolve(__dirname, '../../ingest/writer-worker-dev.mjs') };
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function fileDb(name: string) {
    const file = path.join(dir, name);
    openDatabase(file).$client.close();
    return file;
  }
  const now = Date.now();
  // These tests are about queueing, refusals and samples, not speed: a budget far above the worker start-up (tsx
  // compiles the worker's TypeScript on first use, seconds on a loaded machine) keeps them true on a busy box.
  const SLOW_MACHINE_BUDGET_MS = 120_000;
  const batch = (from: number, n: number) =>
    enc(Array.from({ length: n }, (_, i) => ({ request_id: `w${from + i}`, timestamp: now - i, status: 200 })));

  test('concurrent overlapping batches queue, and each record is stored once', async () => {
    const file = fileDb('concurrent.db');
    const w = new Writer({ databasePath: file, queueLimit: 16, worker, answerBudgetMs: SLOW_MACHINE_BUDGET_MS, startTimeoutMs: SLOW_MACHINE_BUDGET_MS });
    try {
      const results = await Promise.all([w.submit(batch(0, 3000), { token_id: 1 }), w.submit(batch(1000, 3000), { token_id: 2 }), w.submit(batch(2000, 3000), { token_id: 1 })]);
      expect(results.reduce((n, r) => n + r.accepted, 0)).toBe(5000);
      expect(results.reduce((n, r) => n + r.duplicates, 0)).toBe(4000);
    } finally {
      await w.close();
    }
    const check = openDatabase(file, { migrate: false });
    expect(count(check, 'SELECT count(*) FROM requests')).toBe(5000);
    check.$client.close();
  });

  test('a full queue answers 503 with Retry-After at once; a batch that cannot start in time is refused unwritten', async () => {
    const file = fileDb('full.db');
    const w = new Writer({ databasePath: file, queueLimit: 1, startTimeoutMs: 30, worker, answerBudgetMs: SLOW_MACHINE_BUDGET_MS });
    try {
      const first = w.submit(batch(0, 20_000), { token_id: 1 });
      const second = w.submit(batch(50_000, 10), { token_id: 1 });
      let full: unknown;
      try {
        await w.submit(batch(60_000, 10), { token_id: 1 });
      } catch (err) {
        full = err;
      }
      expect(full).toBeInstanceOf(ApiError);
      expect((full as ApiError).status).toBe(503);
      expect(Number((full as ApiError).headers['Retry-After'])).toBeGreaterThanOrEqual(1);
      await expect(second).rejects.toMatchObject({ code: 'service_unavailable' });
      expect((await first).accepted).toBe(20_000);
    } finally {
      await w.close();
    }
    const check = openDatabase(file, { migrate: false });
    expect(count(check, "SELECT count(*) FROM requests WHERE request_id >= 'w50000' AND length(request_id) = 6")).toBe(0);
    check.$client.close();
  });

  test('through both workers: rejected records are reported, sampled for ingest health, and expired ones refused', async () => {
    const file = fileDb('samples.db');
    const w = new Writer({ databasePath: file, queueLimit: 4, worker, answerBudgetMs: SLOW_MACHINE_BUDGET_MS, startTimeoutMs: SLOW_MACHINE_BUDGET_MS });
    const old = new Date(Date.now() - 40 * 86_400_000).toISOString();
    try {
      const body = enc([
        { request_id: 's1', timestamp: now, status: 200 },
        '{"request_id": "s2", "timestamp": ',
        { request_id: 's3', timestamp: old, status: 200 },
        { request_id: 's4', timestamp: now, status: 'soon' },
      ]);
      const r = await w.submit(body, { token_id: 7, received_ms: Date.now() });
      expect(r).toMatchObject({ accepted: 1, duplicates: 0, rejected: 3 });
      expect(r.errors.map((e) => [e.line, e.code])).toEqual([
        [2, 'invalid_json'],
        [3, 'expired'],
        [4, 'invalid_field'],
      ]);
    } finally {
      await w.close();
    }
    const check = openDatabase(file, { migrate: false });
    expect(count(check, 'SELECT count(*) FROM requests')).toBe(1);
    expect(count(check, "SELECT count(*) FROM ingest_rejections WHERE token_id = 7 AND sample LIKE '%s2%'")).toBe(1);
    expect(count(check, 'SELECT sum(rejected) FROM ingest_health_hour WHERE token_id = 7')).toBe(3);
    check.$client.close();
  });

  test('under a backlog of large batches every submit settles within the answer budget, and each 200 is stored once', async () => {
    const file = fileDb('budget.db');
    const budget = 2_000;
    const N = 10;
    const SIZE = 60_000;
    const w = new Writer({ databasePath: file, queueLimit: 16, answerBudgetMs: budget, worker });
    const took: number[] = [];
    const stored: number[] = [];
    let refused = 0;
    try {
      // Warm up (worker start) so the budget is about queueing, not thread start-up.
      for (let i = 0; ; i++) {
        const ok = await w.submit(batch(900_000, 1000), { token_id: 1 }).then(() => true, () => false);
        if (ok) break;
        if (i > 10) throw new Error('the warm-up batch was never stored');
      }
      const bodies = Array.from({ length: N }, (_, i) => batch(i * SIZE, SIZE));
      await Promise.all(
        bodies.map(async (body, i) => {
          const t0 = Date.now();
          try {
            const r = await w.submit(body, { token_id: 1 }, { arrivedMs: t0 });
            expect(r.accepted).toBe(SIZE);
            stored.push(i);
          } catch (err) {
            expect(err).toBeInstanceOf(ApiError);
            expect((err as ApiError).status).toBe(503);
            expect(Number((err as ApiError).headers['Retry-After'])).toBeGreaterThanOrEqual(1);
            refused++;
          }
          took.push(Date.now() - t0);
        }),
      );
    } finally {
      await w.close();
    }
    // 10 × 60,000 records cannot all be written in 2 s on this machine: some are refused, none answered late.
    expect(refused).toBeGreaterThan(0);
    expect(Math.max(...took)).toBeLessThan(budget + 1_000);
    const check = openDatabase(file, { migrate: false });
    // A refused batch left nothing behind (a write given up mid-way was rolled back), a stored one is whole.
    for (let i = 0; i < N; i++) {
      const n = count(check, `SELECT count(*) FROM requests WHERE request_id GLOB 'w*' AND CAST(substr(request_id, 2) AS INTEGER) BETWEEN ${i * SIZE} AND ${i * SIZE + SIZE - 1}`);
      expect(n).toBe(stored.includes(i) ? SIZE : 0);
    }
    expect(count(check, 'SELECT count(*) FROM requests')).toBe(1000 + stored.length * SIZE);
    check.$client.close();
  });

  test('without an answer budget (the import) batches wait for room, are never refused as late, and come back in order', async () => {
    const file = fileDb('no-deadline.db');
    // A budget and start timeout no batch can meet: an HTTP request is refused, the import's batches never are.
    const w = new Writer({ databasePath: file, queueLimit: 1, answerBudgetMs: 1, startTimeoutMs: 1, worker });
    const N = 6;
    const SIZE = 5_000;
    const results: Promise<IngestResult>[] = [];
    const order: number[] = [];
    try {
      for (let i = 0; i < N; i++) {
        await w.waitForRoom(2);
        expect(w.pending).toBeLessThan(2);
        // Each batch ends with a broken line, reported at its line in the whole import (line_offset).
        const lines = [...Array.from({ length: SIZE - 1 }, (_, j) => ({ request_id: `n${i * SIZE + j}`, timestamp: now - j, status: 200 })), '{"broken'];
        const r = w.submit(enc(lines), { token_id: 1, line_offset: i * SIZE }, { deadline: false });
        void r.then(() => order.push(i));
        results.push(r);
        expect(() => w.submit(batch(900_000, 10), { token_id: 1 })).toThrow(ApiError);
      }
      const done = await Promise.all(results);
      expect(order).toEqual([...Array(N).keys()]);
      done.forEach((r, i) => {
        expect(r).toMatchObject({ accepted: SIZE - 1, duplicates: 0, rejected: 1 });
        expect(r.errors).toEqual([expect.objectContaining({ line: (i + 1) * SIZE, code: 'invalid_json' })]);
      });
    } finally {
      await w.close();
    }
    await expect(w.waitForRoom(2)).rejects.toMatchObject({ code: 'service_unavailable' });
    const check = openDatabase(file, { migrate: false });
    expect(count(check, "SELECT count(*) FROM requests WHERE request_id GLOB 'n*'")).toBe(N * (SIZE - 1));
    check.$client.close();
  });

  test('a batch that is a view into a larger buffer is copied, not taken: the rest of the buffer stays readable', async () => {
    const w = new Writer({ databasePath: fileDb('view.db'), queueLimit: 4, worker, answerBudgetMs: SLOW_MACHINE_BUDGET_MS, startTimeoutMs: SLOW_MACHINE_BUDGET_MS });
    try {
      // As the import hands over a slice of what its read stream buffered: transferring the whole buffer to the
      // worker would empty the caller's next lines.
      const body = Buffer.from(batch(700_000, 100));
      const buffered = Buffer.concat([body, Buffer.from('next lines')]);
      const r = w.submit(buffered.subarray(0, body.length), { token_id: 1 });
      expect(buffered.subarray(body.length).toString()).toBe('next lines');
      expect((await r).accepted).toBe(100);
    } finally {
      await w.close();
    }
  });

  test('whole-batch errors come back as the same ApiError', async () => {
    const w = new Writer({ databasePath: fileDb('errors.db'), queueLimit: 4, worker });
    try {
      await expect(w.submit(new TextEncoder().encode('  '), { token_id: 1 })).rejects.toMatchObject({ code: 'invalid_body', status: 400 });
    } finally {
      await w.close();
    }
  });
});
