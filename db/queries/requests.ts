// Reads of single requests and request lists; rows come out in the wire format (snake_case, ISO ts, catalog).
import { and, asc, desc, sql } from 'drizzle-orm';
import type Database from 'better-sqlite3';
import type { Db } from '../client';
import { requests } from '../schema';
import type { AroundKey, CatalogInfo, RequestDetail, RequestPage, RequestRecord, TimelineEntry } from '@/lib/api-types';
import { getCatalogEntry, kindOf } from '@/lib/catalog';
import { ValidationError } from '@/lib/api-error';
import type { Filters } from '@/lib/filters';
import { extractRequestIds, MAX_LOOKUP_IDS } from '@/lib/request-ids';
import { rawFilterConditions } from './filter-sql';

type Row = typeof requests.$inferSelect;

function parseDetails(text: string | null): Record<string, unknown> | null {
  if (text === null) return null;
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

// One frozen object per code, shared by every record: exports shape millions of rows.
const catalogInfoCache = new Map<string, CatalogInfo | null>();

function catalogInfo(code: string): CatalogInfo | null {
  let info = catalogInfoCache.get(code);
  if (info !== undefined) return info;
  const e = getCatalogEntry(code);
  info = e ? Object.freeze({ code: e.code, family: e.family, status: e.status, title: e.title, kind: e.kind, cause: e.cause, fix: e.fix, reply: e.reply }) : null;
  if (e || catalogInfoCache.size < 1000) catalogInfoCache.set(code, info);
  return info;
}

/** A row as Drizzle maps it, or as a raw prepared statement returns it (booleans as 0/1). */
type RecordRow = Omit<Row, 'unknown_code' | 'status_mismatch' | 'token_id' | 'received_ms' | 'idempotent_replayed'> & {
  unknown_code: boolean | number;
  status_mismatch: boolean | number;
  idempotent_replayed: boolean | number | null;
};

export function toRequestRecord(r: RecordRow): RequestRecord {
  return {
    ...toEntry(r),
    key_id: r.key_id,
    account_id: r.account_id,
    tier: r.tier,
    message: r.message,
    details: parseDetails(r.details),
    reason: r.reason,
    kind: kindOf(r.code),
    unknown_code: Boolean(r.unknown_code),
    status_mismatch: Boolean(r.status_mismatch),
    catalog: catalogInfo(r.code),
    idempotency_key: r.idempotency_key,
    request_fingerprint: r.request_fingerprint,
    idempotent_replayed: r.idempotent_replayed === null ? null : Boolean(r.idempotent_replayed),
    user_agent: r.user_agent,
  };
}

/** What the same key did around a request: the window is AROUND_WINDOW_MS on each side. */
export const AROUND_WINDOW_MS = 7.5 * 60_000;
const TIMELINE_LIMIT = 50;

/** A timeline row: what a key's neighbourhood shows of each request. */
export type LightRow = { id: number; request_id: string; code: string; status: number; ts_ms: number; method: string | null; route: string | null; path: string | null; latency_ms: number | null };

const RECORD_COLUMNS =
  'id, request_id, code, ts_ms, status, method, path, route, latency_ms, key_id, account_id, tier, message, details, reason, unknown_code, status_mismatch, idempotency_key, request_fingerprint, idempotent_replayed, user_agent';
const LIGHT_COLUMNS = 'id, request_id, code, status, ts_ms, method, route, path, latency_ms';

/**
 * The lookup path's statements, prepared once per connection: Drizzle rebuilds the SQL text on every call, which
 * cost more than the indexed reads themselves. Every one is a range or point read on an index (see
 * tests/integration/read-queries.test.ts, which checks the plans).
 */
function lookupStatements(sqlite: Database.Database) {
  return {
    // UNIQUE(request_id, code): a point read; the handful of rows is sorted in memory.
    byId: sqlite.prepare<[string], RecordRow & { id: number }>(`SELECT ${RECORD_COLUMNS} FROM requests WHERE request_id = ? ORDER BY ts_ms, id`),
    // The pasted-text lookup: one point read per id, whatever their number (a JSON array, so one cached statement).
    byIds: sqlite.prepare<[string], RecordRow & { id: number }>(
      `SELECT ${RECORD_COLUMNS} FROM requests WHERE request_id IN (SELECT value FROM json_each(?)) ORDER BY ts_ms, id`,
    ),
    // (key_id, ts_ms) index, in index order (rowid breaks ties): no sort, stops after the cap.
    timeline: sqlite.prepare<[string, number, number, number], LightRow>(
      `SELECT ${LIGHT_COLUMNS} FROM requests WHERE key_id = ? AND ts_ms >= ? AND ts_ms < ? ORDER BY ts_ms, id LIMIT ?`,
    ),
    // Only when the timeline is truncated: the whole window's counts from the same index range.
    counts: sqlite.prepare<[string, number, number], { code: string; count: number }>(
      'SELECT code, count(*) AS count FROM requests WHERE key_id = ? AND ts_ms >= ? AND ts_ms < ? GROUP BY code',
    ),
    previous: sqlite.prepare<[string, number, number, number, string], LightRow>(
      `SELECT ${LIGHT_COLUMNS} FROM requests WHERE key_id = ? AND ts_ms <= ? AND (ts_ms < ? OR id < ?) AND request_id <> ? ORDER BY ts_ms DESC, id DESC LIMIT 1`,
    ),
    next: sqlite.prepare<[string, number, number, number, string], LightRow>(
      `SELECT ${LIGHT_COLUMNS} FROM requests WHERE key_id = ? AND ts_ms >= ? AND (ts_ms > ? OR id > ?) AND request_id <> ? ORDER BY ts_ms, id LIMIT 1`,
    ),
  };
}

const statementCache = new WeakMap<Database.Database, ReturnType<typeof lookupStatements>>();

function statements(db: Db): ReturnType<typeof lookupStatements> {
  let s = statementCache.get(db.$client);
  if (!s) {
    s = lookupStatements(db.$client);
    statementCache.set(db.$client, s);
  }
  return s;
}

/** The SQL of the lookup path, for plan checks. */
export function lookupStatementSql(db: Db): Record<string, string> {
  return Object.fromEntries(Object.entries(statements(db)).map(([k, st]) => [k, st.source]));
}

/** The fields a timeline entry shares with the full record (toRequestRecord starts from it). */
function toEntry(r: LightRow): TimelineEntry {
  return {
    request_id: r.request_id,
    code: r.code === '' ? null : r.code,
    status: r.status,
    ts: new Date(r.ts_ms).toISOString(),
    ts_ms: r.ts_ms,
    method: r.method,
    path: r.path,
    route: r.route,
    latency_ms: r.latency_ms,
  };
}

/** Every record stored for this request id (one per code), with the key's neighbourhood; null when unknown. */
export function getRequestById(db: Db, request_id: string): RequestDetail | null {
  const st = statements(db);
  const rows = st.byId.all(request_id);
  if (rows.length === 0) return null;
  const anchor = rows.find((r) => r.key_id !== null);
  return { request_id, records: rows.map(toRequestRecord), around: anchor ? aroundKey(st, anchor as RecordRow & { id: number; key_id: string }) : null };
}

const before = (r: LightRow, a: { ts_ms: number; id: number }) => r.ts_ms < a.ts_ms || (r.ts_ms === a.ts_ms && r.id < a.id);
const after = (r: LightRow, a: { ts_ms: number; id: number }) => r.ts_ms > a.ts_ms || (r.ts_ms === a.ts_ms && r.id > a.id);

/** The request a neighbourhood is drawn around: its key, time and row. */
export interface AroundAnchor {
  key_id: string;
  ts_ms: number;
  id: number;
  request_id: string;
}

export interface CodeCount {
  code: string;
  count: number;
}

/** The same key's requests within AROUND_WINDOW_MS either side of the anchor: [from_ms, to_ms). */
export function aroundWindow(anchor: AroundAnchor): { key_id: string; from_ms: number; to_ms: number } {
  return { key_id: anchor.key_id, from_ms: anchor.ts_ms - AROUND_WINDOW_MS, to_ms: anchor.ts_ms + AROUND_WINDOW_MS };
}

/**
 * What the capped timeline read (the window's first TIMELINE_LIMIT + 1 rows, oldest first) already answers: the
 * counts when it holds the whole window, and the anchor's neighbours when the run reaches past them. A store reads
 * only what is left undefined (one more indexed read each), the same way on every store.
 */
export function readTimeline(anchor: AroundAnchor, rows: LightRow[]): { shown: LightRow[]; truncated: boolean; counts?: CodeCount[]; previous?: LightRow; next?: LightRow } {
  const truncated = rows.length > TIMELINE_LIMIT;
  const shown = truncated ? rows.slice(0, TIMELINE_LIMIT) : rows;
  let counts: CodeCount[] | undefined;
  if (!truncated) {
    const m = new Map<string, number>();
    for (const r of rows) m.set(r.code, (m.get(r.code) ?? 0) + 1);
    counts = [...m].map(([code, count]) => ({ code, count }));
  }
  // The timeline is a contiguous run from the window's start: the anchor's neighbours in it are the true ones,
  // as long as the run reaches past the anchor (previous) or holds a later row of another request (next).
  let previous: LightRow | undefined;
  let next: LightRow | undefined;
  if (rows.some((r) => r.id === anchor.id)) {
    for (const r of rows) {
      if (r.request_id === anchor.request_id) continue;
      if (before(r, anchor)) previous = r;
      else if (next === undefined && after(r, anchor)) next = r;
    }
  }
  return { shown, truncated, counts, previous, next };
}

/** The API's `around` from a store's reads of the window. */
export function aroundAnswer(
  win: { key_id: string; from_ms: number; to_ms: number },
  timeline: { shown: LightRow[]; truncated: boolean },
  counts: CodeCount[],
  previous: LightRow | undefined,
  next: LightRow | undefined,
): AroundKey {
  const sorted = [...counts].sort((a, b) => b.count - a.count || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return {
    key_id: win.key_id,
    from: new Date(win.from_ms).toISOString(),
    to: new Date(win.to_ms).toISOString(),
    from_ms: win.from_ms,
    to_ms: win.to_ms,
    counts_by_code: sorted.map((c) => ({ code: c.code === '' ? null : c.code, count: c.count })),
    total: sorted.reduce((n, c) => n + c.count, 0),
    previous: previous ? toEntry(previous) : null,
    next: next ? toEntry(next) : null,
    timeline: timeline.shown.map(toEntry),
    timeline_truncated: timeline.truncated,
  };
}

/**
 * Usually two reads: the capped timeline, from which the counts, previous and next follow when it holds the
 * whole window (or, for previous/next, the rows on that side of the request). Otherwise one more indexed read each.
 */
function aroundKey(st: ReturnType<typeof lookupStatements>, anchor: AroundAnchor): AroundKey {
  const win = aroundWindow(anchor);
  const { key_id, from_ms, to_ms } = win;
  const seen = readTimeline(anchor, st.timeline.all(key_id, from_ms, to_ms, TIMELINE_LIMIT + 1));
  const counts = seen.counts ?? st.counts.all(key_id, from_ms, to_ms);
  const previous = seen.previous ?? st.previous.get(key_id, anchor.ts_ms, anchor.ts_ms, anchor.id, anchor.request_id);
  const next = seen.next ?? st.next.get(key_id, anchor.ts_ms, anchor.ts_ms, anchor.id, anchor.request_id);
  return aroundAnswer(win, seen, counts, previous, next);
}

/** Records of many request ids in one query, grouped by id in the order asked. */
export function getRequestsByIds(db: Db, ids: readonly string[]): Map<string, RequestRecord[]> {
  const out = new Map<string, RequestRecord[]>();
  if (ids.length === 0) return out;
  const rows = statements(db).byIds.all(JSON.stringify(ids));
  for (const r of rows) {
    const list = out.get(r.request_id);
    if (list) list.push(toRequestRecord(r));
    else out.set(r.request_id, [toRequestRecord(r)]);
  }
  return out;
}

export interface LookupResult {
  /** Candidate ids found in the text, in order of appearance (at most MAX_LOOKUP_IDS). */
  candidates: string[];
  truncated: boolean;
  found: { request_id: string; records: RequestRecord[] }[];
  missing: string[];
}

/** Finds every request id in free text (an email, a ticket) and answers found and missing ones with one query. */
export function lookupRequestIds(db: Db, text: string): LookupResult {
  return answerLookup(db, extractRequestIds(text, MAX_LOOKUP_IDS));
}

function answerLookup(db: Db, { ids, truncated }: { ids: string[]; truncated: boolean }): LookupResult {
  const byId = getRequestsByIds(db, ids);
  return {
    candidates: ids,
    truncated,
    found: ids.filter((id) => byId.has(id)).map((id) => ({ request_id: id, records: byId.get(id)! })),
    missing: ids.filter((id) => !byId.has(id)),
  };
}

export interface Cursor {
  ts_ms: number;
  id: number;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.ts_ms}.${c.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): Cursor {
  const m = /^(\d{1,15})\.(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw new ValidationError('cursor: not a cursor this API returned', 'cursor');
  return { ts_ms: Number(m[1]), id: Number(m[2]) };
}

/** Raw rows of one keyset page (newest first), with the cursor position of the last row. */
function listRows(db: Db, filters: Filters, after: Cursor | null, limit: number): Row[] {
  // One upper bound on ts_ms: with two (the range's end and the cursor's), SQLite uses only the first and every
  // later page re-reads all the rows newer than itself.
  const conds = rawFilterConditions(filters, filters.from, after ? Math.min(filters.to, after.ts_ms + 1) : filters.to);
  if (after) conds.push(sql`(${requests.ts_ms}, ${requests.id}) < (${after.ts_ms}, ${after.id})`);
  return db
    .select()
    .from(requests)
    .where(and(...conds))
    .orderBy(desc(requests.ts_ms), desc(requests.id))
    .limit(limit)
    .all();
}

/** Raw rows just newer than `before`, oldest first (the page above a cursor). */
function listRowsNewer(db: Db, filters: Filters, before: Cursor, limit: number): Row[] {
  const conds = rawFilterConditions(filters, Math.max(filters.from, before.ts_ms), filters.to);
  conds.push(sql`(${requests.ts_ms}, ${requests.id}) > (${before.ts_ms}, ${before.id})`);
  return db.select().from(requests).where(and(...conds)).orderBy(asc(requests.ts_ms), asc(requests.id)).limit(limit).all();
}

/** Which way a page reads: the records just newer than `before` (a prev_cursor), or those older than `after`. */
export type PageRead = { newer: true; before: Cursor; cursor: string } | { newer: false; after: Cursor | null };

/** What a listRequests call asks of its store's keyset reads (each store reads `limit + 1` rows that way). */
export function pageRead(page: { cursor?: string | null; before?: string | null }): PageRead {
  if (page.before) return { newer: true, before: decodeCursor(page.before), cursor: page.before };
  return { newer: false, after: page.cursor ? decodeCursor(page.cursor) : null };
}

/**
 * The page a store's keyset read makes, the same on every store: `rows` are up to `limit + 1` rows read the way
 * `read` says (newer ones oldest first, older ones newest first); the extra row only tells that more exist.
 */
export function keysetPage<R extends Cursor>(read: PageRead, rows: R[], limit: number, toRecord: (r: R) => RequestRecord): RequestPage {
  const more = rows.length > limit;
  if (read.newer) {
    const shown = (more ? rows.slice(0, limit) : rows).reverse();
    return {
      records: shown.map(toRecord),
      next_cursor: shown.length ? encodeCursor(shown[shown.length - 1]) : read.cursor,
      prev_cursor: more && shown.length ? encodeCursor(shown[0]) : null,
    };
  }
  const shown = more ? rows.slice(0, limit) : rows;
  const last = shown[shown.length - 1];
  return {
    records: shown.map(toRecord),
    next_cursor: more && last ? encodeCursor(last) : null,
    prev_cursor: read.after && shown.length ? encodeCursor(shown[0]) : null,
  };
}

/**
 * Newest first, keyset-paginated on (ts_ms, id): no gaps or repeats while new records arrive. `cursor` pages to older
 * records, `before` (a `prev_cursor`) to the newer ones just above a page.
 */
export function listRequests(
  db: Db,
  filters: Filters,
  page: { cursor?: string | null; before?: string | null; limit?: number } = {},
): RequestPage {
  const limit = page.limit ?? 100;
  const read = pageRead(page);
  const rows = read.newer ? listRowsNewer(db, filters, read.before, limit + 1) : listRows(db, filters, read.after, limit + 1);
  return keysetPage(read, rows, limit, toRequestRecord);
}

/**
 * Every matching record, newest first, in keyset pages: each page is a complete query, so the shared connection is
 * never held by an open iterator between pages (an export must not block other requests).
 */
export function* iterateRequests(db: Db, filters: Filters, pageSize = 5000): Generator<RequestRecord[]> {
  let after: Cursor | null = null;
  for (;;) {
    const rows = listRows(db, filters, after, pageSize);
    if (rows.length === 0) return;
    yield rows.map(toRequestRecord);
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1];
    after = { ts_ms: last.ts_ms, id: last.id };
  }
}

