// Stores a batch of validated records once each and updates every rollup in the same transaction.
import type { Statement } from 'better-sqlite3';
import type { Db } from '@/db/client';
import type { RejectionSample, RequestRow, WriteContext, WriteOutcome } from '@/db/types';
import { toRow } from './rows';
import { DeadlineExceeded, type GatewayRecord } from './types';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** How many rejected samples the ingest page keeps. */
export const MAX_REJECTION_SAMPLES = 1000;

export type { RejectionSample, WriteContext, WriteOutcome } from '@/db/types';

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
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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

/**
 * Inserts each record unless its (request_id, code) is already stored, then applies the rollup deltas of
 * the rows that were actually inserted, all in one transaction: counts can never drift from raw rows.
 */
export function writeRecords(db: Db, records: readonly GatewayRecord[], ctx: WriteContext): WriteOutcome {
  return writeRows(db, records.map(toRow), ctx);
}

/** writeRecords on rows already in column order (the rows' token_id and received_ms are overwritten). */
export function writeRows(db: Db, rows: RequestRow[], ctx: WriteContext): WriteOutcome {
  const s = statements(db);
  const run = db.$client.transaction((): WriteOutcome => {
    const minute = new Map<string, Tally>();
    const hour = new Map<string, Tally>();
    const keyHour = new Map<string, Tally>();
    const keyDay = new Map<string, Tally>();
    const token_id = ctx.token_id;
    const received_ms = ctx.received_ms;
    const deadline = ctx.deadline_ms ?? null;
    let accepted = 0;
    for (let i = 0; i < rows.length; i++) {
      if (deadline !== null && (i & 1023) === 0 && Date.now() > deadline) throw new DeadlineExceeded();
      const r = rows[i];
      r[16] = token_id;
      r[17] = received_ms;
      if (s.insertRequest.run(r).changes === 0) continue;
      accepted++;
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
      let v = minute.get(k);
      if (v) {
        v.count++;
        v.latency += latency;
      } else minute.set(k, { dims: [minuteMs, status, code, tier, reason], count: 1, latency });
      const route = r[6] ?? '';
      const method = r[4] ?? '';
      k = `${hourMs},${core}${t(route)}${t(method)}`;
      v = hour.get(k);
      if (v) {
        v.count++;
        v.latency += latency;
      } else hour.set(k, { dims: [hourMs, status, code, tier, reason, route, method], count: 1, latency });
      const key = r[8];
      const account = r[9];
      const keyCore = `${t(key ?? '')}${t(account ?? '')}${core}`;
      if (key !== null || account !== null) {
        k = `${hourMs},${keyCore}`;
        v = keyHour.get(k);
        if (v) v.count++;
        else keyHour.set(k, { dims: [hourMs, key ?? '', account ?? '', tier, status, code, reason], count: 1, latency });
      }
      // Every record, keyless ones under ('', ''): a day's key breakdown needs no keyless residual from rollup_hour.
      k = `${dayMs},${keyCore}`;
      v = keyDay.get(k);
      if (v) v.count++;
      else keyDay.set(k, { dims: [dayMs, key ?? '', account ?? '', tier, status, code, reason], count: 1, latency });
    }
    if (deadline !== null && Date.now() > deadline) throw new DeadlineExceeded();
    for (const v of minute.values()) {
      v.dims.push(v.count);
      s.upsertMinute.run(v.dims);
    }
    for (const v of hour.values()) {
      v.dims.push(v.count, v.latency);
      s.upsertHour.run(v.dims);
    }
    for (const v of keyHour.values()) {
      v.dims.push(v.count);
      s.upsertKeyHour.run(v.dims);
    }
    for (const v of keyDay.values()) {
      v.dims.push(v.count);
      s.upsertKeyDay.run(v.dims);
    }
    const duplicates = rows.length - accepted;
    const rejected = ctx.rejected ?? 0;
    s.upsertHealth.run(floorTo(received_ms, HOUR_MS), token_id ?? 0, accepted, duplicates, rejected);
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
      s.upsertHealth.run(floorTo(ctx.received_ms, HOUR_MS), ctx.token_id ?? 0, 0, 0, 0);
      s.insertRejection.run(ctx.token_id, ctx.received_ms, 0, ctx.code, ctx.message, null, null);
      s.pruneRejections.run();
    })
    .immediate();
}
