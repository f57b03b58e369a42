// Client behaviour on ClickHouse (the design is in docs/clickhouse.md, "Client behaviour"). After a
// batch's insert is confirmed, the facts its rows may have changed are recomputed from scratch from the stored rows
// of their bounded windows (requests_by_key, sorted by key and time) with the pure rules of lib/behaviour-window.ts,
// and written whole, with a larger version, to ReplacingMergeTree fact tables. Reads take the latest version of each
// fact (argMax … GROUP BY request_id, code), never raw rows beyond one key's bounded range.
import { ABANDON_MS, compareEvents, RETRY_CLASS_VALUES, FUTILE_WINDOW_MS, isFutileCode, STORM_WINDOW_MS } from '@/lib/behaviour-rules';
import { inIntervals, isFutileRepeat, limitFacts, mergeIntervals } from '@/lib/behaviour-window';
import {
  MAX_CHAIN,
  type BehaviourQuery,
  type ChainRows,
  type FutileQuery,
  type FutileRepeat,
  type KeyDayRow,
  type LimitQuery,
  type LimitRecord,
  type RequestRow,
  type RetryClassCount,
  type RetryClassCountQuery,
  type RetryStormCount,
} from '../types';
import { and, join, raw, sql, type Sql } from './sql';

type Json = Record<string, unknown>;
const n = (v: unknown) => Number(v);
const nn = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const DAY_MS = 86_400_000;
/** SQL text of one OR-list of ranges at most (18.16's max_query_size is 256 KiB). */
const MAX_OR_BYTES = 96 * 1024;

export interface BehaviourDeps {
  rows: <T = Json>(q: Sql) => Promise<T[]>;
  insert: (table: string, values: Json[]) => Promise<void>;
  /** Fully qualified names: the tables to read and insert through (Distributed on a cluster). */
  requestsByKey: string;
  requestsByIdempotencyKey: string;
  limits: string;
  futile: string;
  rollupKeyDay: string;
}

interface KeyRow {
  key_id: string;
  ts_ms: number;
  request_id: string;
  code: string;
  route: string;
  status: number;
  retry_after_ms: number | null;
}

const toKeyRow = (r: Json): KeyRow => ({
  key_id: r.key_value as string,
  ts_ms: n(r.ts_ms),
  request_id: r.request_id as string,
  code: r.code as string,
  route: (r.route as string | null) ?? '',
  status: n(r.status),
  retry_after_ms: nn(r.retry_after_ms),
});

/** `(key_value = k AND ts_ms BETWEEN lo AND hi) OR …`, split so each statement stays under MAX_OR_BYTES. */
function rangeLists(ranges: readonly { key_id: string; lo: number; hi: number; code?: string }[]): Sql[][] {
  const out: Sql[][] = [];
  let cur: Sql[] = [];
  let bytes = 0;
  for (const r of ranges) {
    const s =
      r.code === undefined
        ? sql`(key_value = ${r.key_id} AND ts_ms >= ${r.lo} AND ts_ms <= ${r.hi})`
        : sql`(key_value = ${r.key_id} AND code = ${r.code} AND ts_ms >= ${r.lo} AND ts_ms <= ${r.hi})`;
    if (cur.length && bytes + s.text.length > MAX_OR_BYTES) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(s);
    bytes += s.text.length + 4;
  }
  if (cur.length) out.push(cur);
  return out;
}

// A fact's identity columns never change between versions, so they are grouped by rather than aggregated (an alias
// of an aggregate named like its column would also capture that column in WHERE).
const LIMIT_KEY = 'request_id, code, key_id, ts_ms, status, route, retry_after_ms';
const LIMIT_LATEST = `${LIMIT_KEY},
  argMax(next_any_request_id, version) AS next_any_request_id, argMax(next_any_ts_ms, version) AS next_any_ts_ms, argMax(class_any, version) AS class_any,
  argMax(next_route_request_id, version) AS next_route_request_id, argMax(next_route_ts_ms, version) AS next_route_ts_ms, argMax(class_route, version) AS class_route,
  argMax(before_n, version) AS before_n, argMax(after_n, version) AS after_n, argMax(storm, version) AS storm`;

export class ClickHouseBehaviour {
  private version = 0;

  constructor(private readonly d: BehaviourDeps) {}

  /** The next fact version: larger than any stored (read at start) and than the clock, so a later write always wins. */
  async init(): Promise<void> {
    const rows = await this.d.rows<Json>(
      raw(`SELECT greatest((SELECT max(version) FROM ${this.d.limits}), (SELECT max(version) FROM ${this.d.futile})) AS v`),
    );
    this.version = n(rows[0]?.v ?? 0);
  }

  private nextVersion(): number {
    this.version = Math.max(this.version + 1, Date.now() * 1000);
    return this.version;
  }

  private async keyRows(ranges: { key_id: string; lo: number; hi: number; code?: string }[], extra: Sql | null): Promise<KeyRow[]> {
    const reads = rangeLists(ranges).map((list) =>
      this.d.rows<Json>(
        sql`SELECT key_value, ts_ms, request_id, code, route, status, retry_after_ms FROM ${raw(this.d.requestsByKey)} WHERE ${and([extra ?? undefined, sql`(${join(list, ' OR ')})`])}`,
      ),
    );
    return (await Promise.all(reads)).flat().map(toKeyRow);
  }

  /**
   * Recomputes every fact the batch's rows may have changed. Called with the whole batch, duplicates included: a
   * resend after a crash between the insert and this write (the rows stored, their facts not) writes them then.
   * A new row at t changes the limits of its key in [t - ABANDON_MS, t + STORM_WINDOW_MS] (its successor within the
   * hour, the counts of the minute around) and the futile responses of its key and code in [t, t + FUTILE_WINDOW_MS].
   */
  async afterInsert(batch: readonly RequestRow[]): Promise<void> {
    const byKey = new Map<string, { times: number[]; futile: Map<string, number[]> }>();
    for (const r of batch) {
      const key_id = r[8];
      if (key_id === null) continue;
      let k = byKey.get(key_id);
      if (!k) byKey.set(key_id, (k = { times: [], futile: new Map() }));
      k.times.push(r[2]);
      if (r[1] !== '' && isFutileCode(r[1])) {
        const list = k.futile.get(r[1]);
        if (list) list.push(r[2]);
        else k.futile.set(r[1], [r[2]]);
      }
    }
    if (byKey.size === 0) return;
    await Promise.all([this.recomputeLimits(byKey), this.recomputeFutile(byKey)]);
  }

  private async recomputeLimits(byKey: Map<string, { times: number[] }>): Promise<void> {
    // 1. The limits whose facts may change: one read of retry_after_ms over each key's touched ranges.
    const touched = new Map<string, [number, number][]>();
    const probe: { key_id: string; lo: number; hi: number }[] = [];
    for (const [key_id, k] of byKey) {
      const iv = mergeIntervals(k.times.map((t) => [t - ABANDON_MS, t + STORM_WINDOW_MS] as const));
      touched.set(key_id, iv);
      for (const [lo, hi] of iv) probe.push({ key_id, lo, hi });
    }
    const limits = (await this.keyRows(probe, raw('isNotNull(retry_after_ms)'))).filter((l) => inIntervals(touched.get(l.key_id)!, l.ts_ms));
    if (limits.length === 0) return;
    // 2. Every row of those keys from STORM_WINDOW_MS before each limit to ABANDON_MS after it.
    const windows = new Map<string, [number, number][]>();
    const perKey = new Map<string, KeyRow[]>();
    for (const l of limits) {
      const list = perKey.get(l.key_id);
      if (list) list.push(l);
      else perKey.set(l.key_id, [l]);
    }
    const reads: { key_id: string; lo: number; hi: number }[] = [];
    for (const [key_id, ls] of perKey) {
      const iv = mergeIntervals(ls.map((l) => [l.ts_ms - STORM_WINDOW_MS, l.ts_ms + ABANDON_MS] as const));
      windows.set(key_id, iv);
      for (const [lo, hi] of iv) reads.push({ key_id, lo, hi });
    }
    const rowsByKey = new Map<string, KeyRow[]>();
    for (const r of await this.keyRows(reads, null)) {
      const list = rowsByKey.get(r.key_id);
      if (list) list.push(r);
      else rowsByKey.set(r.key_id, [r]);
    }
    // 3. Each limit's facts from its key's rows, written whole with one new version.
    const version = this.nextVersion();
    const values: Json[] = [];
    for (const [key_id, ls] of perKey) {
      const rows = (rowsByKey.get(key_id) ?? []).sort(compareEvents);
      const byRoute = new Map<string, KeyRow[]>();
      for (const r of rows) {
        const list = byRoute.get(r.route);
        if (list) list.push(r);
        else byRoute.set(r.route, [r]);
      }
      for (const l of ls) {
        const f = limitFacts({ ...l, retry_after_ms: l.retry_after_ms! }, rows, byRoute.get(l.route) ?? []);
        values.push({
          request_id: l.request_id,
          code: l.code,
          key_id,
          ts_ms: l.ts_ms,
          status: l.status,
          route: l.route,
          retry_after_ms: l.retry_after_ms,
          next_any_request_id: f.next_any?.request_id ?? null,
          next_any_code: f.next_any?.code ?? null,
          next_any_ts_ms: f.next_any?.ts_ms ?? null,
          class_any: f.class_any,
          next_route_request_id: f.next_route?.request_id ?? null,
          next_route_code: f.next_route?.code ?? null,
          next_route_ts_ms: f.next_route?.ts_ms ?? null,
          class_route: f.class_route,
          before_n: f.before_n,
          after_n: f.after_n,
          storm: f.storm ? 1 : 0,
          version,
        });
      }
    }
    await this.d.insert(this.d.limits, values);
  }

  private async recomputeFutile(byKey: Map<string, { futile: Map<string, number[]> }>): Promise<void> {
    const reads: { key_id: string; code: string; lo: number; hi: number }[] = [];
    const touched = new Map<string, [number, number][]>();
    for (const [key_id, k] of byKey) {
      for (const [code, times] of k.futile) {
        const iv = mergeIntervals(times.map((t) => [t, t + FUTILE_WINDOW_MS] as const));
        touched.set(`${key_id}\u0000${code}`, iv);
        for (const [lo, hi] of iv) reads.push({ key_id, code, lo: lo - FUTILE_WINDOW_MS, hi });
      }
    }
    if (reads.length === 0) return;
    const groups = new Map<string, KeyRow[]>();
    for (const r of await this.keyRows(reads, null)) {
      const g = `${r.key_id}\u0000${r.code}`;
      const list = groups.get(g);
      if (list) list.push(r);
      else groups.set(g, [r]);
    }
    const version = this.nextVersion();
    const values: Json[] = [];
    for (const [g, rows] of groups) {
      rows.sort(compareEvents);
      const iv = touched.get(g)!;
      rows.forEach((r, i) => {
        // Only the responses the batch may have changed, whose window [ts - FUTILE_WINDOW_MS, ts] was read whole.
        if (!inIntervals(iv, r.ts_ms)) return;
        values.push({ request_id: r.request_id, code: r.code, key_id: r.key_id, ts_ms: r.ts_ms, route: r.route, repeat: isFutileRepeat(rows, i) ? 1 : 0, version });
      });
    }
    if (values.length) await this.d.insert(this.d.futile, values);
  }

  // ------------------------------------------------------------------ reads

  private keyFilter(keys: readonly string[] | undefined): Sql | undefined {
    return keys && keys.length > 0 ? sql`key_id IN (${join(keys.map((k) => sql`${k}`), ', ')})` : undefined;
  }

  /** The latest version of each limit fact with ts_ms in [from, to) (and of the keys asked). */
  private latestLimits(from: number, to: number, keys: readonly string[] | undefined, extra?: Sql): Sql {
    return sql`(SELECT ${raw(LIMIT_LATEST)} FROM ${raw(this.d.limits)} WHERE ${and([sql`ts_ms >= ${from}`, sql`ts_ms < ${to}`, this.keyFilter(keys), extra])} GROUP BY ${raw(LIMIT_KEY)})`;
  }

  async keyDays(q: BehaviourQuery): Promise<KeyDayRow[]> {
    const from = Math.floor(q.from / DAY_MS) * DAY_MS;
    const to = Math.ceil(q.to / DAY_MS) * DAY_MS;
    const cut = q.now - ABANDON_MS;
    const [limits, futile, idem] = await Promise.all([
      this.d.rows<Json>(
        sql`SELECT key_id, intDiv(ts_ms, ${DAY_MS}) * ${DAY_MS} AS day_ms, count() AS limited, countIf(class_any = 'honoured') AS honoured,
              countIf(class_any = 'early') AS early, countIf(class_any = 'immediate') AS immediate,
              countIf(class_any = 'abandoned' AND ts_ms <= ${cut}) AS abandoned, countIf(class_any = 'abandoned' AND ts_ms > ${cut}) AS pending, sum(storm) AS storms
            FROM ${this.latestLimits(from, to, q.keys)} GROUP BY key_id, day_ms`,
      ),
      this.d.rows<Json>(
        sql`SELECT key_id, intDiv(ts_ms, ${DAY_MS}) * ${DAY_MS} AS day_ms, sum(repeat) AS n FROM
              (SELECT request_id, code, key_id, ts_ms, argMax(repeat, version) AS repeat FROM ${raw(this.d.futile)}
                WHERE ${and([sql`ts_ms >= ${from}`, sql`ts_ms < ${to}`, this.keyFilter(q.keys)])} GROUP BY request_id, code, key_id, ts_ms)
            GROUP BY key_id, day_ms HAVING n > 0`,
      ),
      this.d.rows<Json>(
        sql`SELECT key_id, bucket_ms AS day_ms, sumIf(count, code = 'idempotency_key_mismatch') AS mismatch, sumIf(count, code = 'idempotency_key_in_progress') AS in_progress
            FROM ${raw(this.d.rollupKeyDay)}
            WHERE ${and([sql`bucket_ms >= ${from}`, sql`bucket_ms < ${to}`, sql`key_id != ''`, sql`code IN ('idempotency_key_mismatch', 'idempotency_key_in_progress')`, this.keyFilter(q.keys)])}
            GROUP BY key_id, bucket_ms`,
      ),
    ]);
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
    for (const l of limits) {
      Object.assign(row(l.key_id as string, n(l.day_ms)), {
        limited: n(l.limited),
        honoured: n(l.honoured),
        early: n(l.early),
        immediate: n(l.immediate),
        abandoned: n(l.abandoned),
        pending: n(l.pending),
        storms: n(l.storms),
      });
    }
    for (const x of futile) row(x.key_id as string, n(x.day_ms)).futile_retries = n(x.n);
    for (const x of idem) {
      const r = row(x.key_id as string, n(x.day_ms));
      r.idempotency_mismatch = n(x.mismatch);
      r.idempotency_in_progress = n(x.in_progress);
    }
    return [...out.values()].sort((a, b) => a.day_ms - b.day_ms || (a.key_id < b.key_id ? -1 : a.key_id > b.key_id ? 1 : 0));
  }

  private toLimitRecord(r: Json, now: number): LimitRecord {
    const ts_ms = n(r.ts_ms);
    const pendingOr = (c: string) => (c === 'abandoned' && now - ts_ms < ABANDON_MS ? 'pending' : c) as LimitRecord['retry_class'];
    const nextAny = nn(r.next_any_ts_ms);
    const nextRoute = nn(r.next_route_ts_ms);
    return {
      request_id: r.request_id as string,
      code: r.code as string,
      key_id: r.key_id as string,
      ts_ms,
      status: n(r.status),
      route: r.route === '' ? null : (r.route as string),
      retry_after_ms: n(r.retry_after_ms),
      retry_class: pendingOr(r.class_any as string),
      next_request_id: (r.next_any_request_id as string | null) ?? null,
      next_gap_ms: nextAny === null ? null : nextAny - ts_ms,
      retry_class_same_route: pendingOr(r.class_route as string),
      next_same_route_request_id: (r.next_route_request_id as string | null) ?? null,
      next_same_route_gap_ms: nextRoute === null ? null : nextRoute - ts_ms,
      requests_before: n(r.before_n),
      requests_after: n(r.after_n),
      storm: n(r.storm) === 1,
    };
  }

  async limits(q: LimitQuery): Promise<LimitRecord[]> {
    const conds: (Sql | undefined)[] = [];
    if (q.retry_class && q.retry_class.length > 0) {
      const stored = [...new Set(q.retry_class.map((c) => (c === 'pending' ? 'abandoned' : c)))];
      conds.push(sql`class_any IN (${join(stored.map((c) => sql`${c}`), ', ')})`);
      // abandoned and pending are one stored class told apart by age.
      const wantAbandoned = q.retry_class.includes('abandoned');
      const wantPending = q.retry_class.includes('pending');
      if (wantAbandoned !== wantPending) {
        conds.push(wantPending ? sql`(class_any != 'abandoned' OR ts_ms > ${q.now - ABANDON_MS})` : sql`(class_any != 'abandoned' OR ts_ms <= ${q.now - ABANDON_MS})`);
      }
    }
    if (q.storm_only) conds.push(raw('storm = 1'));
    const b = q.before;
    const before = b ? sql`(ts_ms < ${b.ts_ms} OR (ts_ms = ${b.ts_ms} AND (request_id < ${b.request_id} OR (request_id = ${b.request_id} AND code < ${b.code}))))` : undefined;
    // As the SQLite store orders them: a missing successor last, every order ending on the record's identity.
    const order =
      q.order === 'fastest'
        ? 'ORDER BY isNull(next_any_ts_ms), next_any_ts_ms - ts_ms ASC, ts_ms DESC, request_id DESC, code DESC'
        : q.order === 'largest_storm'
          ? 'ORDER BY after_n DESC, ts_ms DESC, request_id DESC, code DESC'
          : 'ORDER BY ts_ms DESC, request_id DESC, code DESC';
    const rows = await this.d.rows<Json>(
      sql`SELECT * FROM ${this.latestLimits(q.from, q.to, q.keys, before)} WHERE ${and(conds)} ${raw(order)} LIMIT ${q.limit}`,
    );
    return rows.map((r) => this.toLimitRecord(r, q.now));
  }

  /** The latest limit facts matching a RetryClassCountQuery (the limit's own columns). */
  private matchingLimits(q: RetryClassCountQuery): Sql {
    const list = (col: string, values: readonly string[] | undefined) =>
      values && values.length > 0 ? sql`${raw(col)} IN (${join(values.map((v) => sql`${v}`), ', ')})` : undefined;
    const statuses =
      q.statuses && q.statuses.length > 0
        ? sql`(${join(q.statuses.map((s) => (s.kind === 'status' ? sql`status = ${s.status}` : sql`(status >= ${s.class * 100} AND status < ${s.class * 100 + 100})`)), ' OR ')})`
        : undefined;
    return this.latestLimits(q.from, q.to, q.keys, and([list('route', q.routes), list('code', q.codes), statuses]));
  }

  async retryClassCounts(q: RetryClassCountQuery): Promise<RetryClassCount[]> {
    const rows = await this.d.rows<Json>(
      sql`SELECT if(class_any = 'abandoned' AND ts_ms > ${q.now - ABANDON_MS}, 'pending', class_any) AS retry_class, count() AS limits
          FROM ${this.matchingLimits(q)} GROUP BY retry_class`,
    );
    const by = new Map(rows.map((r) => [r.retry_class as string, n(r.limits)]));
    return RETRY_CLASS_VALUES.filter((c) => (by.get(c) ?? 0) > 0).map((c) => ({ retry_class: c, limits: by.get(c)! }));
  }

  /** Storm limits per key, by key_id. */
  async retryStormCounts(q: RetryClassCountQuery): Promise<RetryStormCount[]> {
    const rows = await this.d.rows<Json>(sql`SELECT key_id, count() AS storms FROM ${this.matchingLimits(q)} WHERE storm = 1 GROUP BY key_id ORDER BY key_id`);
    return rows.map((r) => ({ key_id: r.key_id as string, storms: n(r.storms) }));
  }

  async limit(request_id: string, code: string, now: number): Promise<LimitRecord | null> {
    const rows = await this.d.rows<Json>(
      sql`SELECT ${raw(LIMIT_LATEST)} FROM ${raw(this.d.limits)} WHERE request_id = ${request_id} AND code = ${code} GROUP BY ${raw(LIMIT_KEY)}`,
    );
    return rows[0] ? this.toLimitRecord(rows[0], now) : null;
  }

  private latestFutile(q: BehaviourQuery & { codes?: readonly string[] }): Sql {
    const codes = q.codes && q.codes.length > 0 ? sql`code IN (${join(q.codes.map((c) => sql`${c}`), ', ')})` : undefined;
    return sql`(SELECT request_id, code, key_id, ts_ms, route, argMax(repeat, version) AS repeat FROM ${raw(this.d.futile)}
      WHERE ${and([sql`ts_ms >= ${q.from}`, sql`ts_ms < ${q.to}`, this.keyFilter(q.keys), codes])} GROUP BY request_id, code, key_id, ts_ms, route)`;
  }

  async futileRepeats(q: FutileQuery): Promise<FutileRepeat[]> {
    const rows = await this.d.rows<Json>(sql`SELECT request_id, code, key_id, ts_ms, route FROM ${this.latestFutile(q)} WHERE repeat = 1 ORDER BY ts_ms DESC LIMIT ${q.limit}`);
    return rows.map((r) => ({
      request_id: r.request_id as string,
      code: r.code as string,
      key_id: r.key_id as string,
      ts_ms: n(r.ts_ms),
      route: r.route === '' ? null : (r.route as string),
    }));
  }

  async countFutileRepeats(key_id: string, code: string, from: number, to: number): Promise<number> {
    const [r] = await this.d.rows<Json>(
      sql`SELECT count() AS c FROM ${this.latestFutile({ from, to, now: 0, keys: [key_id], codes: [code] })} WHERE repeat = 1`,
    );
    return n(r?.c ?? 0);
  }

  async countKeyRequestsBetween(key_id: string, from_exclusive: number, to: number): Promise<number> {
    const [r] = await this.d.rows<Json>(
      sql`SELECT count() AS c FROM ${raw(this.d.requestsByKey)} WHERE key_value = ${key_id} AND ts_ms > ${from_exclusive} AND ts_ms <= ${to}`,
    );
    return n(r?.c ?? 0);
  }

  async idempotencyChain(idempotency_key: string): Promise<ChainRows> {
    const rows = await this.d.rows<Json>(
      sql`SELECT request_id, code, ts_ms, status, key_id, route, request_fingerprint, idempotent_replayed FROM ${raw(this.d.requestsByIdempotencyKey)}
          WHERE idempotency_key = ${idempotency_key} ORDER BY ts_ms, request_id, code LIMIT ${MAX_CHAIN + 1}`,
    );
    return {
      rows: rows.slice(0, MAX_CHAIN).map((r) => ({
        request_id: r.request_id as string,
        code: r.code as string,
        ts_ms: n(r.ts_ms),
        status: n(r.status),
        key_id: (r.key_id as string | null) ?? null,
        route: (r.route as string | null) ?? null,
        request_fingerprint: (r.request_fingerprint as string | null) ?? null,
        idempotent_replayed: r.idempotent_replayed === null || r.idempotent_replayed === undefined ? null : n(r.idempotent_replayed) === 1,
      })),
      truncated: rows.length > MAX_CHAIN,
    };
  }

  async hasIdempotencyKey(idempotency_key: string): Promise<boolean> {
    const rows = await this.d.rows<Json>(sql`SELECT 1 AS ok FROM ${raw(this.d.requestsByIdempotencyKey)} WHERE idempotency_key = ${idempotency_key} LIMIT 1`);
    return rows.length > 0;
  }
}
