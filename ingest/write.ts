// Stores a batch of validated records once each and updates every rollup in the same transaction.
import type { Statement } from 'better-sqlite3';
import type { Db } from '@/db/client';
import type { RefusedCall, RefusedCalls, RequestRow, WriteContext, WriteOutcome } from '@/db/types';
import { toRow } from './rows';
import { DeadlineExceeded, type GatewayRecord } from './types';
import { BehaviourBatch } from '@/db/queries/behaviour-facts';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** How many rejected samples the ingest page keeps. */
export const MAX_REJECTION_SAMPLES = 1000;

export type { RejectionSample, WriteContext, WriteOutcome } from '@/db/types';

interface Statements {
  insertRequest: Statement;
  upsertMinute: Statement;
  upsertCodeHour: Statement;
  upsertHour: Statement;
  upsertDay: Statement;
  upsertKeyHour: Statement;
  upsertKeyDay: Statement;
  upsertHealth: Statement;
  upsertRefused: Statement;
  insertRejection: Statement;
  pruneRejections: Statement;
  selectOldest: Statement;
  deleteRequest: Statement;
  deleteEmptyRollups: Statement[];
}

/** Every rollup of the request rows, in the order PrunedRows reports them. */
export const ROLLUP_TABLES = ['rollup_minute', 'rollup_code_hour', 'rollup_hour', 'rollup_day', 'rollup_key_hour', 'rollup_key_day'] as const;

// Prepared once per connection: the hot path writes thousands of rows per commit, so it skips the query builder.
const statementCache = new WeakMap<object, Statements>();

function statements(db: Db): Statements {
  const sqlite = db.$client;
  let s = statementCache.get(sqlite);
  if (s) return s;
  s = {
    insertRequest: sqlite.prepare(
      `INSERT OR IGNORE INTO requests (request_id, code, ts_ms, status, method, path, route, latency_ms, key_id, account_id, tier, message, details, reason, unknown_code, status_mismatch, token_id, received_ms, idempotency_key, request_fingerprint, idempotent_replayed, user_agent)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    upsertMinute: sqlite.prepare(
      `INSERT INTO rollup_minute (bucket_ms, status, code, tier, reason, count) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET count = count + excluded.count`,
    ),
    upsertCodeHour: sqlite.prepare(
      `INSERT INTO rollup_code_hour (bucket_ms, status, code, tier, reason, count) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET count = count + excluded.count`,
    ),
    upsertHour: sqlite.prepare(
      `INSERT INTO rollup_hour (bucket_ms, status, code, tier, reason, route, method, count, latency_ms_sum) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET count = count + excluded.count, latency_ms_sum = latency_ms_sum + excluded.latency_ms_sum`,
    ),
    upsertDay: sqlite.prepare(
      `INSERT INTO rollup_day (bucket_ms, status, code, tier, reason, route, method, count, latency_ms_sum) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET count = count + excluded.count, latency_ms_sum = latency_ms_sum + excluded.latency_ms_sum`,
    ),
    upsertKeyHour: sqlite.prepare(
      `INSERT INTO rollup_key_hour (bucket_ms, key_id, account_id, tier, status, code, reason, count) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET count = count + excluded.count`,
    ),
    upsertKeyDay: sqlite.prepare(
      `INSERT INTO rollup_key_day (bucket_ms, key_id, account_id, tier, status, code, reason, count) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET count = count + excluded.count`,
    ),
    upsertHealth: sqlite.prepare(
      `INSERT INTO ingest_health_hour (bucket_ms, token_id, batches, accepted, duplicates, rejected, last_ms) VALUES (?, ?, 1, ?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET batches = batches + 1, accepted = accepted + excluded.accepted,
         duplicates = duplicates + excluded.duplicates, rejected = rejected + excluded.rejected,
         last_ms = max(coalesce(last_ms, 0), excluded.last_ms)`,
    ),
    upsertRefused: sqlite.prepare(
      `INSERT INTO ingest_health_hour (bucket_ms, token_id, batches, refused, last_ms) VALUES (?, ?, 0, ?, ?)
       ON CONFLICT DO UPDATE SET refused = refused + excluded.refused, last_ms = max(coalesce(last_ms, 0), excluded.last_ms)`,
    ),
    insertRejection: sqlite.prepare(
      `INSERT INTO ingest_rejections (token_id, received_ms, line, code, message, field, sample) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    pruneRejections: sqlite.prepare(
      `DELETE FROM ingest_rejections WHERE id <= (SELECT max(id) FROM ingest_rejections) - ${MAX_REJECTION_SAMPLES}`,
    ),
    selectOldest: sqlite.prepare(
      `SELECT request_id, code, ts_ms, status, method, path, route, latency_ms, key_id, account_id, tier, NULL, NULL, reason,
              0, 0, NULL, 0, NULL, NULL, NULL, NULL, id
       FROM requests WHERE ts_ms < ? ORDER BY ts_ms LIMIT ?`,
    ),
    deleteRequest: sqlite.prepare('DELETE FROM requests WHERE id = ?'),
    deleteEmptyRollups: ROLLUP_TABLES.map((table) =>
      sqlite.prepare(`DELETE FROM ${table} WHERE bucket_ms >= ? AND bucket_ms < ? AND count <= 0`),
    ),
  };
  statementCache.set(sqlite, s);
  return s;
}

export function floorTo(ts_ms: number, size_ms: number): number {
  return Math.floor(ts_ms / size_ms) * size_ms;
}

export type { RequestRow } from '@/db/types';
export { toRow };

type Dims = (string | number)[];
interface Tally {
  dims: Dims;
  count: number;
  latency: number;
}

/**
 * A rollup key: numbers end with ',', strings carry their length, so no text a dimension holds (U+0001, commas,
 * digits) can make two different tuples share a key. Cheaper than JSON.stringify of the tuple.
 */
const t = (s: string) => `${s.length}:${s}`;

/** The rollup deltas of a set of stored rows: what writing them adds, and what pruning them takes away. */
interface Tallies {
  minute: Map<string, Tally>;
  codeHour: Map<string, Tally>;
  hour: Map<string, Tally>;
  day: Map<string, Tally>;
  keyHour: Map<string, Tally>;
  keyDay: Map<string, Tally>;
}

function newTallies(): Tallies {
  return { minute: new Map(), codeHour: new Map(), hour: new Map(), day: new Map(), keyHour: new Map(), keyDay: new Map() };
}

/** Counts one stored row into every rollup it belongs to: the one definition of each rollup's key. */
function tallyRow(tl: Tallies, r: RequestRow): void {
  const code = r[1];
  const ts = r[2];
  const status = r[3];
  const tier = r[10] ?? '';
  const reason = r[13] ?? '';
  const latency = r[7] ?? 0;
  const core = `${status},${t(code)}${t(tier)}${t(reason)}`;
  const minuteMs = floorTo(ts, MINUTE_MS);
  const hourMs = floorTo(ts, HOUR_MS);
  const dayMs = floorTo(ts, DAY_MS);
  let k = `${minuteMs},${core}`;
  if (!bumped(tl.minute, k, latency)) tl.minute.set(k, { dims: [minuteMs, status, code, tier, reason], count: 1, latency });
  k = `${hourMs},${core}`;
  if (!bumped(tl.codeHour, k, latency)) tl.codeHour.set(k, { dims: [hourMs, status, code, tier, reason], count: 1, latency });
  const route = r[6] ?? '';
  const method = r[4] ?? '';
  const routeCore = `${core}${t(route)}${t(method)}`;
  k = `${hourMs},${routeCore}`;
  if (!bumped(tl.hour, k, latency)) tl.hour.set(k, { dims: [hourMs, status, code, tier, reason, route, method], count: 1, latency });
  k = `${dayMs},${routeCore}`;
  if (!bumped(tl.day, k, latency)) tl.day.set(k, { dims: [dayMs, status, code, tier, reason, route, method], count: 1, latency });
  const key = r[8];
  const account = r[9];
  const keyCore = `${t(key ?? '')}${t(account ?? '')}${core}`;
  if (key !== null || account !== null) {
    k = `${hourMs},${keyCore}`;
    if (!bumped(tl.keyHour, k, latency)) tl.keyHour.set(k, { dims: [hourMs, key ?? '', account ?? '', tier, status, code, reason], count: 1, latency });
  }
  // Every record, keyless ones under ('', ''): a day's key breakdown needs no keyless residual from rollup_hour.
  k = `${dayMs},${keyCore}`;
  if (!bumped(tl.keyDay, k, latency)) tl.keyDay.set(k, { dims: [dayMs, key ?? '', account ?? '', tier, status, code, reason], count: 1, latency });
}

/** Counts one more record into the group `key` when the tally has it (the group's dimensions are built only once). */
function bumped(tally: Map<string, Tally>, key: string, latency: number): boolean {
  const v = tally.get(key);
  if (!v) return false;
  v.count++;
  v.latency += latency;
  return true;
}

/** Adds (sign 1) or takes away (sign -1) the tallies in every rollup table. */
function applyTallies(s: Statements, tl: Tallies, sign: 1 | -1): void {
  for (const v of tl.minute.values()) s.upsertMinute.run([...v.dims, sign * v.count]);
  for (const v of tl.codeHour.values()) s.upsertCodeHour.run([...v.dims, sign * v.count]);
  for (const v of tl.hour.values()) s.upsertHour.run([...v.dims, sign * v.count, sign * v.latency]);
  for (const v of tl.day.values()) s.upsertDay.run([...v.dims, sign * v.count, sign * v.latency]);
  for (const v of tl.keyHour.values()) s.upsertKeyHour.run([...v.dims, sign * v.count]);
  for (const v of tl.keyDay.values()) s.upsertKeyDay.run([...v.dims, sign * v.count]);
}

/**
 * Inserts each record unless its (request_id, code) is already stored, then applies the rollup deltas of
 * the rows that were actually inserted, all in one transaction: counts can never drift from raw rows.
 */
export function writeRecords(db: Db, records: readonly GatewayRecord[], ctx: WriteContext): WriteOutcome {
  return writeRows(db, records.map(toRow), ctx);
}

/**
 * writeRecords on rows already in column order (the rows' token_id and received_ms are overwritten). `classify`
 * false skips the client-behaviour facts: only the benchmark's baseline does that (bench/behaviour.ts).
 */
export function writeRows(db: Db, rows: RequestRow[], ctx: WriteContext, classify = true): WriteOutcome {
  const s = statements(db);
  const run = db.$client.transaction((): WriteOutcome => {
    const tallies = newTallies();
    const token_id = ctx.token_id;
    const received_ms = ctx.received_ms;
    const deadline = ctx.deadline_ms ?? null;
    const behaviour = classify ? new BehaviourBatch(db.$client) : null;
    let accepted = 0;
    for (let i = 0; i < rows.length; i++) {
      if (deadline !== null && (i & 1023) === 0 && Date.now() > deadline) throw new DeadlineExceeded();
      const r = rows[i];
      r[16] = token_id;
      r[17] = received_ms;
      if (s.insertRequest.run(r).changes === 0) continue;
      accepted++;
      behaviour?.add(r);
      tallyRow(tallies, r);
    }
    // Client-behaviour facts of the inserted rows and of the stored events they are neighbours of.
    behaviour?.apply(deadline);
    if (deadline !== null && Date.now() > deadline) throw new DeadlineExceeded();
    applyTallies(s, tallies, 1);
    const duplicates = rows.length - accepted;
    const rejected = ctx.rejected ?? 0;
    s.upsertHealth.run(floorTo(received_ms, HOUR_MS), token_id ?? 0, accepted, duplicates, rejected, received_ms);
    const samples = ctx.rejections ?? [];
    for (const e of samples.slice(0, MAX_REJECTION_SAMPLES)) {
      s.insertRejection.run(token_id, received_ms, e.line, e.code, e.message, e.field ?? null, e.sample);
    }
    if (samples.length > 0) s.pruneRejections.run();
    return { accepted, duplicates };
  });
  return run.immediate();
}

/**
 * A whole batch refused (413, 415, empty body): counted as a batch for its token and sampled with line 0, so the
 * ingest page shows a shipper whose batches never get in.
 */
export function recordRejectedBatch(db: Db, ctx: { token_id: number | null; received_ms: number; code: string; message: string }): void {
  const s = statements(db);
  db.$client
    .transaction(() => {
      s.upsertHealth.run(floorTo(ctx.received_ms, HOUR_MS), ctx.token_id ?? 0, 0, 0, 0, ctx.received_ms);
      s.insertRejection.run(ctx.token_id, ctx.received_ms, 0, ctx.code, ctx.message, null, null);
      s.pruneRejections.run();
    })
    .immediate();
}

export type PrunedRows = { requests: number } & Record<(typeof ROLLUP_TABLES)[number], number>;

/** Nothing pruned yet. */
export function noPrunedRows(): PrunedRows {
  return { requests: 0, rollup_minute: 0, rollup_code_hour: 0, rollup_hour: 0, rollup_day: 0, rollup_key_hour: 0, rollup_key_day: 0 };
}

/**
 * Deletes up to `limit` of the oldest stored rows before `cutoff_ms` and takes their counts out of every rollup in
 * the same transaction, so rollups equal the raw rows after every step of a bounded prune.
 */
export function pruneOldestRows(db: Db, cutoff_ms: number, limit: number): PrunedRows {
  const sqlite = db.$client;
  const s = statements(db);
  return sqlite
    .transaction((): PrunedRows => {
      // Columns in RequestRow order up to `reason`, which is all a rollup key reads.
      const rows = s.selectOldest.raw().all(cutoff_ms, limit) as (RequestRow & { 22: number })[];
      const pruned = noPrunedRows();
      if (rows.length === 0) return pruned;
      const tallies = newTallies();
      for (const r of rows) tallyRow(tallies, r);
      applyTallies(s, tallies, -1);
      const lo = floorTo(rows[0][2], DAY_MS);
      const hi = rows[rows.length - 1][2] + 1;
      ROLLUP_TABLES.forEach((table, i) => (pruned[table] = s.deleteEmptyRollups[i].run(lo, hi).changes));
      for (const r of rows) s.deleteRequest.run(r[22]);
      pruned.requests = rows.length;
      return pruned;
    })
    .immediate();
}

export { UNKNOWN_TOKEN_ID } from '@/db/types';

/**
 * Calls refused before a record was read (revoked, unknown or missing token, wrong scope), counted per token and
 * hour, with a sample each for the latest-rejections list: a shipper still using a revoked token shows up.
 */
export function recordRefusedCalls(db: Db, calls: readonly RefusedCalls[], samples: readonly RefusedCall[]): void {
  const s = statements(db);
  db.$client
    .transaction(() => {
      for (const c of calls) s.upsertRefused.run(c.hour_ms, c.token_id, c.count, c.last_ms);
      for (const x of samples) s.insertRejection.run(x.token_id, x.received_ms, 0, x.code, x.message, null, null);
      if (samples.length) s.pruneRejections.run();
    })
    .immediate();
}
