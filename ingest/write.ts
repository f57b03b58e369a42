// Stores a batch of validated records once each and updates every rollup in the same transaction.
import type { Statement } from 'better-sqlite3';
import type { Db } from '@/db/client';
import type { GatewayRecord, RecordError } from './types';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** How many rejected samples the ingest page keeps. */
export const MAX_REJECTION_SAMPLES = 1000;

export interface RejectionSample extends RecordError {
  sample: string | null;
}

export interface WriteContext {
  token_id: number | null;
  received_ms: number;
  /** Records of the same batch that failed validation: counted and sampled for ingest health. */
  rejected?: number;
  rejections?: readonly RejectionSample[];
}

export interface WriteOutcome {
  accepted: number;
  duplicates: number;
}

interface Statements {
  insertRequest: Statement;
  upsertMinute: Statement;
  upsertHour: Statement;
  upsertKeyHour: Statement;
  upsertKeyDay: Statement;
  upsertHealth: Statement;
  insertRejection: Statement;
  pruneRejections: Statement;
}

// Prepared once per connection: the hot path writes thousands of rows per commit, so it skips the query builder.
const statementCache = new WeakMap<object, Statements>();

function statements(db: Db): Statements {
  const sqlite = db.$client;
  let s = statementCache.get(sqlite);
  if (s) return s;
  s = {
    insertRequest: sqlite.prepare(
      `INSERT OR IGNORE INTO requests (request_id, code, ts_ms, status, method, path, route, latency_ms, key_id, account_id, tier, message, details, reason, unknown_code, status_mismatch, token_id, received_ms)
       VALUES (@request_id, @code, @ts_ms, @status, @method, @path, @route, @latency_ms, @key_id, @account_id, @tier, @message, @details, @reason, @unknown_code, @status_mismatch, @token_id, @received_ms)`,
    ),
    upsertMinute: sqlite.prepare(
      `INSERT INTO rollup_minute (bucket_ms, status, code, tier, reason, count) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET count = count + excluded.count`,
    ),
    upsertHour: sqlite.prepare(
      `INSERT INTO rollup_hour (bucket_ms, status, code, tier, reason, route, method, count, latency_ms_sum) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
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
      `INSERT INTO ingest_health_hour (bucket_ms, token_id, batches, accepted, duplicates, rejected) VALUES (?, ?, 1, ?, ?, ?)
       ON CONFLICT DO UPDATE SET batches = batches + 1, accepted = accepted + excluded.accepted,
         duplicates = duplicates + excluded.duplicates, rejected = rejected + excluded.rejected`,
    ),
    insertRejection: sqlite.prepare(
      `INSERT INTO ingest_rejections (token_id, received_ms, line, code, message, field, sample) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    pruneRejections: sqlite.prepare(
      `DELETE FROM ingest_rejections WHERE id <= (SELECT max(id) FROM ingest_rejections) - ${MAX_REJECTION_SAMPLES}`,
    ),
  };
  statementCache.set(sqlite, s);
  return s;
}

export function floorTo(ts_ms: number, size_ms: number): number {
  return Math.floor(ts_ms / size_ms) * size_ms;
}

type Dims = readonly (string | number)[];
interface Tally {
  dims: Dims;
  count: number;
  latency: number;
}

/** Adds one row (and its latency) under its rollup key; JSON keys stay distinct whatever text a dimension holds. */
function bump(map: Map<string, Tally>, dims: Dims, latency: number) {
  const key = JSON.stringify(dims);
  const cur = map.get(key);
  if (cur) {
    cur.count += 1;
    cur.latency += latency;
  } else map.set(key, { dims, count: 1, latency });
}

/**
 * Inserts each record unless its (request_id, code) is already stored, then applies the rollup deltas of
 * the rows that were actually inserted, all in one transaction: counts can never drift from raw rows.
 */
export function writeRecords(db: Db, records: readonly GatewayRecord[], ctx: WriteContext): WriteOutcome {
  const s = statements(db);
  const run = db.$client.transaction((): WriteOutcome => {
    const minute = new Map<string, Tally>();
    const hour = new Map<string, Tally>();
    const keyHour = new Map<string, Tally>();
    const keyDay = new Map<string, Tally>();
    let accepted = 0;
    for (const r of records) {
      const info = s.insertRequest.run({
        request_id: r.request_id,
        code: r.code,
        ts_ms: r.ts_ms,
        status: r.status,
        method: r.method,
        path: r.path,
        route: r.route,
        latency_ms: r.latency_ms,
        key_id: r.key_id,
        account_id: r.account_id,
        tier: r.tier,
        message: r.message,
        details: r.details === null ? null : JSON.stringify(r.details),
        reason: r.reason,
        unknown_code: r.unknown_code ? 1 : 0,
        status_mismatch: r.status_mismatch ? 1 : 0,
        token_id: ctx.token_id,
        received_ms: ctx.received_ms,
      });
      if (info.changes === 0) continue;
      accepted++;
      const tier = r.tier ?? '';
      const reason = r.reason ?? '';
      const latency = r.latency_ms ?? 0;
      bump(minute, [floorTo(r.ts_ms, MINUTE_MS), r.status, r.code, tier, reason], latency);
      const hourMs = floorTo(r.ts_ms, HOUR_MS);
      bump(hour, [hourMs, r.status, r.code, tier, reason, r.route ?? '', r.method ?? ''], latency);
      const dims = [r.key_id ?? '', r.account_id ?? '', tier, r.status, r.code, reason];
      if (r.key_id !== null || r.account_id !== null) bump(keyHour, [hourMs, ...dims], latency);
      // Every record, keyless ones under ('', ''): a day's key breakdown needs no keyless residual from rollup_hour.
      bump(keyDay, [floorTo(r.ts_ms, DAY_MS), ...dims], latency);
    }
    for (const v of minute.values()) s.upsertMinute.run(...v.dims, v.count);
    for (const v of hour.values()) s.upsertHour.run(...v.dims, v.count, v.latency);
    for (const v of keyHour.values()) s.upsertKeyHour.run(...v.dims, v.count);
    for (const v of keyDay.values()) s.upsertKeyDay.run(...v.dims, v.count);
    const duplicates = records.length - accepted;
    const rejected = ctx.rejected ?? 0;
    s.upsertHealth.run(floorTo(ctx.received_ms, HOUR_MS), ctx.token_id ?? 0, accepted, duplicates, rejected);
    const samples = ctx.rejections ?? [];
    for (const e of samples.slice(0, MAX_REJECTION_SAMPLES)) {
      s.insertRejection.run(ctx.token_id, ctx.received_ms, e.line, e.code, e.message, e.field ?? null, e.sample);
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
      s.upsertHealth.run(floorTo(ctx.received_ms, HOUR_MS), ctx.token_id ?? 0, 0, 0, 0);
      s.insertRejection.run(ctx.token_id, ctx.received_ms, 0, ctx.code, ctx.message, null, null);
      s.pruneRejections.run();
    })
    .immediate();
}
