// Reads of client behaviour: per key and day counts from the facts kept at ingest (behaviour_limits,
// behaviour_futile) and the per-key daily rollup, never from raw rows; an idempotency key's chain by its index.
// The SQLite side of BehaviourReads (db/store.ts); callers go through the store, never here.
import type Database from 'better-sqlite3';
import type { Db } from '../client';
import { ABANDON_MS, dayRange, RETRY_CLASS_VALUES, type RetryClass, type RetryClassValue } from '@/lib/behaviour-rules';
import { DAY_MS } from '@/lib/time-buckets';
import { MAX_CHAIN, type BehaviourQuery, type RetryClassCount, type RetryClassCountQuery, type RetryStormCount, type ChainRows, type FutileQuery, type FutileRepeat, type KeyDayRow, type LimitQuery, type LimitRecord } from '../types';

const keyFilter = (col: string, keys: readonly string[] | undefined) =>
  keys && keys.length > 0 ? { sql: ` AND ${col} IN (SELECT value FROM json_each(?))`, args: [JSON.stringify(keys)] } : { sql: '', args: [] };

export function getKeyDayCounts(db: Db, q: BehaviourQuery): KeyDayRow[] {
  const sqlite = db.$client;
  const { from, to } = dayRange(q.from, q.to);
  const out = new Map<string, KeyDayRow>();
  const row = (key_id: string, day_ms: number): KeyDayRow => {
    const id = `${day_ms}\u0000${key_id}`;
    let r = out.get(id);
    if (!r) {
      r = { day_ms, key_id, limited: 0, honoured: 0, early: 0, immediate: 0, abandoned: 0, pending: 0, storms: 0, futile_retries: 0, idempotency_mismatch: 0, idempotency_in_progress: 0 };
      out.set(id, r);
    }
    return r;
  };
  let f = keyFilter('key_id', q.keys);
  const limits = sqlite
    .prepare(
      `SELECT key_id, (ts_ms / ${DAY_MS}) * ${DAY_MS} AS day_ms, count(*) AS limited,
              sum(class_any = 'honoured') AS honoured, sum(class_any = 'early') AS early, sum(class_any = 'immediate') AS immediate,
              sum(class_any = 'abandoned' AND ts_ms <= ?) AS abandoned, sum(class_any = 'abandoned' AND ts_ms > ?) AS pending, sum(storm) AS storms
         FROM behaviour_limits WHERE ts_ms >= ? AND ts_ms < ?${f.sql} GROUP BY key_id, day_ms`,
    )
    .all(q.now - ABANDON_MS, q.now - ABANDON_MS, from, to, ...f.args) as (Omit<KeyDayRow, 'futile_retries' | 'idempotency_mismatch' | 'idempotency_in_progress'>)[];
  for (const l of limits) Object.assign(row(l.key_id, l.day_ms), l);
  const futile = sqlite
    .prepare(
      `SELECT key_id, (ts_ms / ${DAY_MS}) * ${DAY_MS} AS day_ms, sum(repeat) AS n FROM behaviour_futile
        WHERE ts_ms >= ? AND ts_ms < ?${f.sql} GROUP BY key_id, day_ms HAVING n > 0`,
    )
    .all(from, to, ...f.args) as { key_id: string; day_ms: number; n: number }[];
  for (const x of futile) row(x.key_id, x.day_ms).futile_retries = x.n;
  f = keyFilter('key_id', q.keys);
  const idem = sqlite
    .prepare(
      `SELECT key_id, bucket_ms AS day_ms, sum(CASE WHEN code = 'idempotency_key_mismatch' THEN count ELSE 0 END) AS mismatch,
              sum(CASE WHEN code = 'idempotency_key_in_progress' THEN count ELSE 0 END) AS in_progress
         FROM rollup_key_day WHERE bucket_ms >= ? AND bucket_ms < ? AND key_id <> '' AND code IN ('idempotency_key_mismatch', 'idempotency_key_in_progress')${f.sql}
        GROUP BY key_id, bucket_ms`,
    )
    .all(from, to, ...f.args) as { key_id: string; day_ms: number; mismatch: number; in_progress: number }[];
  for (const x of idem) {
    const r = row(x.key_id, x.day_ms);
    r.idempotency_mismatch = x.mismatch;
    r.idempotency_in_progress = x.in_progress;
  }
  return [...out.values()].sort((a, b) => a.day_ms - b.day_ms || (a.key_id < b.key_id ? -1 : a.key_id > b.key_id ? 1 : 0));
}

interface LimitDbRow {
  request_id: string;
  code: string;
  key_id: string;
  ts_ms: number;
  status: number;
  route: string;
  retry_after_ms: number;
  next_any_request_id: string | null;
  next_any_ts_ms: number | null;
  class_any: RetryClass;
  next_route_request_id: string | null;
  next_route_ts_ms: number | null;
  class_route: RetryClass;
  before_n: number;
  after_n: number;
  storm: number;
}

const LIMIT_COLUMNS =
  'request_id, code, key_id, ts_ms, status, route, retry_after_ms, next_any_request_id, next_any_ts_ms, class_any, next_route_request_id, next_route_ts_ms, class_route, before_n, after_n, storm';

function toLimitRecord(r: LimitDbRow, now: number): LimitRecord {
  const pendingOr = (c: RetryClass): RetryClassValue => (c === 'abandoned' && now - r.ts_ms < ABANDON_MS ? 'pending' : c);
  return {
    request_id: r.request_id,
    code: r.code,
    key_id: r.key_id,
    ts_ms: r.ts_ms,
    status: r.status,
    route: r.route === '' ? null : r.route,
    retry_after_ms: r.retry_after_ms,
    retry_class: pendingOr(r.class_any),
    next_request_id: r.next_any_request_id,
    next_gap_ms: r.next_any_ts_ms === null ? null : r.next_any_ts_ms - r.ts_ms,
    retry_class_same_route: pendingOr(r.class_route),
    next_same_route_request_id: r.next_route_request_id,
    next_same_route_gap_ms: r.next_route_ts_ms === null ? null : r.next_route_ts_ms - r.ts_ms,
    requests_before: r.before_n,
    requests_after: r.after_n,
    storm: r.storm === 1,
  };
}

export function listLimits(db: Db, q: LimitQuery): LimitRecord[] {
  const args: unknown[] = [q.from, q.to];
  let where = 'ts_ms >= ? AND ts_ms < ?';
  const k = keyFilter('key_id', q.keys);
  where += k.sql;
  args.push(...k.args);
  if (q.retry_class && q.retry_class.length > 0) {
    const stored = new Set<string>(q.retry_class.map((c) => (c === 'pending' ? 'abandoned' : c)));
    where += ` AND class_any IN (SELECT value FROM json_each(?))`;
    args.push(JSON.stringify([...stored]));
    // abandoned and pending are one stored class told apart by age.
    const wantAbandoned = q.retry_class.includes('abandoned');
    const wantPending = q.retry_class.includes('pending');
    if (wantAbandoned !== wantPending) {
      where += wantPending ? ` AND (class_any <> 'abandoned' OR ts_ms > ?)` : ` AND (class_any <> 'abandoned' OR ts_ms <= ?)`;
      args.push(q.now - ABANDON_MS);
    }
  }
  if (q.storm_only) where += ' AND storm = 1';
  if (q.before) {
    where += ' AND (ts_ms, request_id, code) < (?, ?, ?)';
    args.push(q.before.ts_ms, q.before.request_id, q.before.code);
  }
  // Every order ends on the record's identity, so pages and stores agree on ties.
  const order =
    q.order === 'fastest'
      ? 'ORDER BY next_any_ts_ms IS NULL, (next_any_ts_ms - ts_ms) ASC, ts_ms DESC, request_id DESC, code DESC'
      : q.order === 'largest_storm'
        ? 'ORDER BY after_n DESC, ts_ms DESC, request_id DESC, code DESC'
        : 'ORDER BY ts_ms DESC, request_id DESC, code DESC';
  const rows = db.$client.prepare(`SELECT ${LIMIT_COLUMNS} FROM behaviour_limits WHERE ${where} ${order} LIMIT ?`).all(...args, q.limit) as LimitDbRow[];
  return rows.map((r) => toLimitRecord(r, q.now));
}

/** WHERE over behaviour_limits for a RetryClassCountQuery (the limit's own columns). */
function limitWhere(q: RetryClassCountQuery): { where: string; args: unknown[] } {
  let where = 'ts_ms >= ? AND ts_ms < ?';
  const args: unknown[] = [q.from, q.to];
  for (const [col, values] of [['key_id', q.keys], ['route', q.routes], ['code', q.codes]] as const) {
    const f = keyFilter(col, values);
    where += f.sql;
    args.push(...f.args);
  }
  if (q.statuses && q.statuses.length > 0) {
    where += ` AND (${q.statuses.map((s) => (s.kind === 'status' ? 'status = ?' : '(status >= ? AND status < ?)')).join(' OR ')})`;
    for (const s of q.statuses) args.push(...(s.kind === 'status' ? [s.status] : [s.class * 100, s.class * 100 + 100]));
  }
  return { where, args };
}

export function retryClassCounts(db: Db, q: RetryClassCountQuery): RetryClassCount[] {
  const { where, args } = limitWhere(q);
  const rows = db.$client
    .prepare(
      `SELECT CASE WHEN class_any = 'abandoned' AND ts_ms > ? THEN 'pending' ELSE class_any END AS retry_class, count(*) AS limits
         FROM behaviour_limits WHERE ${where} GROUP BY 1`,
    )
    .all(q.now - ABANDON_MS, ...args) as RetryClassCount[];
  const by = new Map(rows.map((r) => [r.retry_class, r.limits]));
  return RETRY_CLASS_VALUES.filter((c) => (by.get(c) ?? 0) > 0).map((c) => ({ retry_class: c, limits: by.get(c)! }));
}

/** Storm limits per key in [from, to), by key_id. */
export function retryStormCounts(db: Db, q: RetryClassCountQuery): RetryStormCount[] {
  const { where, args } = limitWhere(q);
  return db.$client.prepare(`SELECT key_id, count(*) AS storms FROM behaviour_limits WHERE storm = 1 AND ${where} GROUP BY key_id ORDER BY key_id`).all(...args) as RetryStormCount[];
}

export function getLimitFact(db: Db, request_id: string, code: string, now: number): LimitRecord | null {
  // The facts are keyed by time first: the request's own row gives its ts_ms (facts are pruned after their requests).
  const r = db.$client
    .prepare(`SELECT ${LIMIT_COLUMNS} FROM behaviour_limits WHERE ts_ms IN (SELECT ts_ms FROM requests WHERE request_id = ? AND code = ?) AND request_id = ? AND code = ?`)
    .get(request_id, code, request_id, code) as LimitDbRow | undefined;
  return r ? toLimitRecord(r, now) : null;
}

/** Futile retries (repeats) newest first. */
export function listFutileRepeats(db: Db, q: FutileQuery): FutileRepeat[] {
  const k = keyFilter('key_id', q.keys);
  const c = keyFilter('code', q.codes);
  const rows = db.$client
    .prepare(`SELECT request_id, code, key_id, ts_ms, route FROM behaviour_futile WHERE repeat = 1 AND ts_ms >= ? AND ts_ms < ?${k.sql}${c.sql} ORDER BY ts_ms DESC, request_id DESC, code DESC LIMIT ?`)
    .all(q.from, q.to, ...k.args, ...c.args, q.limit) as (FutileRepeat & { route: string })[];
  return rows.map((r) => ({ ...r, route: r.route === '' ? null : r.route }));
}

/** Futile retries of one key and code by code within [from, to): how many times the key repeated it. */
export function countFutileRepeats(db: Db, key_id: string, code: string, from: number, to: number): number {
  return db.$client
    .prepare(`SELECT count(*) FROM behaviour_futile WHERE key_id = ? AND code = ? AND ts_ms >= ? AND ts_ms < ? AND repeat = 1`)
    .pluck()
    .get(key_id, code, from, to) as number;
}

/** The key's requests in (from, to]: one bounded range of the (key_id, ts_ms) index, for one request's support reply. */
export function countKeyRequestsBetween(db: Db, key_id: string, from_exclusive: number, to: number): number {
  return db.$client.prepare(`SELECT count(*) FROM requests WHERE key_id = ? AND ts_ms > ? AND ts_ms <= ?`).pluck().get(key_id, from_exclusive, to) as number;
}

const chainStatements = new WeakMap<Database.Database, Database.Statement>();

/** Every request that used this Idempotency-Key (any API key), oldest first, at most MAX_CHAIN. */
export function getIdempotencyChain(db: Db, idempotency_key: string): ChainRows {
  let st = chainStatements.get(db.$client);
  if (!st) {
    st = db.$client.prepare(
      `SELECT request_id, code, ts_ms, status, key_id, route, request_fingerprint, idempotent_replayed FROM requests
        WHERE idempotency_key = ? ORDER BY ts_ms, request_id, code LIMIT ?`,
    );
    chainStatements.set(db.$client, st);
  }
  const rows = st.all(idempotency_key, MAX_CHAIN + 1) as (Omit<ChainRows['rows'][number], 'idempotent_replayed'> & { idempotent_replayed: number | null })[];
  const truncated = rows.length > MAX_CHAIN;
  return {
    rows: rows.slice(0, MAX_CHAIN).map((r) => ({ ...r, idempotent_replayed: r.idempotent_replayed === null ? null : r.idempotent_replayed === 1 })),
    truncated,
  };
}

/** True when some stored request used this Idempotency-Key (one probe of the partial index). */
export function hasIdempotencyKey(db: Db, idempotency_key: string): boolean {
  return db.$client.prepare('SELECT 1 FROM requests WHERE idempotency_key = ? LIMIT 1').pluck().get(idempotency_key) !== undefined;
}
