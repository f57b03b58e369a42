// Reads behind "did you mean" on the lookup page, each bounded: point reads of a missing id's variants, and
// prefix-range scans of the request_id index that stop at a row budget. Never a full scan.
import type Database from 'better-sqlite3';
import type { Db } from '../client';
import { confusableVariants, NEAR_ID_LIMITS, prefixVariants, rangePrefixes, withinOneEdit } from '@/lib/near-ids';

function nearStatements(sqlite: Database.Database) {
  return {
    // UNIQUE(request_id, code): one point read per value of the JSON array.
    existing: sqlite.prepare<[string], { request_id: string }>(
      'SELECT DISTINCT request_id FROM requests WHERE request_id IN (SELECT value FROM json_each(?))',
    ),
    // A range of the same index: ids starting with the prefix (the upper bound is the prefix followed by the highest character).
    range: sqlite.prepare<[string, string, number], { request_id: string }>(
      'SELECT DISTINCT request_id FROM requests WHERE request_id >= ? AND request_id < ? ORDER BY request_id LIMIT ?',
    ),
    // requests_ts: the last entry of the index.
    newest: sqlite.prepare<[], { ts_ms: number | null }>('SELECT max(ts_ms) AS ts_ms FROM requests'),
  };
}

const cache = new WeakMap<Database.Database, ReturnType<typeof nearStatements>>();
function statements(db: Db): ReturnType<typeof nearStatements> {
  let s = cache.get(db.$client);
  if (!s) cache.set(db.$client, (s = nearStatements(db.$client)));
  return s;
}

/** For each id, the first stored id among its prefix variants (`REQ_x` → `req_x`, `x` → `req_x`); one read for all. */
export function findRequestIdVariants(db: Db, ids: readonly string[]): Map<string, string> {
  const wanted = new Map<string, string[]>();
  for (const id of ids) wanted.set(id, prefixVariants(id));
  const all = [...new Set([...wanted.values()].flat())];
  const out = new Map<string, string>();
  if (all.length === 0) return out;
  const stored = new Set(statements(db).existing.all(JSON.stringify(all)).map((r) => r.request_id));
  for (const [id, variants] of wanted) {
    const hit = variants.find((v) => stored.has(v));
    if (hit) out.set(id, hit);
  }
  return out;
}

/**
 * Stored ids one edit away from each missing id (at most NEAR_ID_LIMITS.idsPerLookup ids, a few suggestions each):
 * confusable characters anywhere by point reads, any one-character typo near the end by prefix ranges.
 */
export function findNearRequestIds(db: Db, missing: readonly string[]): Map<string, string[]> {
  const st = statements(db);
  const out = new Map<string, string[]>();
  for (const id of missing.slice(0, NEAR_ID_LIMITS.idsPerLookup)) {
    const found = new Set<string>();
    for (const r of st.existing.all(JSON.stringify(confusableVariants(id)))) found.add(r.request_id);
    let budget = NEAR_ID_LIMITS.rangeRowsPerId;
    for (const prefix of rangePrefixes(id)) {
      if (found.size >= NEAR_ID_LIMITS.suggestionsPerId || budget <= 0) break;
      const limit = Math.min(NEAR_ID_LIMITS.rowsPerRange, budget);
      const rows = st.range.all(prefix, `${prefix}\u{10FFFF}`, limit + 1);
      budget -= rows.length;
      for (const r of rows) if (r.request_id !== id && withinOneEdit(id, r.request_id)) found.add(r.request_id);
      // A shorter prefix holds every row of this one and more: past the limit, stop.
      if (rows.length > limit) break;
    }
    found.delete(id);
    if (found.size) out.set(id, [...found].sort().slice(0, NEAR_ID_LIMITS.suggestionsPerId));
  }
  return out;
}

/** The newest stored record's time (shown beside "missing": was the gateway's log shipped up to now?). */
export function getNewestRecordMs(db: Db): number | null {
  return statements(db).newest.get()?.ts_ms ?? null;
}
