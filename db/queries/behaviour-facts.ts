// Client-behaviour facts kept incrementally in the ingest batch's transaction. A fact of an event depends on its
// neighbours (the key's next request, the requests around it), so each batch classifies its own new events against
// the stored rows and corrects the stored facts its events are neighbours of. Rows are only ever added (dedupe), so
// successors only move earlier and counts only grow: the result equals a from-scratch computation in any arrival
// order, and a resent batch inserts nothing and changes nothing.
import type Database from 'better-sqlite3';
import { DeadlineExceeded } from '../types';
import type { Statement } from 'better-sqlite3';
import {
  ABANDON_MS,
  classifyRetry,
  compareEvents,
  FUTILE_WINDOW_MS,
  isFutileCode,
  isStorm,
  STORM_WINDOW_MS,
  type BehaviourEvent,
  type EventOrder,
  type RetryClass,
} from '@/lib/behaviour-rules';
import { firstAfter, firstTs, limitFacts, storedRetryAfterMs } from '@/lib/behaviour-window';

interface LimitRow {
  request_id: string;
  code: string;
  ts_ms: number;
  route: string;
  retry_after_ms: number;
  next_any_request_id: string | null;
  next_any_code: string | null;
  next_any_ts_ms: number | null;
  class_any: RetryClass;
  next_route_request_id: string | null;
  next_route_code: string | null;
  next_route_ts_ms: number | null;
  class_route: RetryClass;
  before_n: number;
  after_n: number;
  storm: number;
}

interface RawRow {
  request_id: string;
  code: string;
  ts_ms: number;
  route: string | null;
}

interface Statements {
  limitsNearKeys: Statement;
  updateLimit: Statement;
  insertLimit: Statement;
  rowsFrom: Statement;
  insertFutile: Statement;
  clearRepeat: Statement;
  futileNearRuns: Statement;
  futileBetween: Statement;
  markRepeat: Statement;
}

const cache = new WeakMap<object, Statements>();

function statements(sqlite: Database.Database): Statements {
  let s = cache.get(sqlite);
  if (s) return s;
  s = {
    // Every key's window probed in one statement: `?` is a JSON array of [key_id, from_ms, to_ms], the outer loop
    // (CROSS JOIN keeps it outer), each element one range of the (key_id, ts_ms) index. One call per batch rather
    // than one per key saves a few µs per key, most of which have no stored limit near.
    limitsNearKeys: sqlite.prepare(
      `SELECT l.key_id, l.request_id, l.code, l.ts_ms, l.route, l.retry_after_ms, l.next_any_request_id, l.next_any_code, l.next_any_ts_ms,
              l.class_any, l.next_route_request_id, l.next_route_code, l.next_route_ts_ms, l.class_route, l.before_n, l.after_n, l.storm
         FROM json_each(?) AS w CROSS JOIN behaviour_limits AS l
        WHERE l.key_id = w.value ->> 0 AND l.ts_ms >= w.value ->> 1 AND l.ts_ms <= w.value ->> 2`,
    ),
    updateLimit: sqlite.prepare(
      `UPDATE behaviour_limits SET next_any_request_id = ?, next_any_code = ?, next_any_ts_ms = ?, class_any = ?,
              next_route_request_id = ?, next_route_code = ?, next_route_ts_ms = ?, class_route = ?, before_n = ?, after_n = ?, storm = ?
        WHERE ts_ms = ? AND request_id = ? AND code = ?`,
    ),
    insertLimit: sqlite.prepare(
      `INSERT OR IGNORE INTO behaviour_limits (request_id, code, key_id, ts_ms, status, route, retry_after_ms, next_any_request_id, next_any_code,
              next_any_ts_ms, class_any, next_route_request_id, next_route_code, next_route_ts_ms, class_route, before_n, after_n, storm)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    rowsFrom: sqlite.prepare(`SELECT request_id, code, ts_ms, route FROM requests WHERE key_id = ? AND ts_ms >= ? AND ts_ms <= ? ORDER BY ts_ms`),
    insertFutile: sqlite.prepare(`INSERT OR IGNORE INTO behaviour_futile (request_id, code, key_id, ts_ms, route, repeat) VALUES (?, ?, ?, ?, ?, ?)`),
    clearRepeat: sqlite.prepare(`UPDATE behaviour_futile SET repeat = 0 WHERE ts_ms = ? AND request_id = ? AND code = ?`),
    // The stored rows of every futile run's window in one statement (`?`: JSON array of [key_id, code, from_ms, to_ms];
    // `run` is the window's index), one range of the (key_id, code, ts_ms) index each: almost all are empty.
    futileNearRuns: sqlite.prepare(
      `SELECT w.key AS run, f.request_id, f.code, f.ts_ms, f.repeat
         FROM json_each(?) AS w CROSS JOIN behaviour_futile AS f
        WHERE f.key_id = w.value ->> 0 AND f.code = w.value ->> 1 AND f.ts_ms >= w.value ->> 2 AND f.ts_ms <= w.value ->> 3`,
    ),
    futileBetween: sqlite.prepare(
      `SELECT request_id, code, ts_ms, repeat FROM behaviour_futile WHERE key_id = ? AND code = ? AND ts_ms >= ? AND ts_ms <= ?`,
    ),
    markRepeat: sqlite.prepare(`UPDATE behaviour_futile SET repeat = 1 WHERE ts_ms = ? AND request_id = ? AND code = ? AND repeat = 0`),
  };
  cache.set(sqlite, s);
  return s;
}

const isLimitStatus = (status: number) => status === 429 || (status >= 500 && status <= 599);

const orderOf = (request_id: string | null, code: string | null, ts_ms: number | null): EventOrder | null =>
  request_id === null || code === null || ts_ms === null ? null : { request_id, code, ts_ms };

/** The columns of an inserted `requests` row this module reads, by position (ingest's RequestRow order). */
export type BehaviourRow = readonly [
  request_id: string,
  code: string,
  ts_ms: number,
  status: number,
  method: unknown,
  path: unknown,
  route: string | null,
  latency_ms: unknown,
  key_id: string | null,
  account_id: unknown,
  tier: unknown,
  message: unknown,
  details: string | null,
  ...rest: unknown[],
];

function toEvent(r: BehaviourRow, key_id: string): BehaviourEvent {
  return { request_id: r[0], code: r[1], ts_ms: r[2], status: r[3], key_id, route: r[6] ?? '', retry_after_ms: storedRetryAfterMs(r[3], r[12]) };
}

/**
 * Collects a batch's inserted rows (add: a push, the hot path), then writes their facts (apply) inside the
 * batch's transaction. A key whose rows neither carry a limit or a futile code nor neighbour a stored limit costs
 * one indexed probe per batch.
 */
export class BehaviourBatch {
  private rows: BehaviourRow[] = [];

  constructor(private readonly sqlite: Database.Database) {}

  /**
   * One branch-free push: this is inlined into the write loop, where a path taken only now and then (a key's first
   * row in the batch) has no type feedback when the loop is optimized and deoptimizes the whole loop each time it is
   * taken. Grouping by key happens once per batch, in apply.
   */
  add(row: BehaviourRow): void {
    this.rows.push(row);
  }

  /** Past `deadline_ms` (wall clock) it throws DeadlineExceeded, checked per key: the batch's transaction rolls back. */
  apply(deadline_ms: number | null = null): void {
    const all = this.rows;
    if (all.length === 0) return;
    this.rows = [];
    const s = statements(this.sqlite);
    // Plain arrays and indexed loops, the per-row and per-key work in functions of their own: this runs a few times
    // per batch, and an optimizing compile of one function holding it all (iterators, every step inlined) cost
    // ~100 ms of CPU each time it was recompiled, as much as classifying 50,000 records.
    const keyIds: string[] = [];
    const keyRows: BehaviourRow[][] = [];
    groupByKey(all, keyIds, keyRows);
    if (keyIds.length === 0) return;
    const windows: [string, number, number][] = new Array(keyIds.length);
    const special: boolean[] = new Array(keyIds.length);
    for (let i = 0; i < keyIds.length; i++) special[i] = keyWindow(keyIds[i], keyRows[i], windows, i);
    // The stored limits near each key's rows, read before any of this batch's limits is inserted (a key's window
    // only ever holds its own limits, so reading them all first is what reading each key's before its own writes was).
    const near = new Map<string, LimitRow[]>();
    const limits = s.limitsNearKeys.all(JSON.stringify(windows)) as (LimitRow & { key_id: string })[];
    for (let i = 0; i < limits.length; i++) {
      const l = limits[i];
      const list = near.get(l.key_id);
      if (list) list.push(l);
      else near.set(l.key_id, [l]);
    }
    const runs: FutileRun[] = [];
    for (let i = 0; i < keyIds.length; i++) {
      if (deadline_ms !== null && Date.now() > deadline_ms) throw new DeadlineExceeded();
      const stored = near.get(keyIds[i]);
      if (stored !== undefined || special[i]) classifyKey(s, keyIds[i], keyRows[i], stored, runs);
    }
    markFutile(s, runs, deadline_ms);
  }
}

/** The keyed rows of `rows` by key, keys in order of first appearance and each key's rows in batch order. */
function groupByKey(rows: readonly BehaviourRow[], keyIds: string[], keyRows: BehaviourRow[][]): void {
  const index = new Map<string, number>();
  for (let k = 0; k < rows.length; k++) {
    const row = rows[k];
    const key = row[8];
    if (key === null) continue;
    const i = index.get(key);
    if (i !== undefined) keyRows[i].push(row);
    else {
      index.set(key, keyIds.length);
      keyIds.push(key);
      keyRows.push([row]);
    }
  }
}

/** Sets windows[i] to the key's probe window for stored limits; true when its rows hold a limit or a futile code. */
function keyWindow(key_id: string, rows: readonly BehaviourRow[], windows: [string, number, number][], i: number): boolean {
  let first = Infinity;
  let last = -Infinity;
  let special = false;
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k];
    const ts = r[2];
    if (ts < first) first = ts;
    if (ts > last) last = ts;
    if (!special && ((r[12] !== null && isLimitStatus(r[3])) || (r[1] !== '' && isFutileCode(r[1])))) special = true;
  }
  windows[i] = [key_id, first - ABANDON_MS, last + STORM_WINDOW_MS];
  return special;
}

/** One key's facts: its stored limits corrected, its new limits inserted, its futile runs collected for markFutile. */
function classifyKey(s: Statements, key_id: string, rows: readonly BehaviourRow[], stored: LimitRow[] | undefined, runs: FutileRun[]): void {
  // Correcting stored limits counts every event around them; without any, only the limits and futile codes matter.
  const events = (stored !== undefined ? rows.map((r) => toEvent(r, key_id)) : specialEvents(rows, key_id)).sort(compareEvents);
  if (stored !== undefined) correctStoredLimits(s, stored, events);
  insertLimits(s, key_id, events.filter((e) => e.retry_after_ms !== null));
  futileRuns(runs, key_id, events);
}

/** The events of `rows` that are limits (a retry_after) or futile codes: what insertLimits and markFutile read. */
function specialEvents(rows: readonly BehaviourRow[], key_id: string): BehaviourEvent[] {
  const out: BehaviourEvent[] = [];
  for (const r of rows) {
    const futile = r[1] !== '' && isFutileCode(r[1]);
    if (!futile && (r[12] === null || !isLimitStatus(r[3]))) continue;
    const e = toEvent(r, key_id);
    if (futile || e.retry_after_ms !== null) out.push(e);
  }
  return out;
}

/** The stored limits this batch's events are neighbours of: an earlier successor, more requests around them. */
function correctStoredLimits(s: Statements, stored: readonly LimitRow[], events: BehaviourEvent[]): void {
  const byRoute = new Map<string, BehaviourEvent[]>();
  for (const e of events) {
    const list = byRoute.get(e.route);
    if (list) list.push(e);
    else byRoute.set(e.route, [e]);
  }
  for (const l of stored) {
    let nextAny = orderOf(l.next_any_request_id, l.next_any_code, l.next_any_ts_ms);
    let nextRoute = orderOf(l.next_route_request_id, l.next_route_code, l.next_route_ts_ms);
    const i = firstAfter(events, l);
    const candidate = events[i];
    if (candidate && candidate.ts_ms - l.ts_ms <= ABANDON_MS && (nextAny === null || compareEvents(candidate, nextAny) < 0)) nextAny = candidate;
    const same = byRoute.get(l.route);
    if (same) {
      const c = same[firstAfter(same, l)];
      if (c && c.ts_ms - l.ts_ms <= ABANDON_MS && (nextRoute === null || compareEvents(c, nextRoute) < 0)) nextRoute = c;
    }
    const after_n = l.after_n + Math.max(0, firstTs(events, l.ts_ms + STORM_WINDOW_MS, false) - i);
    const before_n = l.before_n + Math.max(0, i - firstTs(events, l.ts_ms - STORM_WINDOW_MS, true));
    const class_any = classifyRetry(l.retry_after_ms, nextAny ? nextAny.ts_ms - l.ts_ms : null);
    const class_route = classifyRetry(l.retry_after_ms, nextRoute ? nextRoute.ts_ms - l.ts_ms : null);
    const unchanged =
      after_n === l.after_n &&
      before_n === l.before_n &&
      nextAny?.request_id === (l.next_any_request_id ?? undefined) &&
      nextAny?.code === (l.next_any_code ?? undefined) &&
      nextRoute?.request_id === (l.next_route_request_id ?? undefined) &&
      nextRoute?.code === (l.next_route_code ?? undefined);
    if (unchanged) continue;
    s.updateLimit.run(
      nextAny?.request_id ?? null,
      nextAny?.code ?? null,
      nextAny?.ts_ms ?? null,
      class_any,
      nextRoute?.request_id ?? null,
      nextRoute?.code ?? null,
      nextRoute?.ts_ms ?? null,
      class_route,
      before_n,
      after_n,
      isStorm(before_n, after_n) ? 1 : 0,
      l.ts_ms,
      l.request_id,
      l.code,
    );
  }
}

/**
 * New limits' facts from the stored rows, which already hold this whole batch. The limits' windows (STORM_WINDOW_MS
 * before to ABANDON_MS after) are merged where they overlap and each merged window is read once, so a key that was
 * limited 100,000 times in one batch costs one range read, not one per limit over the same rows.
 */
function insertLimits(s: Statements, key_id: string, limits: readonly BehaviourEvent[]): void {
  if (limits.length === 0) return;
  let start = 0;
  while (start < limits.length) {
    let end = start;
    let hi = limits[start].ts_ms + ABANDON_MS;
    while (end + 1 < limits.length && limits[end + 1].ts_ms - STORM_WINDOW_MS <= hi) {
      end++;
      hi = Math.max(hi, limits[end].ts_ms + ABANDON_MS);
    }
    const lo = limits[start].ts_ms - STORM_WINDOW_MS;
    const rows = (s.rowsFrom.all(key_id, lo, hi) as RawRow[]).sort(compareEvents);
    const byRoute = new Map<string, RawRow[]>();
    for (const r of rows) {
      const route = r.route ?? '';
      const list = byRoute.get(route);
      if (list) list.push(r);
      else byRoute.set(route, [r]);
    }
    for (let i = start; i <= end; i++) insertLimit(s, limits[i], rows, byRoute.get(limits[i].route) ?? []);
    start = end + 1;
  }
}

/** One new limit's facts from `rows`: every stored row of its key from STORM_WINDOW_MS before it to ABANDON_MS after, in event order. */
function insertLimit(s: Statements, l: BehaviourEvent, rows: readonly RawRow[], sameRoute: readonly RawRow[]): void {
  const retry_after_ms = l.retry_after_ms!;
  const f = limitFacts({ ...l, retry_after_ms }, rows, sameRoute);
  s.insertLimit.run(
    l.request_id,
    l.code,
    l.key_id,
    l.ts_ms,
    l.status,
    l.route,
    retry_after_ms,
    f.next_any?.request_id ?? null,
    f.next_any?.code ?? null,
    f.next_any?.ts_ms ?? null,
    f.class_any,
    f.next_route?.request_id ?? null,
    f.next_route?.code ?? null,
    f.next_route?.ts_ms ?? null,
    f.class_route,
    f.before_n,
    f.after_n,
    f.storm ? 1 : 0,
  );
}

/**
 * Futile-code events: a new one is a repeat when the key got the same code within FUTILE_WINDOW_MS before it, and
 * it makes the first same-code event after it (within the window) a repeat. Only that one can change: any later one
 * already had a predecessor at least as close.
 *
 * A run is one key's events of one code whose windows (FUTILE_WINDOW_MS either side) overlap: its stored rows are
 * read once. Runs of one key and code never share a window, and other keys' and codes' rows are never in it.
 */
interface FutileRun {
  key_id: string;
  code: string;
  /** In event order. */
  events: BehaviourEvent[];
}

/** The futile runs of one key's events (`events` in event order). */
function futileRuns(out: FutileRun[], key_id: string, events: readonly BehaviourEvent[]): void {
  const byCode = new Map<string, BehaviourEvent[]>();
  for (const e of events) {
    if (!isFutileCode(e.code)) continue;
    const list = byCode.get(e.code);
    if (list) list.push(e);
    else byCode.set(e.code, [e]);
  }
  for (const [code, list] of byCode) {
    for (let a = 0; a < list.length; ) {
      let b = a + 1;
      while (b < list.length && list[b].ts_ms - FUTILE_WINDOW_MS <= list[b - 1].ts_ms + FUTILE_WINDOW_MS) b++;
      out.push({ key_id, code, events: a === 0 && b === list.length ? list : list.slice(a, b) });
      a = b;
    }
  }
}

const runWindow = (r: FutileRun): [string, string, number, number] => [
  r.key_id,
  r.code,
  r.events[0].ts_ms - FUTILE_WINDOW_MS,
  r.events[r.events.length - 1].ts_ms + FUTILE_WINDOW_MS,
];

/**
 * Every run swept in event order with the stored rows of its window (read for all runs at once, before any run's
 * events are written): an event repeats when the row just before it is within FUTILE_WINDOW_MS, and makes the row
 * just after it a repeat. Linear in the rows read, however many times a key repeated a code. The events are
 * inserted with their flag decided, so only stored rows are updated.
 */
function markFutile(s: Statements, runs: readonly FutileRun[], deadline_ms: number | null): void {
  if (runs.length === 0) return;
  const near: FutileRow[][] = runs.map(() => []);
  for (const r of s.futileNearRuns.all(JSON.stringify(runs.map(runWindow))) as (FutileRow & { run: number })[]) near[r.run].push(r);
  for (let i = 0; i < runs.length; i++) {
    if (deadline_ms !== null && (i & 255) === 0 && Date.now() > deadline_ms) throw new DeadlineExceeded();
    futileRun(s, runs[i], near[i]);
  }
}

type FutileRow = RawRow & { repeat: number; fresh?: boolean };

/** The repeat marks of the run's events and of the rows around them: indexes into `rows` (sorted, the events among them). */
function futileMarks(rows: readonly FutileRow[], events: readonly BehaviourEvent[]): Set<number> {
  const marked = new Set<number>();
  let k = 0;
  for (const e of events) {
    while (k < rows.length && compareEvents(rows[k], e) < 0) k++;
    // rows[k] is e itself.
    if (k > 0 && rows[k - 1].ts_ms >= e.ts_ms - FUTILE_WINDOW_MS && rows[k].repeat !== 1) marked.add(k);
    if (k + 1 < rows.length && rows[k + 1].ts_ms - e.ts_ms <= FUTILE_WINDOW_MS && rows[k + 1].repeat !== 1) marked.add(k + 1);
  }
  return marked;
}

function futileRun(s: Statements, run: FutileRun, stored: FutileRow[]): void {
  const { key_id, code, events } = run;
  const rows = stored;
  for (const e of events) rows.push({ request_id: e.request_id, code, ts_ms: e.ts_ms, route: e.route, repeat: 0, fresh: true });
  rows.sort(compareEvents);
  const marked = futileMarks(rows, events);
  let inserted = true;
  const insertedRepeats: FutileRow[] = [];
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k];
    if (!r.fresh) continue;
    const repeat = marked.has(k) ? 1 : 0;
    if (s.insertFutile.run(r.request_id, code, key_id, r.ts_ms, r.route, repeat).changes === 0) inserted = false;
    else if (repeat === 1) insertedRepeats.push(r);
  }
  if (inserted) {
    for (const k of marked) if (!rows[k].fresh) s.markRepeat.run(rows[k].ts_ms, rows[k].request_id, code);
    return;
  }
  // An event's fact was already stored (its request row pruned, the fact not yet): the result of inserting every new
  // event with repeat 0 and then marking over the stored window, as it was computed before the flags were decided.
  for (const r of insertedRepeats) s.clearRepeat.run(r.ts_ms, r.request_id, code);
  const [, , lo, hi] = runWindow(run);
  const again = (s.futileBetween.all(key_id, code, lo, hi) as FutileRow[]).sort(compareEvents);
  for (const k of futileMarks(again, events)) s.markRepeat.run(again[k].ts_ms, again[k].request_id, code);
}
