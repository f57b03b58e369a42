// The request-store contract (db/store.ts), one suite for every store: the same generated traffic is written through
// writeBatch into the store under test and into a reference SQLite store, and every answer must be identical.
//
//   import { storeContract } from './store-contract';
//   storeContract({ name: 'clickhouse (2 shards)', open: async () => openMyStore(), reference: async () => openSqliteStore(':memory:') });
//
// `open` gets an empty store; the suite closes both stores at the end. Everything the suite needs beyond the
// RequestStore interface comes from lib/ and ingest/ (the generator and the prepare stage), never from a store.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RequestStore } from '@/db/store';
import type { RequestRow, WriteOutcome } from '@/db/types';
import { prepareBatch } from '@/ingest';
import { toRow } from '@/ingest/write';
import { ApiError } from '@/lib/api-error';
import { BREAKDOWN_DIMENSIONS, parseFilters, type BreakdownDimension } from '@/lib/filters';
import { trafficChunks } from '@/demo/traffic';
import type { RequestCsvColumn } from '@/lib/csv';
import { behaviourBatches, behaviourContract } from './behaviour-contract';

export interface StoreContractOptions {
  name: string;
  /** A new, empty store under test. */
  open: () => Promise<RequestStore>;
  /** A new, empty reference store (SQLite). */
  reference: () => Promise<RequestStore>;
  /** Per-test timeout (a remote store answers more slowly than an in-process one). */
  timeoutMs?: number;
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Deliberately not aligned to any bucket: partial minutes, hours and days at both ends. */
export const CONTRACT_START_MS = Date.UTC(2026, 10, 17, 0, 17, 13, 456);
export const CONTRACT_END_MS = CONTRACT_START_MS + 3 * DAY;
const SEED = 'store-contract';
const RECORDS = 4000;
const LINES_PER_BATCH = 450;

/** Ids a store must treat as plain bytes: SQL and JSON metacharacters, control characters, every plane of unicode. */
export const HOSTILE_IDS = [
  "req_it's",
  'req_"double"',
  'req_back\\slash\\',
  'req_new\nline',
  'req_tab\there',
  "req_'; DROP TABLE requests; --",
  'req_%_like*?',
  'req_ünïcödé_日本語_🙂',
  'req_{"json":[1,2]}',
  'req_\u2028\u2029',
] as const;

interface Batch {
  rows: RequestRow[];
  token_id: number | null;
  received_ms: number;
  rejected: number;
  samples: ReturnType<typeof prepareBatch>['samples'];
}

/**
 * The contract data: generated traffic (resent lines, malformed lines, several tokens, receipt spread over hours),
 * a batch resent whole, a batch half old and half new, and records with hostile ids and keys. Records with equal
 * timestamps are nudged apart (by request, so a resent line keeps its twin's time): ties on ts_ms are ordered by
 * each store in its own stable way, and the suite compares orders, so it must not depend on them.
 */
export function contractBatches(): Batch[] {
  const batches: Batch[] = [];
  const tsOf = new Map<string, number>();
  const used = new Set<number>();
  const chunks = [...trafficChunks({ seed: SEED, count: RECORDS, start: CONTRACT_START_MS, end: CONTRACT_END_MS, keys: 40, duplicateFraction: 0.03, badLineFraction: 0.01 }, LINES_PER_BATCH)];
  const tokens = [null, 1, 2, 7];
  chunks.forEach((chunk, i) => {
    const p = prepareBatch(Buffer.from(chunk), { line_offset: i * LINES_PER_BATCH });
    const rows = p.records.map(toRow);
    for (const r of rows) {
      const k = `${r[0]}\u0000${r[1]}`;
      let ts = tsOf.get(k);
      if (ts === undefined) {
        ts = r[2];
        while (used.has(ts)) ts++;
        used.add(ts);
        tsOf.set(k, ts);
      }
      r[2] = ts;
    }
    const received_ms = CONTRACT_START_MS + Math.floor(((i + 1) * (CONTRACT_END_MS - CONTRACT_START_MS)) / chunks.length) + 4_321;
    batches.push({ rows, token_id: tokens[i % tokens.length], received_ms, rejected: p.errors.length, samples: p.samples });
  });
  // A batch resent whole (a shipper that never got the 200), then one half old and half new.
  const first = batches[0];
  batches.push({ ...first, received_ms: first.received_ms + 1_000 });
  const hostile: RequestRow[] = HOSTILE_IDS.map((id, j) => {
    let ts = CONTRACT_START_MS + 20 * HOUR + j * 7_919;
    while (used.has(ts)) ts++;
    used.add(ts);
    const code = j % 3 === 0 ? '' : j % 3 === 1 ? 'rate_limited' : 'not_a_catalog_code';
    const status = code === '' ? 200 : 429;
    const key = j % 2 === 0 ? `key_"hostile'\\${j % 4}` : 'key_ünï';
    return [id, code, ts, status, 'POST', `/v1/x/${id}`, '/v1/x/{id}', 10 + j, key, `acct_${j % 3}`, 'pro', code ? `${code}: "quoted" \\ msg` : null, code ? JSON.stringify({ reason: 'r"q', id }) : null, code ? 'r"q' : null, code === 'not_a_catalog_code' ? 1 : 0, 0, null, 0, null, null, null, j % 2 === 0 ? 'acme-sync/2.3.1 "q" python-requests/2.31' : null];
  });
  const second = batches[1];
  batches.push({
    rows: [...second.rows.slice(0, Math.ceil(second.rows.length / 2)), ...hostile],
    token_id: 2,
    received_ms: second.received_ms + 2 * HOUR,
    rejected: 0,
    samples: [],
  });
  return batches;
}

const copyRows = (rows: RequestRow[]) => rows.map((r) => [...r] as RequestRow);

/** An answer or the error it failed with, comparable across stores. */
async function outcome<T>(fn: () => Promise<T>): Promise<{ ok: T } | { error: { code: string; message: string; field?: unknown } }> {
  try {
    return { ok: await fn() };
  } catch (err) {
    if (err instanceof ApiError) return { error: { code: err.code, message: err.message, field: (err.details as { field?: unknown }).field } };
    throw err;
  }
}

async function bytesOf(stream: ReadableStream<Uint8Array>): Promise<{ bytes: Buffer; chunks: number; largest: number }> {
  const parts: Uint8Array[] = [];
  let largest = 0;
  for await (const c of stream as unknown as AsyncIterable<Uint8Array>) {
    parts.push(c);
    largest = Math.max(largest, c.byteLength);
  }
  return { bytes: Buffer.concat(parts), chunks: parts.length, largest };
}

const iso = (ms: number) => new Date(ms).toISOString();

// Values JSON would blur (NaN and Infinity become null, undefined disappears) keep a mark of their own.
const exact = (_k: string, v: unknown) =>
  v === undefined ? '\u0000undefined' : typeof v === 'number' && !Number.isFinite(v) ? `\u0000${v}` : Object.is(v, -0) ? '\u0000-0' : v;

/** Deep equality; compared as exact JSON first (vitest's deep equality is slow on thousands of records), diffed on a mismatch. */
function expectSame(got: unknown, want: unknown, label: string): void {
  if (JSON.stringify(got, exact) === JSON.stringify(want, exact)) return;
  expect(got, label).toEqual(want);
  expect.unreachable(`${label}: answers differ in a way deep equality does not see (key order, -0, NaN)`);
}

export function storeContract(opts: StoreContractOptions): void {
  const timeout = opts.timeoutMs ?? 60_000;
  describe(`request store contract: ${opts.name}`, () => {
    let ref: RequestStore;
    let sut: RequestStore;
    const outcomes: { ref: WriteOutcome; sut: WriteOutcome }[] = [];
    const ids: string[] = [];
    const top: Partial<Record<BreakdownDimension, string>> = {};
    /** A stored idempotency key and user agent, to filter by. */
    const fieldValues: { idempotency_key?: string; user_agent?: string } = {};

    /** Both stores' answers to the same question, which must be equal (errors included). */
    async function same<T>(label: string, ask: (s: RequestStore) => Promise<T>): Promise<T | undefined> {
      const want = await outcome(() => ask(ref));
      const got = await outcome(() => ask(sut));
      expectSame(got, want, label);
      return 'ok' in want ? want.ok : undefined;
    }

    const filters = (q: Record<string, string | string[]>) => {
      const p = new URLSearchParams();
      for (const [k, v] of Object.entries(q)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
      return parseFilters(p, { now: CONTRACT_END_MS + DAY });
    };
    const RANGES = {
      // Days before the data (empty), the data, a day after: day rollups plus partial ends.
      all: { from: iso(CONTRACT_START_MS - 2 * DAY - 5 * HOUR), to: iso(CONTRACT_END_MS + DAY) },
      mid: { from: iso(CONTRACT_START_MS + 7 * HOUR + 3 * MIN + 5_000), to: iso(CONTRACT_START_MS + 2 * DAY + 11 * HOUR + 59 * MIN) },
      sixHours: { from: iso(CONTRACT_END_MS - 6 * HOUR + 37_000), to: iso(CONTRACT_END_MS - 11_000) },
      day: { from: iso(Math.floor(CONTRACT_START_MS / DAY) * DAY + DAY), to: iso(Math.floor(CONTRACT_START_MS / DAY) * DAY + 2 * DAY) },
    };
    const filterSets = (): Record<string, Record<string, string | string[]>> => ({
      none: {},
      '5xx': { status: '5xx' },
      '429+4xx': { status: ['429', '4xx'] },
      code: { code: top.code ?? 'rate_limited' },
      tiers: { tier: ['pro', 'free'] },
      key: { key: top.key ?? 'none' },
      account: { account: top.account ?? 'none' },
      route: { route: top.route ?? 'none' },
      method: { method: 'GET' },
      reason: { reason: top.reason ?? 'none' },
      combined: { status: '4xx', tier: ['pro', 'enterprise', 'free'], method: ['POST', 'GET'] },
      hostileKey: { key: `key_"hostile'\\0` },
      // The client-behaviour fields filter too: no rollup has them, so every store reads raw rows for them.
      idempotencyKey: { idempotency_key: fieldValues.idempotency_key ?? 'none' },
      userAgent: { user_agent: fieldValues.user_agent ?? 'none', status: '4xx' },
    });

    beforeAll(async () => {
      ref = await opts.reference();
      sut = await opts.open();
      for (const b of contractBatches()) {
        const ctx = { token_id: b.token_id, received_ms: b.received_ms, rejected: b.rejected, rejections: b.samples };
        outcomes.push({ ref: await ref.writeBatch(copyRows(b.rows), { ...ctx }), sut: await sut.writeBatch(copyRows(b.rows), { ...ctx }) });
      }
      // Client-behaviour scenarios on keys of their own, shuffled, split and partly resent (behaviour-contract.ts).
      for (const [i, rows] of behaviourBatches().entries()) {
        const ctx = { token_id: 3, received_ms: CONTRACT_END_MS - 2 * HOUR + i * 1_000 };
        expectSame(await sut.writeBatch(copyRows(rows), { ...ctx }), await ref.writeBatch(copyRows(rows), { ...ctx }), `behaviour batch ${i}`);
      }
      for (const s of [ref, sut]) {
        await s.recordRejectedBatch({ token_id: 1, received_ms: CONTRACT_START_MS + 5 * HOUR, code: 'payload_too_large', message: 'body over 10 MiB' });
        await s.recordRejectedBatch({ token_id: null, received_ms: CONTRACT_END_MS - HOUR, code: 'unsupported_media_type', message: 'text/xml "is" not \\ supported' });
        // Refused calls: an hour that also saw batches, an hour of refused calls only, the unknown token, twice the same hour.
        const h0 = Math.floor((CONTRACT_START_MS + 5 * HOUR) / HOUR) * HOUR;
        const h1 = Math.floor((CONTRACT_END_MS - 3 * HOUR) / HOUR) * HOUR;
        await s.recordRefusedCalls(
          [
            { token_id: 1, hour_ms: h0, count: 3, last_ms: h0 + 17 * MIN },
            { token_id: -1, hour_ms: h1, count: 7, last_ms: h1 + 59 * MIN },
            { token_id: 99, hour_ms: h1, count: 2, last_ms: h1 + 5 * MIN },
          ],
          [
            { token_id: 1, received_ms: h0 + 17 * MIN, code: 'token_revoked', message: 'the token was revoked' },
            { token_id: -1, received_ms: h1 + 59 * MIN, code: 'unauthorized', message: 'unknown "token" \\ here' },
          ],
        );
        // Twice the same: two events (a replicated table would drop the second identical block as a resend).
        for (let i = 0; i < 2; i++) {
          await s.recordRefusedCalls([{ token_id: -1, hour_ms: h1, count: 1, last_ms: h1 + 30 * MIN }], []);
          await s.recordRejectedBatch({ token_id: 2, received_ms: h1 + 31 * MIN, code: 'payload_too_large', message: 'body over 10 MiB' });
        }
      }
      // Every stored request id, newest first, from the reference.
      const all = filters(RANGES.all);
      const seen = new Set<string>();
      let cursor: string | null = null;
      do {
        const page = await ref.listRequests(all, { cursor, limit: 1000 });
        for (const r of page.records) {
          if (!seen.has(r.request_id)) seen.add(r.request_id) && ids.push(r.request_id);
          if (r.idempotency_key && r.status >= 400) fieldValues.idempotency_key ??= r.idempotency_key;
          if (r.user_agent) fieldValues.user_agent ??= r.user_agent;
        }
        cursor = page.next_cursor;
      } while (cursor);
      // The behaviour scenarios store both fields: the filter sets below must select something.
      expect(fieldValues.idempotency_key, 'a stored idempotency key').toBeTruthy();
      expect(fieldValues.user_agent, 'a stored user agent').toBeTruthy();
      for (const by of ['code', 'key', 'account', 'route', 'reason'] as const) {
        const b = await ref.breakdown(all, { by, limit: 5 });
        top[by] = b.rows.find((r) => r.value !== null)?.value ?? undefined;
      }
    }, 300_000);

    afterAll(async () => {
      await sut?.close();
      await ref?.close();
    });

    test('writeBatch: the same accepted and duplicate counts for every batch, resends and overlaps included', () => {
      expect(outcomes.map((o) => o.sut)).toEqual(outcomes.map((o) => o.ref));
      const total = outcomes.reduce((n, o) => n + o.ref.accepted, 0);
      expect(total).toBeGreaterThan(RECORDS * 0.9);
      // The whole resend stored nothing; the half-old batch only its new half.
      const resend = outcomes[outcomes.length - 2].ref;
      expect(resend.accepted).toBe(0);
      expect(resend.duplicates).toBeGreaterThan(0);
      expect(outcomes[outcomes.length - 1].ref.accepted).toBe(HOSTILE_IDS.length);
    }, timeout);

    test('counts', async () => {
      const c = await same('counts', (s) => s.counts());
      expect(c!.requests).toBeGreaterThan(RECORDS * 0.9);
    }, timeout);

    test('getRequest: stored ids with their key timelines, missing ids, hostile ids', async () => {
      expect(ids.length).toBeGreaterThan(1000);
      for (let i = 0; i < ids.length; i += 7) await same(`getRequest(${ids[i]})`, (s) => s.getRequest(ids[i]));
      for (const id of HOSTILE_IDS) {
        const d = await same(`getRequest(${JSON.stringify(id)})`, (s) => s.getRequest(id));
        expect(d?.request_id, JSON.stringify(id)).toBe(id);
      }
      for (const id of ['req_missing_0001', '', ' ', "req_it's ", 'req_IT\'S', 'req_new\r\nline', 'req_ünïcödé_日本語_🙂 ', 'x'.repeat(300)]) {
        const d = await same(`getRequest(${JSON.stringify(id)})`, (s) => s.getRequest(id));
        expect(d, JSON.stringify(id)).toBeNull();
      }
    }, timeout);

    test('getRequests and lookup: found and missing, in order, hostile text', async () => {
      const some = [...ids.filter((_, i) => i % 13 === 0).slice(0, 150), ...HOSTILE_IDS, 'req_missing_0002', ids[0]];
      const got = await same('getRequests', async (s) => [...(await s.getRequests(some))]);
      expect(got!.length).toBe(new Set(some).size - 1);
      await same('getRequests([])', async (s) => [...(await s.getRequests([]))]);
      const lines = [...ids.slice(0, 40), 'req_missing_0003', "req_it's", 'req_"double"', 'req_back\\slash\\', "req_'quoted'", ...ids.slice(-40)];
      const r = await same('lookup(lines)', (s) => s.lookup(lines.join('\n')));
      expect(r!.found.length).toBeGreaterThanOrEqual(80);
      await same('lookup(prose)', (s) => s.lookup(`Hi, my call failed. Request ID: ${ids[5]} and also "request_id": "${ids[6]}"; req_nope_123456 too.`));
      await same('lookup(empty)', (s) => s.lookup(''));
    }, timeout);

    test('listRequests: every page walked to the end, for every range and filter', async () => {
      for (const [rn, range] of Object.entries(RANGES)) {
        for (const [fn, f] of Object.entries(filterSets())) {
          const fl = filters({ ...range, ...f });
          for (const limit of rn === 'all' && fn === 'none' ? [1000, 137, 1] : rn === 'mid' ? [97] : [400]) {
            let rc: string | null = null;
            let sc: string | null = null;
            let n = 0;
            for (let page = 0; ; page++) {
              const want = await ref.listRequests(fl, { cursor: rc, limit });
              const got = await sut.listRequests(fl, { cursor: sc, limit });
              expectSame(got.records, want.records, `${rn}/${fn}/limit ${limit}/page ${page}`);
              expect(got.next_cursor === null, `${rn}/${fn}/limit ${limit}/page ${page}: last page`).toBe(want.next_cursor === null);
              n += want.records.length;
              if (want.next_cursor === null || got.next_cursor === null) break;
              rc = want.next_cursor;
              sc = got.next_cursor;
              if (limit === 1 && page > 120) break;
            }
            if (rn === 'all' && fn === 'none' && limit > 1) expect(n).toBe((await ref.counts()).requests);
          }
        }
      }
      await same('listRequests(foreign cursor)', (s) => s.listRequests(filters(RANGES.all), { cursor: 'bm90LWEtY3Vyc29y', limit: 10 }));
    }, timeout * 4);

    test('summary: every range and filter', async () => {
      for (const [rn, range] of Object.entries(RANGES)) {
        for (const [fn, f] of Object.entries(filterSets())) await same(`summary ${rn}/${fn}`, (s) => s.summary(filters({ ...range, ...f })));
      }
    }, timeout);

    test('breakdown: every dimension, range and filter, cut and uncut', async () => {
      for (const by of BREAKDOWN_DIMENSIONS) {
        for (const [rn, range] of Object.entries(RANGES)) {
          for (const [fn, f] of Object.entries(filterSets())) {
            for (const limit of [50, 3]) await same(`breakdown ${by} ${rn}/${fn} limit ${limit}`, (s) => s.breakdown(filters({ ...range, ...f }), { by, limit }));
          }
        }
      }
    }, timeout * 4);

    test('timeseries: every interval and split, every range, a few filters (errors included)', async () => {
      const sets = filterSets();
      const few = { none: sets.none, '5xx': sets['5xx'], key: sets.key, route: sets.route, combined: sets.combined };
      for (const interval of ['auto', 'minute', 'hour', 'day'] as const) {
        for (const by of [null, ...BREAKDOWN_DIMENSIONS]) {
          for (const [rn, range] of Object.entries(RANGES)) {
            for (const [fn, f] of Object.entries(few)) {
              for (const limit of by !== null && rn === 'mid' ? [10, 2] : [10]) {
                await same(`timeseries ${interval} by ${by} ${rn}/${fn} limit ${limit}`, (s) => s.timeseries(filters({ ...range, ...f }), { interval, by, limit }));
              }
            }
          }
        }
      }
    }, timeout * 6);

    test('requestsCsv: the same bytes, whatever the chunk size', async () => {
      const sets = filterSets();
      for (const [rn, range] of Object.entries(RANGES)) {
        for (const fn of ['none', '5xx', 'key', 'combined', 'hostileKey'] as const) {
          const fl = filters({ ...range, ...sets[fn] });
          const want = await bytesOf(await ref.requestsCsv(fl));
          const got = await bytesOf(await sut.requestsCsv(fl));
          expect(got.bytes.equals(want.bytes), `${rn}/${fn}: CSV bytes`).toBe(true);
        }
      }
      const fl = filters(RANGES.all);
      const want = await bytesOf(await ref.requestsCsv(fl));
      const small = await bytesOf(await sut.requestsCsv(fl, { chunkBytes: 4096 }));
      expect(small.bytes.equals(want.bytes)).toBe(true);
      expect(small.chunks).toBeGreaterThan(10);
      expect(want.bytes.toString('utf8').split('\r\n').length - 2).toBe((await ref.counts()).requests);
    }, timeout * 2);

    test('listRequests with before: back up from older pages, the same pages and cursors', async () => {
      const sets = filterSets();
      for (const [rn, range] of Object.entries(RANGES)) {
        for (const fn of ['none', '5xx', 'key', 'combined'] as const) {
          const fl = filters({ ...range, ...sets[fn] });
          const limit = rn === 'all' && fn === 'none' ? 53 : 7;
          // Down three pages, then back up with prev_cursor (before) until the first page.
          let rc: string | null = null;
          let sc: string | null = null;
          const prev: [string | null, string | null][] = [];
          for (let page = 0; page < 3; page++) {
            const want = await ref.listRequests(fl, { cursor: rc, limit });
            const got = await sut.listRequests(fl, { cursor: sc, limit });
            expectSame(got.records, want.records, `${rn}/${fn} down ${page}`);
            expect(got.prev_cursor === null, `${rn}/${fn} down ${page}: prev_cursor`).toBe(want.prev_cursor === null);
            prev.push([want.prev_cursor, got.prev_cursor]);
            if (want.next_cursor === null || got.next_cursor === null) break;
            rc = want.next_cursor;
            sc = got.next_cursor;
          }
          let [rb, sb] = prev[prev.length - 1];
          for (let up = 0; rb && sb && up < 5; up++) {
            const want = await ref.listRequests(fl, { before: rb, limit });
            const got = await sut.listRequests(fl, { before: sb, limit });
            expectSame(got.records, want.records, `${rn}/${fn} up ${up}`);
            expect([got.prev_cursor === null, got.next_cursor === null], `${rn}/${fn} up ${up}: cursors`).toEqual([want.prev_cursor === null, want.next_cursor === null]);
            // The next page below a page reached by before is the page it came from.
            if (want.next_cursor && got.next_cursor) {
              expectSame((await sut.listRequests(fl, { cursor: got.next_cursor, limit })).records, (await ref.listRequests(fl, { cursor: want.next_cursor, limit })).records, `${rn}/${fn} up ${up} then down`);
            }
            rb = want.prev_cursor;
            sb = got.prev_cursor;
          }
        }
      }
    }, timeout * 2);

    test('requestsCsv with a column subset: the same bytes', async () => {
      const sets = filterSets();
      const subsets: RequestCsvColumn[][] = [['request_id', 'code'], ['details', 'ts', 'key_id', 'status', 'message'], ['kind']];
      for (const columns of subsets) {
        for (const fn of ['none', 'combined', 'hostileKey'] as const) {
          const fl = filters({ ...RANGES.all, ...sets[fn] });
          const want = await bytesOf(await ref.requestsCsv(fl, { columns }));
          const got = await bytesOf(await sut.requestsCsv(fl, { columns, chunkBytes: 2048 }));
          expect(got.bytes.equals(want.bytes), `${columns.join(',')}/${fn}: CSV bytes`).toBe(true);
          expect(want.bytes.toString('utf8').split('\r\n')[0]).toBe(columns.join(','));
        }
      }
    }, timeout * 2);

    test('support: lookup of pasted text (found, prefix variants, near misses), key insight, key summary', async () => {
      const now_ms = CONTRACT_END_MS + HOUR;
      // A key that worked, then failed with one code for three hours to its latest record: a history with a sentence.
      const runStart = CONTRACT_END_MS - 4 * HOUR + 13 * MIN;
      const runRows = (): RequestRow[] =>
        Array.from({ length: 40 }, (_, i): RequestRow => {
          const ok = i < 4;
          const ts = runStart + i * 7 * MIN + (i % 3) * 1000;
          return [`req_keyrun${String(i).padStart(4, '0')}`, ok ? '' : 'invalid_api_key', ts, ok ? 200 : 401, 'POST', '/v1/messages', '/v1/messages', 12, 'key_run', 'acct_run', 'pro', ok ? null : 'key revoked', null, null, 0, 0, null, ts, null, null, null, null];
        });
      for (const s of [ref, sut]) await s.writeBatch(runRows(), { token_id: 3, received_ms: CONTRACT_END_MS });
      const some = ['req_keyrun0039', ...ids.filter((_, i) => i % 97 === 0).slice(0, 11)];
      const typo = (id: string) => `${id.slice(0, -1)}${id.endsWith('x') ? 'y' : 'x'}`;
      const text = [
        `Hi, these failed: ${some.slice(0, 6).join(', ')}`,
        `and ${some.slice(6, 8).map((id) => `REQ_${id.replace(/^req_/, '')}`).join(' ')}`,
        `typos: ${some.slice(8, 12).map(typo).join(' ')} req_doesnotexist_123`,
      ].join('\n');
      const answer = await same('supportLookup', (s) => s.supportLookup(text, { now_ms }));
      // The text exercises every path: ids found as written, found as a prefix variant, near misses, nothing near.
      expect(answer!.found.filter((f) => f.asked === null).length).toBeGreaterThanOrEqual(6);
      expect(answer!.found.filter((f) => f.asked !== null).length).toBe(2);
      expect(answer!.missing.filter((m) => m.did_you_mean.length > 0).length).toBeGreaterThanOrEqual(3);
      expect(answer!.found.find((f) => f.request_id === 'req_keyrun0039')?.insight).toMatchObject({ kind: 'run', code: 'invalid_api_key' });
      await same('supportLookup without insights', (s) => s.supportLookup(text, { now_ms, insights: false, not_ids: ['hello'] }));
      const records = (await ref.getRequests(some)).values();
      for (const list of records) {
        for (const r of list) await same(`keyInsight ${r.request_id}/${r.code}`, (s) => s.keyInsight(r, now_ms));
      }
      for (const key_id of ['key_run', top.key ?? 'none', 'no-such-key', `key_"hostile'\\0`]) {
        await same(`keySummary ${key_id}`, (s) => s.keySummary({ key_id, from_ms: CONTRACT_START_MS + 3 * HOUR + 7 * MIN, to_ms: CONTRACT_END_MS, failures: 5 }));
      }
    }, timeout * 2);

    test('ingest health: series, totals, recent rejections, reasons', async () => {
      const ranges = [
        { from_ms: CONTRACT_START_MS - DAY, to_ms: CONTRACT_END_MS + DAY },
        { from_ms: CONTRACT_START_MS + 5 * HOUR + 17 * MIN, to_ms: CONTRACT_START_MS + DAY },
      ];
      for (const r of ranges) {
        for (const token_id of [undefined, 0, 1, 2, 99]) {
          const f = token_id === undefined ? r : { ...r, token_id };
          const label = JSON.stringify(f);
          const series = await same(`ingestHealthSeries ${label}`, (s) => s.ingestHealthSeries(f));
          await same(`ingestHealthTotals ${label}`, (s) => s.ingestHealthTotals(f));
          await same(`rejectionReasons ${label}`, (s) => s.rejectionReasons(f));
          if (token_id === undefined && r === ranges[0]) expect(series!.length).toBeGreaterThan(5);
        }
      }
      // Sample ids are assigned by each store; everything else must match.
      const strip = (rows: { id: number }[]) => rows.map(({ id: _id, ...rest }) => rest);
      for (const o of [{}, { limit: 5 }, { limit: 1000 }, { token_id: 1 }, { token_id: 0 }, { limit: 0 }]) {
        await same(`recentRejections ${JSON.stringify(o)}`, async (s) => strip(await s.recentRejections(o)));
      }
      for (const token_id of [-1, 99]) await same(`ingestHealthTotals refused ${token_id}`, (s) => s.ingestHealthTotals({ ...ranges[0], token_id }));
      const last = await same('tokenLastCalls', async (s) => [...(await s.tokenLastCalls())].sort((a, b) => a[0] - b[0]));
      expect(last!.some(([t]) => t === -1)).toBe(true);
    }, timeout);

    test('ping', async () => {
      await expect(sut.ping()).resolves.toBeUndefined();
    }, timeout);

    behaviourContract(() => ({ ref, sut, same }), timeout);

    // Last: it deletes data.
    test('prune: the same records go, and every answer after it agrees', async () => {
      const now_ms = CONTRACT_END_MS + DAY;
      const want = await ref.prune({ days: 2, now_ms });
      const got = await sut.prune({ days: 2, now_ms });
      // Rollup row counts are each store's own tables; what was removed from the data must agree.
      expect({ cutoff_ms: got.cutoff_ms, requests: got.requests, more: got.more }).toEqual({ cutoff_ms: want.cutoff_ms, requests: want.requests, more: want.more });
      expect(want.requests).toBeGreaterThan(0);
      const after = await same('counts after prune', (s) => s.counts());
      expect(after!.oldest_ts_ms!).toBeGreaterThanOrEqual(want.cutoff_ms);
      const fl = filters(RANGES.all);
      await same('summary after prune', (s) => s.summary(fl));
      await same('breakdown after prune', (s) => s.breakdown(fl, { by: 'code' }));
      await same('timeseries after prune', (s) => s.timeseries(fl, { interval: 'hour', by: 'tier' }));
      await same('list after prune', (s) => s.listRequests(fl, { limit: 1000 }));
      await same('ingest health after prune', (s) => s.ingestHealthSeries({ from_ms: CONTRACT_START_MS - DAY, to_ms: CONTRACT_END_MS + DAY }));
      await same('prune again', async (s) => {
        const r = await s.prune({ days: 2, now_ms });
        return { cutoff_ms: r.cutoff_ms, requests: r.requests, more: r.more };
      });
    }, timeout);
  });
}
