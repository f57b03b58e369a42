// Summary, breakdown and series for the ClickHouse store: the same plan as db/queries/stats.ts (planSegments: whole
// days and hours from rollups, minutes from rollup_minute, the rest raw), the same counts, breakdowns and series
// (db/stats-counts.ts, breakdownShaping and timeseriesShaping) and the same error-rate rule (lib/error-rate.ts), so
// every answer is identical; only the SQL of one source read differs. Rollups are SummingMergeTree tables that may
// hold unmerged rows: every read sums.
import { describeNoSuccesses, errorRate, hasPopulationFilters, populationOf } from '@/lib/error-rate';
import { LIST_FILTER_FIELDS, type BreakdownDimension, type Filters, type Interval, type ListFilterField } from '@/lib/filters';
import { ceilTo, DAY_MS, floorTo, HOUR_MS } from '@/lib/time-buckets';
import { breakdownShaping, planSegments, timeseriesShaping, type Segment } from '../queries/stats';
import {
  addInto,
  bump,
  countsOf,
  ERROR_ONLY_FILTERS,
  filterDims,
  metric,
  NO_FILTERS,
  num,
  SEP,
  ZERO,
  type AggCounts,
  type AggRow,
  type AggSpec,
  type BaseDim,
  type PeriodKpis,
  shapeAsync,
} from '../stats-counts';
import type { Breakdown, Summary, Timeseries } from '../types';
import { and, join, raw, sql, type Sql } from './sql';

/** The SQLite planner's sources (planSegments), each mapped to a ClickHouse table below. */
type SourceName = Segment['source'];

interface Source {
  table: string;
  ts: string;
  count: string;
  cols: Partial<Record<BaseDim, string>>;
  /** Raw columns are Nullable: grouping maps NULL to ''. */
  nullable: boolean;
}

/** The columns of `requests` behind each filter (db/queries/filter-sql.ts RAW_COLUMNS on SQLite). */
export const RAW_COLS: Partial<Record<BaseDim, string>> = {
  status: 'status',
  code: 'code',
  tier: 'tier',
  key: 'key_id',
  account: 'account_id',
  route: 'route',
  method: 'method',
  reason: 'reason',
  idempotency_key: 'idempotency_key',
  user_agent: 'user_agent',
};

const HOUR_SOURCE: Source = {
  table: 'rollup_hour',
  ts: 'bucket_ms',
  count: 'count',
  cols: { status: 'status', code: 'code', tier: 'tier', reason: 'reason', route: 'route', method: 'method' },
  nullable: false,
};

const SOURCES: Record<SourceName, Source> = {
  raw: { table: 'requests', ts: 'ts_ms', count: '1', cols: RAW_COLS, nullable: true },
  minute: { table: 'rollup_minute', ts: 'bucket_ms', count: 'count', cols: { status: 'status', code: 'code', tier: 'tier', reason: 'reason' }, nullable: false },
  // No code_hour or day rollup in ClickHouse: those hours and days are summed from rollup_hour, fast enough there.
  code_hour: HOUR_SOURCE,
  hour: HOUR_SOURCE,
  day: HOUR_SOURCE,
  key_hour: {
    table: 'rollup_key_hour',
    ts: 'bucket_ms',
    count: 'count',
    cols: { status: 'status', code: 'code', tier: 'tier', reason: 'reason', key: 'key_id', account: 'account_id' },
    nullable: false,
  },
  key_day: {
    table: 'rollup_key_day',
    ts: 'bucket_ms',
    count: 'count',
    cols: { status: 'status', code: 'code', tier: 'tier', reason: 'reason', key: 'key_id', account: 'account_id' },
    nullable: false,
  },
};

export type Query = <T>(q: Sql) => Promise<T[]>;

/** Conditions for the active dimension filters on a source's columns (the same rules as db/queries/filter-sql.ts). */
export function filterConditions(cols: Partial<Record<BaseDim, string>>, filters: Pick<Filters, 'status' | ListFilterField>): Sql[] {
  const out: Sql[] = [];
  if (filters.status.length) {
    const status = raw(cols.status!);
    const parts: Sql[] = [];
    for (const s of filters.status) if (s.kind === 'class') parts.push(sql`(${status} >= ${s.class * 100} AND ${status} < ${s.class * 100 + 100})`);
    const exact = filters.status.flatMap((s) => (s.kind === 'status' ? [s.status] : []));
    if (exact.length) parts.push(sql`${status} IN (${join(exact.map((n) => sql`${n}`), ', ')})`);
    out.push(join(parts, ' OR '));
  }
  for (const field of LIST_FILTER_FIELDS) {
    const values = filters[field];
    if (values.length === 0) continue;
    const col = cols[field];
    if (!col) throw new Error(`source cannot filter on ${field}`);
    out.push(sql`${raw(col)} IN (${join(values.map((v) => sql`${v}`), ', ')})`);
  }
  return out;
}

function covers(src: Source, dims: ReadonlySet<BaseDim>): boolean {
  for (const d of dims) if (!src.cols[d]) return false;
  return true;
}

/** The aggregate reads of one store: `table(name)` is the (Distributed) table to read. */
export class ClickHouseStats {
  constructor(
    private readonly query: Query,
    private readonly table: (name: string) => string,
  ) {}

  /** One grouped pass: the population's filters in WHERE, the error filters inside the sums (lib/error-rate.ts). */
  private async querySource(src: Source, filters: Filters, lo: number, hi: number, spec: AggSpec): Promise<AggRow[]> {
    const ts = raw(src.ts);
    const bucket = spec.interval_ms ? sql`intDiv(${ts}, ${spec.interval_ms}) * ${spec.interval_ms}` : raw('0');
    const value = spec.byClass ? raw(`toString(intDiv(${src.cols.status!}, 100) * 100)`) : spec.dim ? (src.nullable && spec.dim !== 'status' ? raw(`ifNull(${src.cols[spec.dim]!}, '')`) : raw(`toString(${src.cols[spec.dim]!})`)) : raw("''");
    const where = spec.errorsOnly ? filters : populationOf(filters);
    const conds: Sql[] = [sql`${ts} >= ${lo}`, sql`${ts} < ${hi}`, ...filterConditions(src.cols, where)];
    if (spec.errorsOnly) conds.push(raw(`${src.cols.status!} >= 400`));
    if (spec.dim && spec.only) {
      const col = raw(src.cols[spec.dim]!);
      const values = spec.only.filter((x) => x !== '');
      const parts: Sql[] = [];
      if (values.length) parts.push(spec.dim === 'status' ? sql`${col} IN (${join(values.map((v) => sql`${Number(v)}`), ', ')})` : sql`${col} IN (${join(values.map((v) => sql`${v}`), ', ')})`);
      if (spec.only.includes('')) parts.push(src.nullable ? sql`(isNull(${col}) OR ${col} = '')` : sql`${col} = ''`);
      conds.push(parts.length ? join(parts, ' OR ') : raw('0'));
    }
    const count = raw(src.count);
    const failed = raw(`${src.cols.status!} >= 400`);
    const failures = sql`sum(if(${failed}, ${count}, 0))`;
    let errors = failures;
    let records = sql`sum(${count})`;
    const errConds = spec.errorsOnly ? [] : filterConditions(src.cols, ERROR_ONLY_FILTERS(filters));
    if (errConds.length) {
      const match = and(errConds);
      errors = sql`sum(if(${failed} AND ${match}, ${count}, 0))`;
      records = sql`sum(if(${match}, ${count}, 0))`;
    }
    return this.query<AggRow>(
      sql`SELECT ${bucket} AS b, ${value} AS v, sum(${count}) AS requests, ${errors} AS errors, ${failures} AS failures, ${records} AS records
          FROM ${raw(this.table(src.table))} WHERE ${and(conds)} GROUP BY b, v`,
    );
  }

  private async aggregate(filters: Filters, lo: number, hi: number, spec: AggSpec): Promise<Map<string, AggCounts>> {
    const dims = filterDims(filters);
    if (spec.dim) dims.add(spec.dim);
    const iv = spec.interval_ms;
    const finest = iv === undefined || iv % DAY_MS === 0 ? 'day' : iv < HOUR_MS ? 'minute' : 'hour';
    const out = new Map<string, AggCounts>();
    const keyless = filters.key.length === 0 && filters.account.length === 0;
    const segments = planSegments(lo, hi, dims, finest);
    // The segments are independent reads: ClickHouse answers them in parallel.
    const results = await Promise.all(segments.map((seg) => this.querySource(SOURCES[seg.source], filters, seg.from, seg.to, spec)));
    for (let i = 0; i < segments.length; i++) {
      const seg = segments[i];
      const rows = results[i];
      for (const r of rows) bump(out, `${num(r.b)}${SEP}${String(r.v)}`, countsOf(r));
      if (seg.source === 'key_hour' && keyless && !spec.errorsOnly && (spec.dim === 'key' || spec.dim === 'account')) {
        if (spec.only && !spec.only.includes('')) continue;
        const perBucket = { interval_ms: spec.interval_ms };
        const keyed = new Map<number, AggCounts>();
        for (const r of spec.only ? await this.querySource(SOURCES.key_hour, filters, seg.from, seg.to, perBucket) : rows) {
          const c = keyed.get(num(r.b)) ?? ZERO();
          addInto(c, countsOf(r));
          keyed.set(num(r.b), c);
        }
        for (const r of await this.querySource(SOURCES.hour, filters, seg.from, seg.to, perBucket)) {
          const k = keyed.get(num(r.b)) ?? ZERO();
          const all = countsOf(r);
          const rest: AggCounts = {
            requests: all.requests - k.requests,
            errors: all.errors - k.errors,
            failures: all.failures - k.failures,
            records: all.records - k.records,
          };
          if (rest.requests > 0) bump(out, `${num(r.b)}${SEP}`, rest);
        }
      }
    }
    return out;
  }

  private async periodKpis(filters: Filters, lo: number, hi: number): Promise<PeriodKpis> {
    const k: PeriodKpis = { ...ZERO(), errors_4xx: 0, errors_5xx: 0, keys_with_errors: 0 };
    const errorKeys = new Set<string>();
    const addStatus = (status: number, c: AggCounts) => {
      addInto(k, c);
      if (status >= 400 && status < 500) k.errors_4xx += c.errors;
      if (status >= 500) k.errors_5xx += c.errors;
    };
    const d1 = ceilTo(lo, DAY_MS);
    const d2 = floorTo(hi, DAY_MS);
    const rest: [number, number][] = [[lo, hi]];
    if (d1 < d2 && covers(SOURCES.key_day, filterDims(filters))) {
      const src = SOURCES.key_day;
      const errConds = filterConditions(src.cols, ERROR_ONLY_FILTERS(filters));
      const m = errConds.length ? sql`sum(if(${and(errConds)}, count, 0))` : raw('sum(count)');
      const rows = await this.query<{ v: unknown; s: unknown; n: unknown; m: unknown }>(
        sql`SELECT key_id AS v, status AS s, sum(count) AS n, ${m} AS m FROM ${raw(this.table(src.table))}
            WHERE ${and([sql`bucket_ms >= ${d1}`, sql`bucket_ms < ${d2}`, ...filterConditions(src.cols, populationOf(filters))])} GROUP BY v, s`,
      );
      for (const r of rows) {
        const status = num(r.s);
        const n = num(r.n);
        const matching = num(r.m);
        const failed = status >= 400;
        addStatus(status, { requests: n, failures: failed ? n : 0, errors: failed ? matching : 0, records: matching });
        if (failed && matching > 0 && r.v !== '') errorKeys.add(String(r.v));
      }
      rest.splice(0, 1, [lo, d1], [d2, hi]);
    }
    for (const [a, b] of rest) {
      if (a >= b) continue;
      const [byStatus, byKey] = await Promise.all([
        this.aggregate(filters, a, b, { dim: 'status' }),
        this.aggregate(filters, a, b, { dim: 'key', errorsOnly: true }),
      ]);
      for (const [key, c] of byStatus) addStatus(Number(key.split(SEP)[1]), c);
      for (const [key, c] of byKey) {
        const v = key.split(SEP)[1];
        if (c.errors > 0 && v !== '') errorKeys.add(v);
      }
    }
    k.keys_with_errors = errorKeys.size;
    return k;
  }

  /** Requests and failures of the whole range, no filter at all: consulted only when a population has no successes. */
  private async everything(filters: Filters, lo: number, hi: number): Promise<AggCounts> {
    const c = ZERO();
    for (const v of (await this.aggregate(NO_FILTERS(filters), lo, hi, {})).values()) addInto(c, v);
    return c;
  }

  private async periodState(filters: Filters, k: PeriodKpis, lo: number, hi: number) {
    // describeNoSuccesses is synchronous: read the unfiltered range first only when it will be consulted.
    const needs = k.failures > 0 && k.requests <= k.failures && hasPopulationFilters(filters);
    const all = needs ? await this.everything(filters, lo, hi) : k;
    const state = describeNoSuccesses(k, () => all);
    return { state, rate: state.kind === 'no_totals' ? null : errorRate(k) };
  }

  /** The first request of the population in [lo, hi): "all 312 requests failed since …". */
  private async firstRequestMs(filters: Filters, lo: number, hi: number): Promise<number> {
    const conds = [sql`ts_ms >= ${lo}`, sql`ts_ms < ${hi}`, ...filterConditions(RAW_COLS, populationOf(filters))];
    const rows = await this.query<{ n: unknown; t: unknown }>(sql`SELECT count() AS n, min(ts_ms) AS t FROM ${raw(this.table('requests'))} WHERE ${and(conds)}`);
    return rows.length && num(rows[0].n) > 0 ? num(rows[0].t) : lo;
  }

  async summary(filters: Filters): Promise<Summary> {
    const len = filters.to - filters.from;
    const [cur, prev] = await Promise.all([this.periodKpis(filters, filters.from, filters.to), this.periodKpis(filters, filters.from - len, filters.from)]);
    const [c, p] = await Promise.all([this.periodState(filters, cur, filters.from, filters.to), this.periodState(filters, prev, filters.from - len, filters.from)]);
    let all_failed: Summary['all_failed'] = null;
    if (c.state.kind === 'all_failed') {
      const since_ms = await this.firstRequestMs(filters, filters.from, filters.to);
      all_failed = { requests: c.state.requests, since: new Date(since_ms).toISOString(), since_ms };
    }
    return {
      from: new Date(filters.from).toISOString(),
      to: new Date(filters.to).toISOString(),
      from_ms: filters.from,
      to_ms: filters.to,
      previous_from_ms: filters.from - len,
      previous_to_ms: filters.from,
      requests: metric(cur.requests, prev.requests),
      errors: metric(cur.errors, prev.errors),
      error_rate: metric(c.rate, p.rate),
      errors_4xx: metric(cur.errors_4xx, prev.errors_4xx),
      errors_5xx: metric(cur.errors_5xx, prev.errors_5xx),
      keys_with_errors: metric(cur.keys_with_errors, prev.keys_with_errors),
      no_totals: c.state.kind === 'no_totals',
      previous_no_totals: p.state.kind === 'no_totals',
      all_failed,
    };
  }

  async breakdown(filters: Filters, opts: { by: BreakdownDimension; limit?: number }): Promise<Breakdown> {
    return shapeAsync(breakdownShaping(filters, opts), (r) => this.aggregate(r.filters, r.lo, r.hi, r.spec));
  }


  async timeseries(filters: Filters, opts: { interval?: Interval | 'auto'; by?: BreakdownDimension | null; limit?: number } = {}): Promise<Timeseries> {
    return shapeAsync(timeseriesShaping(filters, opts), (r) => this.aggregate(r.filters, r.lo, r.hi, r.spec));
  }

}
