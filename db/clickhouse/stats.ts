// Summary, breakdown and series for the ClickHouse store: the same plan as db/queries/stats.ts (planSegments: whole
// days and hours from rollups, minutes from rollup_minute, the rest raw), the same counts, breakdowns and series
// (db/stats-counts.ts, breakdownShaping and timeseriesShaping) and the same error-rate rule (lib/error-rate.ts), so
// every answer is identical; only the SQL of one source read differs. Rollups are SummingMergeTree tables that may
// hold unmerged rows: every read sums.
import { populationOf } from '@/lib/error-rate';
import { LIST_FILTER_FIELDS, type BreakdownDimension, type Filters, type Interval, type ListFilterField } from '@/lib/filters';
import { DAY_MS, HOUR_MS } from '@/lib/time-buckets';
import { breakdownShaping, planSegments, summaryShaping, timeseriesShaping, withAllFailed, type Segment } from '../queries/stats';
import {
  addInto,
  bump,
  countsOf,
  ERROR_ONLY_FILTERS,
  filterDims,
  foldRows,
  num,
  SEP,
  ZERO,
  type AggCounts,
  type AggRow,
  type AggSpec,
  type BaseDim,
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
      foldRows(out, rows);
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

  /** The first request of the population in [lo, hi): "all 312 requests failed since …". */
  private async firstRequestMs(filters: Filters, lo: number, hi: number): Promise<number> {
    const conds = [sql`ts_ms >= ${lo}`, sql`ts_ms < ${hi}`, ...filterConditions(RAW_COLS, populationOf(filters))];
    const rows = await this.query<{ n: unknown; t: unknown }>(sql`SELECT count() AS n, min(ts_ms) AS t FROM ${raw(this.table('requests'))} WHERE ${and(conds)}`);
    return rows.length && num(rows[0].n) > 0 ? num(rows[0].t) : lo;
  }

  async summary(filters: Filters): Promise<Summary> {
    const { summary, allFailed } = await shapeAsync(summaryShaping(filters), (r) => this.aggregate(r.filters, r.lo, r.hi, r.spec));
    return withAllFailed(summary, allFailed, allFailed === null ? null : await this.firstRequestMs(filters, filters.from, filters.to));
  }

  async breakdown(filters: Filters, opts: { by: BreakdownDimension; limit?: number }): Promise<Breakdown> {
    return shapeAsync(breakdownShaping(filters, opts), (r) => this.aggregate(r.filters, r.lo, r.hi, r.spec));
  }


  async timeseries(filters: Filters, opts: { interval?: Interval | 'auto'; by?: BreakdownDimension | null; limit?: number } = {}): Promise<Timeseries> {
    return shapeAsync(timeseriesShaping(filters, opts), (r) => this.aggregate(r.filters, r.lo, r.hi, r.spec));
  }

}
