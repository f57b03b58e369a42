// One key's recent history for support: hourly counts by code (what lib/key-insight.ts reads), and a read-only
// summary of the key. Every read is a range on one key's index (rollup_key_hour_key, requests_key_ts), bounded.
import type Database from 'better-sqlite3';
import type { Db } from '../client';
import { edgeHourFor, HOUR_MS, INSIGHT_LOOKBACK_MS, type EdgeRow, type InsightAnchor, type KeyHistory, type KeyHourCount, type KeySummary } from '@/lib/key-insight';

/** Records of the edge hour read at most: a busier hour places the start at the hour instead. */
const EDGE_ROWS = 5000;
/** The summary's recent failures are found among this many latest records of the key. */
const RECENT_SCAN = 2000;

function keyStatements(sqlite: Database.Database) {
  return {
    hours: sqlite.prepare<[string, number, number], { hour_ms: number; code: string; reason: string; count: number }>(
      `SELECT bucket_ms AS hour_ms, code, reason, sum(count) AS count FROM rollup_key_hour
       WHERE key_id = ? AND bucket_ms >= ? AND bucket_ms < ? GROUP BY bucket_ms, code, reason ORDER BY bucket_ms`,
    ),
    edge: sqlite.prepare<[string, number, number, number], { ts_ms: number; code: string; reason: string | null }>(
      'SELECT ts_ms, code, reason FROM requests WHERE key_id = ? AND ts_ms >= ? AND ts_ms < ? ORDER BY ts_ms, id LIMIT ?',
    ),
    owner: sqlite.prepare<[string], { account_id: string; tier: string }>(
      'SELECT account_id, tier FROM rollup_key_day WHERE key_id = ? ORDER BY bucket_ms DESC LIMIT 1',
    ),
    latest: sqlite.prepare<[string], { ts_ms: number }>('SELECT ts_ms FROM requests WHERE key_id = ? ORDER BY ts_ms DESC LIMIT 1'),
    recentFailures: sqlite.prepare<[string, number, number], { request_id: string; code: string; status: number; ts_ms: number; route: string | null; path: string | null; method: string | null; reason: string | null }>(
      `SELECT request_id, code, status, ts_ms, route, path, method, reason FROM
         (SELECT request_id, code, status, ts_ms, route, path, method, reason FROM requests WHERE key_id = ? ORDER BY ts_ms DESC LIMIT ?)
       WHERE code <> '' LIMIT ?`,
    ),
  };
}

const cache = new WeakMap<Database.Database, ReturnType<typeof keyStatements>>();
function statements(db: Db): ReturnType<typeof keyStatements> {
  let s = cache.get(db.$client);
  if (!s) cache.set(db.$client, (s = keyStatements(db.$client)));
  return s;
}

const orNull = (v: string | null) => (v === '' || v === null ? null : v);

export interface KeyHistoryInput {
  key_id: string;
  anchor: InsightAnchor;
  now_ms: number;
  lookback_ms?: number;
}

/** The key's hourly counts over the lookback (to now), plus the records of the hour where the anchor's run began. */
export function getKeyHistory(db: Db, input: KeyHistoryInput): KeyHistory {
  const st = statements(db);
  const from_ms = Math.floor((input.anchor.ts_ms - (input.lookback_ms ?? INSIGHT_LOOKBACK_MS)) / HOUR_MS) * HOUR_MS;
  const to_ms = Math.max(input.now_ms, input.anchor.ts_ms + 1);
  const hours: KeyHourCount[] = st.hours
    .all(input.key_id, from_ms, to_ms)
    .map((h) => ({ hour_ms: h.hour_ms, code: orNull(h.code), reason: orNull(h.reason), count: h.count }));
  const edge = edgeHourFor(hours, input.anchor);
  let edge_rows: EdgeRow[] = [];
  let edge_truncated = false;
  if (edge !== null) {
    const rows = st.edge.all(input.key_id, edge, edge + HOUR_MS, EDGE_ROWS + 1);
    edge_truncated = rows.length > EDGE_ROWS;
    edge_rows = rows.slice(0, EDGE_ROWS).map((r) => ({ ts_ms: r.ts_ms, code: orNull(r.code), reason: orNull(r.reason) }));
  }
  return { key_id: input.key_id, from_ms, to_ms, hours, edge_rows, edge_truncated };
}

export type { KeySummary };

/** What support may see of a key: who owns it, what it did over the window, its latest failures. */
export function getKeySummary(db: Db, input: { key_id: string; from_ms: number; to_ms: number; failures?: number }): KeySummary {
  const st = statements(db);
  // Whole hours of the per-key rollup: the range's edges are widened to the hour.
  const from_ms = Math.floor(input.from_ms / HOUR_MS) * HOUR_MS;
  const to_ms = input.to_ms;
  const counts = new Map<string, number>();
  for (const h of st.hours.all(input.key_id, from_ms, to_ms)) counts.set(h.code, (counts.get(h.code) ?? 0) + h.count);
  const by_code = [...counts]
    .map(([code, count]) => ({ code: orNull(code), count }))
    .sort((a, b) => b.count - a.count || String(a.code).localeCompare(String(b.code)));
  const requests = by_code.reduce((n, c) => n + c.count, 0);
  const owner = st.owner.get(input.key_id);
  return {
    key_id: input.key_id,
    account_id: orNull(owner?.account_id ?? null),
    tier: orNull(owner?.tier ?? null),
    from_ms,
    to_ms,
    requests,
    errors: by_code.filter((c) => c.code !== null).reduce((n, c) => n + c.count, 0),
    by_code,
    latest_ms: st.latest.get(input.key_id)?.ts_ms ?? null,
    recent_failures: st.recentFailures.all(input.key_id, RECENT_SCAN, input.failures ?? 10).map((r) => ({
      request_id: r.request_id,
      code: r.code,
      reason: orNull(r.reason),
      status: r.status,
      ts_ms: r.ts_ms,
      method: r.method,
      endpoint: r.route ?? r.path,
    })),
  };
}
