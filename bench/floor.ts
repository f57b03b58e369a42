// The floors: what bare better-sqlite3 does with the same rows, in the same run as the product.
// Schema and pragmas come from the product (migrations + applyPragmas) so only the code path differs.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import { applyPragmas, openDatabase } from '@/db/client';
import { routeFromPath } from '@/ingest/normalize';
import type { RequestRow } from '@/ingest/write';
import { getCatalogEntry, isStatusMismatch, kindOf } from '@/lib/catalog';
import type { Dataset } from './dataset';
import { readBatchLines } from './dataset';
import { elapsedMs, median, nowNs, percentile } from './stats';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const SEP = '\u0001';

/** One requests row in column order, ready for a positional INSERT (the same shape the product's writer binds). */
export type Row = RequestRow;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function toMs(v: unknown): number {
  if (typeof v === 'number') return v < 1e11 ? Math.round(v * 1000) : Math.round(v);
  if (typeof v === 'string') return Date.parse(v);
  return Number.NaN;
}

/**
 * A minimal mapping of a canonical gateway line to the row the product stores for it (checked in
 * tests/integration/bench-smoke.test.ts); null for a line the product would reject.
 */
export function toRow(line: string, received_ms: number): Row | null {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (o === null || typeof o !== 'object') return null;
  const request_id = str(o.request_id);
  const ts_ms = toMs(o.timestamp);
  const status = o.status;
  if (!request_id || !Number.isFinite(ts_ms) || typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
    return null;
  }
  let err = o.error as Record<string, unknown> | undefined;
  if (!err && typeof o.response_body === 'string') {
    try {
      err = (JSON.parse(o.response_body) as { error?: Record<string, unknown> }).error;
    } catch {
      err = undefined;
    }
  }
  const code = err ? (str(err.code) ?? '') : '';
  const details = err && err.details && typeof err.details === 'object' ? (err.details as Record<string, unknown>) : null;
  return [
    request_id,
    code,
    ts_ms,
    status,
    str(o.method),
    str(o.path),
    // As the product: a line without a route gets one derived from its path (off the clock, like all parsing).
    str(o.route) ?? (typeof o.path === 'string' ? routeFromPath(o.path) : null),
    typeof o.latency_ms === 'number' ? o.latency_ms : null,
    str(o.key_id),
    str(o.account_id),
    str(o.tier),
    err ? str(err.message) : null,
    details ? JSON.stringify(details) : null,
    details ? str(details.reason) : null,
    code !== '' && !getCatalogEntry(code) ? 1 : 0,
    code !== '' && isStatusMismatch(code, status) ? 1 : 0,
    1,
    received_ms,
    str(o.idempotency_key),
    str(o.request_fingerprint),
    typeof o.idempotent_replayed === 'boolean' ? (o.idempotent_replayed ? 1 : 0) : null,
    str(o.user_agent),
  ];
}

interface Tally {
  dims: (string | number)[];
  count: number;
  latency: number;
}

/** Adds one row under its rollup key (the key is the dims joined by SEP: the generated data never holds U+0001). */
function bump(map: Map<string, Tally>, dims: (string | number)[], latency: number) {
  const key = dims.join(SEP);
  const cur = map.get(key);
  if (cur) {
    cur.count += 1;
    cur.latency += latency;
  } else map.set(key, { dims, count: 1, latency });
}

export interface FloorInsertResult {
  rows: number;
  inserted: number;
  duplicates: number;
  skipped: number;
  /** Time inside the write transactions only: rows were parsed before the clock started. */
  insert_s: number;
  rows_per_s: number;
  /** CPU seconds spent inside the transactions: less sensitive than wall time to a busy shared machine. */
  cpu_s: number;
  wall_s: number;
}

/** Creates the product's schema in a fresh file and closes it, so the floor starts from the same empty database. */
export function createEmptyDatabase(file: string): void {
  const db = openDatabase(file);
  db.$client.close();
}

export function openBare(file: string, readonly = false): Database.Database {
  const sqlite = new Database(file, { readonly });
  if (!readonly) applyPragmas(sqlite);
  return sqlite;
}

/**
 * The floor's writer: bare INSERT OR IGNORE + the same six rollup upserts as ingest/write.ts (minute, code-hour,
 * hour, day, key-hour, key-day) and its one ingest_health_hour upsert per batch, one IMMEDIATE transaction per batch.
 */
export function floorInsertRows(file: string, tokenId = 1): { write(rows: Row[], received_ms?: number): number; close(): void } {
  const sqlite = openBare(file);
  const insert = sqlite.prepare(
    `INSERT OR IGNORE INTO requests (request_id, code, ts_ms, status, method, path, route, latency_ms, key_id, account_id, tier, message, details, reason, unknown_code, status_mismatch, token_id, received_ms, idempotency_key, request_fingerprint, idempotent_replayed, user_agent)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const upMinute = sqlite.prepare(
    `INSERT INTO rollup_minute (bucket_ms, status, code, tier, reason, count) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET count = count + excluded.count`,
  );
  const upCodeHour = sqlite.prepare(
    `INSERT INTO rollup_code_hour (bucket_ms, status, code, tier, reason, count) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET count = count + excluded.count`,
  );
  const upHour = sqlite.prepare(
    `INSERT INTO rollup_hour (bucket_ms, status, code, tier, reason, route, method, count, latency_ms_sum) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT DO UPDATE SET count = count + excluded.count, latency_ms_sum = latency_ms_sum + excluded.latency_ms_sum`,
  );
  const upDay = sqlite.prepare(
    `INSERT INTO rollup_day (bucket_ms, status, code, tier, reason, route, method, count, latency_ms_sum) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT DO UPDATE SET count = count + excluded.count, latency_ms_sum = latency_ms_sum + excluded.latency_ms_sum`,
  );
  const upKeyHour = sqlite.prepare(
    `INSERT INTO rollup_key_hour (bucket_ms, key_id, account_id, tier, status, code, reason, count) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET count = count + excluded.count`,
  );
  const upKeyDay = sqlite.prepare(
    `INSERT INTO rollup_key_day (bucket_ms, key_id, account_id, tier, status, code, reason, count) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET count = count + excluded.count`,
  );
  const upHealth = sqlite.prepare(
    `INSERT INTO ingest_health_hour (bucket_ms, token_id, batches, accepted, duplicates, rejected) VALUES (?, ?, 1, ?, ?, ?)
     ON CONFLICT DO UPDATE SET batches = batches + 1, accepted = accepted + excluded.accepted,
       duplicates = duplicates + excluded.duplicates, rejected = rejected + excluded.rejected`,
  );
  const write = sqlite.transaction((rows: Row[], received_ms: number) => {
    const minute = new Map<string, Tally>();
    const codeHour = new Map<string, Tally>();
    const hour = new Map<string, Tally>();
    const day = new Map<string, Tally>();
    const keyHour = new Map<string, Tally>();
    const keyDay = new Map<string, Tally>();
    let inserted = 0;
    for (const r of rows) {
      if (insert.run(r).changes === 0) continue;
      inserted++;
      const [, code, ts, status, method, , route, latency, key, account, tier, , , reason] = r;
      const lat = latency ?? 0;
      const t = tier ?? '';
      const why = reason ?? '';
      bump(minute, [ts - (ts % MINUTE), status, code, t, why], lat);
      const h = ts - (ts % HOUR);
      bump(codeHour, [h, status, code, t, why], lat);
      bump(hour, [h, status, code, t, why, route ?? '', method ?? ''], lat);
      bump(day, [ts - (ts % DAY), status, code, t, why, route ?? '', method ?? ''], lat);
      if (key !== null || account !== null) bump(keyHour, [h, key ?? '', account ?? '', t, status, code, why], lat);
      // As the product: every record, keyless ones under ('', '').
      bump(keyDay, [ts - (ts % DAY), key ?? '', account ?? '', t, status, code, why], lat);
    }
    for (const v of minute.values()) upMinute.run(...v.dims, v.count);
    for (const v of codeHour.values()) upCodeHour.run(...v.dims, v.count);
    for (const v of hour.values()) upHour.run(...v.dims, v.count, v.latency);
    for (const v of day.values()) upDay.run(...v.dims, v.count, v.latency);
    for (const v of keyHour.values()) upKeyHour.run(...v.dims, v.count);
    for (const v of keyDay.values()) upKeyDay.run(...v.dims, v.count);
    upHealth.run(received_ms - (received_ms % HOUR), tokenId, inserted, rows.length - inserted, 0);
    return inserted;
  });
  return { write: (rows, received_ms = Date.now()) => write.immediate(rows, received_ms), close: () => sqlite.close() };
}

/**
 * The insert floor over the whole dataset; rows are parsed before the clock starts for each batch. Between batches
 * (off the clock) it lets the event loop run, so Ctrl+C is handled within one batch.
 */
/** Batch `b` parsed as the floor parses it (off the clock): its rows, and how many lines had none. */
export function batchRows(dataset: Dataset, b: number, received: number): { rows: Row[]; skipped: number } {
  const rows: Row[] = [];
  let skipped = 0;
  for (const line of readBatchLines(dataset, b)) {
    const row = toRow(line, received);
    if (row) rows.push(row);
    else skipped++;
  }
  return { rows, skipped };
}

export async function floorInsert(file: string, dataset: Dataset, onProgress?: (done: number) => void): Promise<FloorInsertResult> {
  createEmptyDatabase(file);
  const writer = floorInsertRows(file);
  const wall = nowNs();
  let insertMs = 0;
  let cpuUs = 0;
  let rowsTotal = 0;
  let inserted = 0;
  let skipped = 0;
  for (let b = 0; b < dataset.batches.length; b++) {
    const received = Date.now();
    const parsed = batchRows(dataset, b, received);
    const rows = parsed.rows;
    skipped += parsed.skipped;
    const t = nowNs();
    const cpu = process.cpuUsage();
    inserted += writer.write(rows, received);
    insertMs += elapsedMs(t);
    const used = process.cpuUsage(cpu);
    cpuUs += used.user + used.system;
    rowsTotal += rows.length;
    onProgress?.(rowsTotal + skipped);
    await new Promise<void>((r) => setImmediate(r));
  }
  const wall_s = elapsedMs(wall) / 1000;
  writer.close();
  return {
    rows: rowsTotal,
    inserted,
    duplicates: rowsTotal - inserted,
    skipped,
    insert_s: insertMs / 1000,
    rows_per_s: rowsTotal / (insertMs / 1000),
    cpu_s: cpuUs / 1e6,
    wall_s,
  };
}

export interface LatencySummary {
  n: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
}

export function summarize(samplesMs: readonly number[]): LatencySummary {
  return {
    n: samplesMs.length,
    p50_ms: percentile(samplesMs, 50),
    p95_ms: percentile(samplesMs, 95),
    p99_ms: percentile(samplesMs, 99),
    max_ms: samplesMs.length ? Math.max(...samplesMs) : Number.NaN,
  };
}

/** Prepared-statement lookups of random known ids on the UNIQUE(request_id, code) index. */
export function floorLookup(file: string, ids: readonly string[], n: number, random: () => number): LatencySummary {
  const sqlite = openBare(file, true);
  const stmt = sqlite.prepare('SELECT * FROM requests WHERE request_id = ?');
  const samples: number[] = [];
  let found = 0;
  for (let i = 0; i < n; i++) {
    const id = ids[Math.floor(random() * ids.length)];
    const t = nowNs();
    const rows = stmt.all(id);
    samples.push(elapsedMs(t));
    if (rows.length > 0) found++;
  }
  sqlite.close();
  if (found < n) throw new Error(`floor lookup: ${n - found} of ${n} known ids were not found`);
  return summarize(samples);
}

export type AggregateName = 'breakdown_key' | 'breakdown_code' | 'hourly_status_class';

/** The raw scans: GROUP BY over requests in the range, the query a product without rollups would run. */
export const RAW_SCAN_SQL: Record<AggregateName, string> = {
  breakdown_key: `SELECT key_id AS value, count(*) AS requests, sum(status >= 400) AS errors FROM requests
    WHERE ts_ms >= ? AND ts_ms < ? GROUP BY key_id`,
  breakdown_code: `SELECT code AS value, count(*) AS requests, sum(status >= 400) AS errors FROM requests
    WHERE ts_ms >= ? AND ts_ms < ? GROUP BY code`,
  hourly_status_class: `SELECT ts_ms - (ts_ms % 3600000) AS bucket, status / 100 AS class, count(*) AS requests FROM requests
    WHERE ts_ms >= ? AND ts_ms < ? GROUP BY 1, 2`,
};

/**
 * The same counts read from the product's rollup tables with bare SQL, as the product reads them: the range is whole
 * UTC days, so breakdowns come from the day rollups (rollup_key_day per key, rollup_day per code); the hourly series
 * from rollup_code_hour.
 */
export const ROLLUP_SQL: Record<AggregateName, string> = {
  breakdown_key: `SELECT key_id AS value, sum(count) AS requests, sum(CASE WHEN status >= 400 THEN count ELSE 0 END) AS errors
    FROM rollup_key_day WHERE bucket_ms >= ? AND bucket_ms < ? GROUP BY key_id`,
  breakdown_code: `SELECT code AS value, sum(count) AS requests, sum(CASE WHEN status >= 400 THEN count ELSE 0 END) AS errors
    FROM rollup_day WHERE bucket_ms >= ? AND bucket_ms < ? GROUP BY code`,
  hourly_status_class: `SELECT bucket_ms AS bucket, status / 100 AS class, sum(count) AS requests
    FROM rollup_code_hour WHERE bucket_ms >= ? AND bucket_ms < ? GROUP BY 1, 2`,
};

export interface QueryTiming {
  median_ms: number;
  runs_ms: number[];
  rows: number;
  /** Sum of the `requests` column: a cross-check between the raw scan, the rollup and the product. */
  total_requests: number;
}

export function timeQuery(sqlite: Database.Database, sql: string, from: number, to: number, runs: number): QueryTiming {
  const stmt = sqlite.prepare(sql);
  const times: number[] = [];
  let rows: { requests: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const t = nowNs();
    rows = stmt.all(from, to) as { requests: number }[];
    times.push(elapsedMs(t));
  }
  return { median_ms: median(times), runs_ms: times, rows: rows.length, total_requests: rows.reduce((s, r) => s + r.requests, 0) };
}

function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export interface CsvFloorResult {
  rows: number;
  bytes: number;
  seconds: number;
  rows_per_s: number;
}

/**
 * Bare `.raw().iterate()` over the range, newest first, writing a minimal CSV of the product's columns to
 * /dev/null: `ts` is ts_ms as ISO 8601 and `kind` the catalog kind of `code`; columns the table lacks stay empty.
 */
export function floorCsv(file: string, columns: readonly string[], from: number, to: number): CsvFloorResult {
  const sqlite = openBare(file, true);
  const known = new Set((sqlite.prepare('SELECT name FROM pragma_table_info(?)').all('requests') as { name: string }[]).map((r) => r.name));
  const select = columns.map((c) => (c === 'ts' ? 'ts_ms' : c === 'kind' ? 'code' : known.has(c) ? c : 'NULL'));
  const tsAt = columns.indexOf('ts');
  const kindAt = columns.indexOf('kind');
  const stmt = sqlite
    .prepare(`SELECT ${select.join(', ')} FROM requests WHERE ts_ms >= ? AND ts_ms < ? ORDER BY ts_ms DESC, id DESC`)
    .raw(true);
  const cols = columns;
  const fd = fs.openSync('/dev/null', 'w');
  const t = nowNs();
  let rows = 0;
  let bytes = 0;
  let buf = `${cols.join(',')}\r\n`;
  for (const r of stmt.iterate(from, to) as IterableIterator<unknown[]>) {
    let line = '';
    for (let i = 0; i < r.length; i++) {
      if (i > 0) line += ',';
      line += i === tsAt ? new Date(r[i] as number).toISOString() : i === kindAt ? (kindOf(r[i] as string) ?? '') : csvField(r[i]);
    }
    buf += line + '\r\n';
    rows++;
    if (buf.length > 65536) {
      bytes += fs.writeSync(fd, buf);
      buf = '';
    }
  }
  bytes += fs.writeSync(fd, buf);
  const seconds = elapsedMs(t) / 1000;
  fs.closeSync(fd);
  sqlite.close();
  return { rows, bytes, seconds, rows_per_s: rows / seconds };
}
