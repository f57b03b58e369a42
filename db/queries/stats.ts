// Counts for KPIs, breakdowns and series, read from rollups (exact: whole UTC days from rollup_day or rollup_key_day,
// whole hours from hourly rollups, partial hours from rollup_minute or raw rows). Counting follows lib/error-rate.ts:
// population filters in WHERE, error filters inside the sums, so one pass gives requests and matching errors. The
// counts' arithmetic and the rows they make are shared with the ClickHouse store (db/stats-counts.ts).
import { and, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from '../client';
import { requests, rollupCodeHour, rollupDay, rollupHour, rollupKeyDay, rollupKeyHour, rollupMinute } from '../schema';
import { ValidationError } from '@/lib/api-error';
import { describeNoSuccesses, errorRate, hasPopulationFilters, isErrorDimension, populationOf, rowShareBase } from '@/lib/error-rate';
import type { Breakdown, BreakdownRow, Counts, Summary, Timeseries, TimeseriesBucket } from '@/lib/api-types';
import type { BreakdownDimension, Filters, Interval } from '@/lib/filters';
import { bucketStarts, ceilTo, chooseBucket, DAY_MS, floorTo, HOUR_MS, MINUTE_MS } from '@/lib/time-buckets';
import { OTHER_GROUP } from '@/lib/groups';
import { dimensionConditions, RAW_COLUMNS, rawFilterConditions, type FilterColumns } from './filter-sql';
import {
  addInto,
  baseDim,
  bump,
  groupSpec,
  countsOf,
  ERROR_ONLY_FILTERS,
  filterDims,
  foldRows,
  groupedCounts,
  metric,
  MINUTE_ROLLUP_DIMS,
  NO_FILTERS,
  num,
  ONE_PASS_DIMS,
  SEP,
  sumCounts,
  toRow,
  wireValue,
  ZERO,
  type AggCounts,
  type AggRow,
  shapeSync,
  type AggRead,
  type AggSpec,
  type BaseDim,
  type Grouped,
  type PeriodKpis,
  type Shaping,
} from '../stats-counts';

/** A minute series whose filters no minute rollup covers (route, method, key, account) reads raw rows: at most 6 h. */
export const RAW_MINUTE_MAX_MS = 6 * HOUR_MS;

type SourceName = 'raw' | 'minute' | 'code_hour' | 'hour' | 'day' | 'key_hour' | 'key_day';

interface Source {
  name: SourceName;
  table: SQLiteTable;
  ts: SQLiteColumn;
  /** Records a row stands for. */
  count: SQL;
  grain: number;
  cols: FilterColumns;
  /** The expression to group by: '' for a missing value everywhere. */
  group(d: BaseDim): SQL;
}

const rollupSource = (
  name: SourceName,
  table: typeof rollupMinute | typeof rollupCodeHour | typeof rollupHour | typeof rollupDay | typeof rollupKeyHour | typeof rollupKeyDay,
  grain: number,
  cols: FilterColumns,
): Source => ({
  name,
  table,
  ts: table.bucket_ms,
  count: sql`${table.count}`,
  grain,
  cols,
  group: (d) => sql`${cols[d]!}`,
});

const SOURCES: Record<SourceName, Source> = {
  raw: {
    name: 'raw',
    table: requests,
    ts: requests.ts_ms,
    count: sql`1`,
    grain: 1,
    cols: RAW_COLUMNS,
    group: (d) => (d === 'status' ? sql`${requests.status}` : sql`coalesce(${RAW_COLUMNS[d]!}, '')`),
  },
  minute: rollupSource('minute', rollupMinute, MINUTE_MS, {
    status: rollupMinute.status,
    code: rollupMinute.code,
    tier: rollupMinute.tier,
    reason: rollupMinute.reason,
  }),
  code_hour: rollupSource('code_hour', rollupCodeHour, HOUR_MS, {
    status: rollupCodeHour.status,
    code: rollupCodeHour.code,
    tier: rollupCodeHour.tier,
    reason: rollupCodeHour.reason,
  }),
  hour: rollupSource('hour', rollupHour, HOUR_MS, {
    status: rollupHour.status,
    code: rollupHour.code,
    tier: rollupHour.tier,
    reason: rollupHour.reason,
    route: rollupHour.route,
    method: rollupHour.method,
  }),
  day: rollupSource('day', rollupDay, DAY_MS, {
    status: rollupDay.status,
    code: rollupDay.code,
    tier: rollupDay.tier,
    reason: rollupDay.reason,
    route: rollupDay.route,
    method: rollupDay.method,
  }),
  key_hour: rollupSource('key_hour', rollupKeyHour, HOUR_MS, {
    status: rollupKeyHour.status,
    code: rollupKeyHour.code,
    tier: rollupKeyHour.tier,
    reason: rollupKeyHour.reason,
    key: rollupKeyHour.key_id,
    account: rollupKeyHour.account_id,
  }),
  key_day: rollupSource('key_day', rollupKeyDay, DAY_MS, {
    status: rollupKeyDay.status,
    code: rollupKeyDay.code,
    tier: rollupKeyDay.tier,
    reason: rollupKeyDay.reason,
    key: rollupKeyDay.key_id,
    account: rollupKeyDay.account_id,
  }),
};

function covers(src: Source, dims: ReadonlySet<BaseDim>): boolean {
  for (const d of dims) if (!src.cols[d]) return false;
  return true;
}

export interface Segment {
  source: SourceName;
  from: number;
  to: number;
}

/**
 * Splits [from, to) into pieces each served by the smallest source that covers `dims` at that alignment: whole UTC
 * days from rollup_day or, for per-key counts, rollup_key_day (when `finest` is 'day': the caller needs no bucket
 * below a day), whole hours from the narrowest hourly rollup that has the dimensions, whole minutes of the edge
 * hours from rollup_minute, the rest from raw rows.
 */
export function planSegments(
  from: number,
  to: number,
  dims: ReadonlySet<BaseDim>,
  finest: 'minute' | 'hour' | 'day' = 'hour',
): Segment[] {
  const minuteOk = covers(SOURCES.minute, dims);
  const hourly = finest !== 'minute' ? (['code_hour', 'hour', 'key_hour'] as const).find((s) => covers(SOURCES[s], dims)) : undefined;
  const out: Segment[] = [];
  const add = (source: SourceName, lo: number, hi: number) => {
    if (lo < hi) out.push({ source, from: lo, to: hi });
  };
  const edge = (lo: number, hi: number) => {
    const m1 = ceilTo(lo, MINUTE_MS);
    const m2 = floorTo(hi, MINUTE_MS);
    if (!minuteOk || m1 >= m2) return add('raw', lo, hi);
    add('raw', lo, m1);
    add('minute', m1, m2);
    add('raw', m2, hi);
  };
  if (!hourly) {
    if (finest === 'minute' || minuteOk) edge(from, to);
    else add('raw', from, to);
    return out;
  }
  const h1 = ceilTo(from, HOUR_MS);
  const h2 = floorTo(to, HOUR_MS);
  if (h1 >= h2) {
    edge(from, to);
    return out;
  }
  edge(from, h1);
  const d1 = ceilTo(h1, DAY_MS);
  const d2 = floorTo(h2, DAY_MS);
  if (finest === 'day' && d1 < d2) {
    add(hourly, h1, d1);
    // rollup_day covers every dimension of rollup_code_hour and rollup_hour, in fewer rows for whole days.
    add(hourly === 'key_hour' ? 'key_day' : 'day', d1, d2);
    add(hourly, d2, h2);
  } else add(hourly, h1, h2);
  edge(h2, to);
  return out;
}

/**
 * One grouped pass over a source: the population's filters in WHERE, the error filters inside the sums (the rule of
 * lib/error-rate.ts), so requests count the population and errors only the matching failures.
 */
function querySource(db: Db, src: Source, filters: Filters, lo: number, hi: number, spec: AggSpec): AggRow[] {
  // Buckets of the source's own grain are its rows' bucket_ms: grouping by the primary key's first column (not an
  // expression of it) lets SQLite group in index order instead of sorting every row first.
  const iv = spec.interval_ms;
  const bucket = !iv ? sql`0` : iv === src.grain ? sql`${src.ts}` : sql`(${src.ts} / ${sql.raw(String(iv))}) * ${sql.raw(String(iv))}`;
  const value = spec.dim ? src.group(spec.dim) : sql`''`;
  const where = spec.errorsOnly ? filters : populationOf(filters);
  const conds: (SQL | undefined)[] = [gte(src.ts, lo), lt(src.ts, hi), ...dimensionConditions(src.cols, where)];
  if (spec.errorsOnly) conds.push(gte(src.cols.status, 400));
  if (spec.dim && spec.only) {
    const col = src.cols[spec.dim]!;
    const values = spec.only.filter((x) => x !== '');
    const parts: SQL[] = [];
    if (values.length) parts.push(spec.dim === 'status' ? inArray(col, values.map(Number)) : inArray(col, values));
    if (spec.only.includes('')) parts.push(src.name === 'raw' ? sql`(${col} IS NULL OR ${col} = '')` : sql`${col} = ''`);
    conds.push(parts.length ? sql`(${sql.join(parts, sql` OR `)})` : sql`0`);
  }
  const failed = sql`${src.cols.status} >= 400`;
  const failures = sql`sum(CASE WHEN ${failed} THEN ${src.count} ELSE 0 END)`;
  // Without error filters, errors are the failures and records the requests (countsOf): two sums fewer per row.
  let matching = sql``;
  const errConds = spec.errorsOnly ? [] : dimensionConditions(src.cols, ERROR_ONLY_FILTERS(filters));
  if (errConds.length) {
    const match = and(...errConds)!;
    matching = sql`, sum(CASE WHEN ${failed} AND ${match} THEN ${src.count} ELSE 0 END) AS errors, sum(CASE WHEN ${match} THEN ${src.count} ELSE 0 END) AS records`;
  }
  const grouped = sql`SELECT ${bucket} AS b, ${value} AS v, sum(${src.count}) AS requests, ${failures} AS failures${matching}
        FROM ${src.table} WHERE ${and(...conds)} GROUP BY 1, 2`;
  if (!spec.byClass) return db.all<AggRow>(grouped);
  // Statuses fold into classes over the grouped rows: grouping the table by the class expression would sort every
  // rollup row instead of walking the primary key in order.
  return db.all<AggRow>(
    sql`SELECT b, (v / 100) * 100 AS v, sum(requests) AS requests, sum(failures) AS failures${errConds.length ? sql`, sum(errors) AS errors, sum(records) AS records` : sql``}
        FROM (${grouped}) GROUP BY 1, 2`,
  );
}

/**
 * Exact counts over [lo, hi) keyed `${bucket}\u0001${value}` (bucket 0 without an interval, value '' when missing).
 * rollup_key_hour only holds records with a key or account: grouping by them adds the rest to the '' group
 * (rollup_key_day holds every record, keyless ones under ('', ''), so its rows already have it).
 */
function aggregate(db: Db, filters: Filters, lo: number, hi: number, spec: AggSpec): Map<string, AggCounts> {
  const dims = filterDims(filters);
  if (spec.dim) dims.add(spec.dim);
  const iv = spec.interval_ms;
  // Day rows fit a bucket only when buckets are whole UTC days (none, or a day-multiple interval).
  const finest = iv === undefined || iv % DAY_MS === 0 ? 'day' : iv < HOUR_MS ? 'minute' : 'hour';
  const out = new Map<string, AggCounts>();
  const keyless = filters.key.length === 0 && filters.account.length === 0;
  for (const seg of planSegments(lo, hi, dims, finest)) {
    const src = SOURCES[seg.source];
    const rows = querySource(db, src, filters, seg.from, seg.to, spec);
    foldRows(out, rows);
    if (seg.source === 'key_hour' && keyless && !spec.errorsOnly && (spec.dim === 'key' || spec.dim === 'account')) {
      if (spec.only && !spec.only.includes('')) continue;
      const perBucket = { interval_ms: spec.interval_ms };
      // Keyed totals per bucket: summed from the rows above unless they were restricted to some values.
      const keyed = new Map<number, AggCounts>();
      for (const r of spec.only ? querySource(db, src, filters, seg.from, seg.to, perBucket) : rows) {
        const c = keyed.get(num(r.b)) ?? ZERO();
        addInto(c, countsOf(r));
        keyed.set(num(r.b), c);
      }
      for (const r of querySource(db, SOURCES.hour, filters, seg.from, seg.to, perBucket)) {
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

// ---------------------------------------------------------------- summary

/** A period's KPIs from its two reads: counts by status, and the keys with matching errors. */
function periodKpis(byStatus: Map<string, AggCounts>, errorKeys: Map<string, AggCounts>): PeriodKpis {
  const k: PeriodKpis = { ...ZERO(), errors_4xx: 0, errors_5xx: 0, keys_with_errors: 0 };
  for (const [key, c] of byStatus) {
    const status = Number(key.slice(key.indexOf(SEP) + 1));
    addInto(k, c);
    if (status >= 400 && status < 500) k.errors_4xx += c.errors;
    if (status >= 500) k.errors_5xx += c.errors;
  }
  for (const [key, c] of errorKeys) if (c.errors > 0 && !key.endsWith(SEP)) k.keys_with_errors++;
  return k;
}

/**
 * The KPIs of the range and of the period of the same length just before it, as both stores make them from their
 * reads. Whole days come from the day rollups, so a month costs a few thousand rollup rows per read. The time an
 * all-failed population began is the store's own read of raw rows (firstRequestMs): `all_failed` says how many.
 */
export function* summaryShaping(filters: Filters): Shaping<{ summary: Omit<Summary, 'all_failed'>; allFailed: number | null }> {
  const len = filters.to - filters.from;
  const periods: [number, number][] = [
    [filters.from, filters.to],
    [filters.from - len, filters.from],
  ];
  const counts = yield periods.flatMap(([lo, hi]): AggRead[] => [
    { filters, lo, hi, spec: { dim: 'status' } },
    { filters, lo, hi, spec: { dim: 'key', errorsOnly: true } },
  ]);
  const [cur, prev] = [periodKpis(counts[0], counts[1]), periodKpis(counts[2], counts[3])];
  // Traffic without the filters is read only for a period describeNoSuccesses will ask about.
  const asks = (k: PeriodKpis) => k.failures > 0 && k.requests <= k.failures && hasPopulationFilters(filters);
  const unfiltered = [cur, prev].map((k, i) => (asks(k) ? periods[i] : null));
  const reads = unfiltered.flatMap((p): AggRead[] => (p ? [{ filters: NO_FILTERS(filters), lo: p[0], hi: p[1], spec: {} }] : []));
  const everything = reads.length ? yield reads : [];
  const states = [cur, prev].map((k, i) => {
    let all: AggCounts = k;
    if (unfiltered[i]) {
      all = ZERO();
      for (const c of everything.shift()!.values()) addInto(all, c);
    }
    const state = describeNoSuccesses(k, () => all);
    return { state, rate: state.kind === 'no_totals' ? null : errorRate(k) };
  });
  const [c, p] = states;
  return {
    summary: {
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
    },
    allFailed: c.state.kind === 'all_failed' ? c.state.requests : null,
  };
}

/** The summary with "all N requests failed since …", given when the population's first request was. */
export function withAllFailed(summary: Omit<Summary, 'all_failed'>, allFailed: number | null, since_ms: number | null): Summary {
  const all_failed = allFailed !== null && since_ms !== null ? { requests: allFailed, since: new Date(since_ms).toISOString(), since_ms } : null;
  return { ...summary, all_failed };
}

/** The first request of the population in [lo, hi): "all 312 requests failed since …". */
function firstRequestMs(db: Db, filters: Filters, lo: number, hi: number): number {
  const row = db.get<{ t: unknown }>(sql`SELECT min(${requests.ts_ms}) AS t FROM ${requests} WHERE ${and(...rawFilterConditions(populationOf(filters), lo, hi))}`);
  return row && row.t !== null ? num(row.t) : lo;
}

/** KPIs of the range and of the period of the same length just before it. */
export function getSummary(db: Db, filters: Filters): Summary {
  const { summary, allFailed } = shapeSync(summaryShaping(filters), (r) => aggregate(db, r.filters, r.lo, r.hi, r.spec));
  return withAllFailed(summary, allFailed, allFailed === null ? null : firstRequestMs(db, filters, filters.from, filters.to));
}

// ---------------------------------------------------------------- breakdown

/** Rows `{value, requests, errors, error_rate, records, share}` by one dimension, most errors first, at most `limit`. */
export function getBreakdown(db: Db, filters: Filters, opts: { by: BreakdownDimension; limit?: number }): Breakdown {
  return shapeSync(breakdownShaping(filters, opts), (r) => aggregate(db, r.filters, r.lo, r.hi, r.spec));
}

/** A breakdown as both stores make it from their reads (shapeSync / shapeAsync). */
export function* breakdownShaping(filters: Filters, opts: { by: BreakdownDimension; limit?: number }): Shaping<Breakdown> {
  const limit = opts.limit ?? 50;
  const [counts] = yield [{ filters, lo: filters.from, hi: filters.to, spec: groupSpec(opts.by) }];
  const { rows: all, total } = groupedCounts(opts.by, counts);
  const base = rowShareBase(opts.by, all, total.errors);
  const cut = all.slice(limit);
  return {
    by: opts.by,
    from: new Date(filters.from).toISOString(),
    to: new Date(filters.to).toISOString(),
    from_ms: filters.from,
    to_ms: filters.to,
    rows: all.slice(0, limit).map((r) => toRow(r.value, r, base)),
    other: cut.length ? toRow(null, sumCounts(opts.by, cut, total), base) : null,
    total: toRow(null, total, total.errors),
  };
}

// ---------------------------------------------------------------- timeseries

/** Every bucket of the range, zero-filled, optionally split by a dimension (top `limit` groups plus "(other)"). */
export function getTimeseries(
  db: Db,
  filters: Filters,
  opts: { interval?: Interval | 'auto'; by?: BreakdownDimension | null; limit?: number } = {},
): Timeseries {
  return shapeSync(timeseriesShaping(filters, opts), (r) => aggregate(db, r.filters, r.lo, r.hi, r.spec));
}

/** A series as both stores make it from their reads (shapeSync / shapeAsync). */
export function* timeseriesShaping(
  filters: Filters,
  opts: { interval?: Interval | 'auto'; by?: BreakdownDimension | null; limit?: number } = {},
): Shaping<Timeseries> {
  const requested = opts.interval ?? 'auto';
  const by = opts.by ?? null;
  const choice = chooseBucket(filters.from, filters.to, requested);
  if (!choice) throw new ValidationError(`interval: a ${requested} series of this range has too many points; pick a coarser interval`, 'interval');
  const minuteRollupCovers =
    (['key', 'account', 'route', 'method'] as const).every((f) => filters[f].length === 0) && (by === null || MINUTE_ROLLUP_DIMS.has(by));
  const needsRaw = choice.interval === 'minute' && !minuteRollupCovers;
  if (needsRaw && filters.to - filters.from > RAW_MINUTE_MAX_MS) {
    throw new ValidationError(
      'interval: a per-minute series filtered or split by key, account, route or method may span at most 6 hours',
      'interval',
      { max_range_ms: RAW_MINUTE_MAX_MS },
    );
  }
  const size = choice.interval_ms;
  const errorDim = by !== null && isErrorDimension(by);
  let totals: Map<string, AggCounts>;
  let groups: (BreakdownRow & { key: string })[] = [];
  const perBucket = new Map<number, Record<string, AggCounts>>();
  const addTo = (b: number, g: string, c: AggCounts) => {
    const rec = perBucket.get(b) ?? {};
    addInto((rec[g] ??= ZERO()), c);
    perBucket.set(b, rec);
  };
  const pickGroups = ({ rows: all, total }: Grouped) => {
    const top = all.slice(0, opts.limit ?? 10);
    const base = rowShareBase(by!, all, total.errors);
    groups = top.map((r) => ({ ...toRow(r.value, r, base), key: r.value ?? '' }));
    if (all.length > top.length) groups.push({ ...toRow(OTHER_GROUP, sumCounts(by!, all.slice(top.length), total), base), key: OTHER_GROUP });
    return new Set(top.map((r) => r.value ?? ''));
  };
  if (by && ONE_PASS_DIMS.has(by)) {
    // Few values per bucket: one grouped pass by (bucket, value) gives the bucket totals, the groups over the whole
    // range and each bucket's split (instead of three passes over the same rollup rows).
    const [rows] = yield [{ filters, lo: filters.from, hi: filters.to, spec: { ...groupSpec(by), interval_ms: size } }];
    totals = new Map();
    const byValue = new Map<string, AggCounts>();
    // Each key split once; a value's wire form computed once (a month of hours repeats a few values ~700 times).
    const split: { b: number; raw: string; c: AggCounts }[] = [];
    for (const [key, c] of rows) {
      const at = key.indexOf(SEP);
      const b = key.slice(0, at);
      const raw = key.slice(at + 1);
      bump(totals, `${b}${SEP}`, c);
      bump(byValue, `0${SEP}${raw}`, c);
      split.push({ b: Number(b), raw, c });
    }
    const topKeys = pickGroups(groupedCounts(by, byValue));
    const wire = new Map<string, string>();
    for (const { b, raw, c } of split) {
      let g = wire.get(raw);
      if (g === undefined) wire.set(raw, (g = wireValue(by, raw) ?? ''));
      if (topKeys.has(g)) addTo(b, g, c);
    }
  } else {
    const dim = by ? baseDim(by) : undefined;
    const reads: AggRead[] = [{ filters, lo: filters.from, hi: filters.to, spec: { interval_ms: size } }];
    if (dim) reads.push({ filters, lo: filters.from, hi: filters.to, spec: { dim } });
    const [t, byDim] = yield reads;
    totals = t;
    if (by && dim && byDim) {
      const topKeys = pickGroups(groupedCounts(by, byDim));
      // Many values (keys, accounts, routes): the per-bucket pass is restricted in SQL to the top values.
      const [split] = yield [{ filters, lo: filters.from, hi: filters.to, spec: { dim, interval_ms: size, only: [...topKeys] } }];
      for (const [key, c] of split) {
        const [b, raw] = key.split(SEP);
        const g = wireValue(by, raw) ?? '';
        if (topKeys.has(g)) addTo(Number(b), g, c);
      }
    }
  }
  // A bucket whose population has failures and no successes: unknown (no_totals) unless other traffic of the same
  // bucket succeeded, which makes its 100 % real. The unfiltered buckets are read only when such a bucket exists.
  const starts = bucketStarts(filters.from, filters.to, size);
  const noSuccess = (c: AggCounts | undefined) => !!c && c.failures > 0 && c.requests === c.failures;
  let everyBucket: Map<string, AggCounts> | null = null;
  if (hasPopulationFilters(filters) && starts.some((b) => noSuccess(totals.get(`${b}${SEP}`)))) {
    [everyBucket] = yield [{ filters: NO_FILTERS(filters), lo: filters.from, hi: filters.to, spec: { interval_ms: size } }];
  }
  const buckets = starts.map((b): TimeseriesBucket => {
    const c = totals.get(`${b}${SEP}`) ?? ZERO();
    const no_totals = noSuccess(c) && (everyBucket === null || noSuccess(everyBucket.get(`${b}${SEP}`)));
    const out: TimeseriesBucket = {
      ts: new Date(b).toISOString(),
      ts_ms: b,
      requests: c.requests,
      errors: c.errors,
      error_rate: no_totals ? null : errorRate(c),
      no_totals,
    };
    if (by) {
      const rec: Record<string, Counts> = {};
      let sumReq = 0;
      let sumErr = 0;
      const got = perBucket.get(b) ?? {};
      for (const g of groups) {
        if (g.key === OTHER_GROUP) continue;
        const gc = got[g.key] ?? ZERO();
        // An error dimension's group is a share of the whole bucket (lib/error-rate.ts): its requests are the bucket's.
        rec[g.key] = { requests: errorDim ? c.requests : gc.requests, errors: gc.errors };
        sumReq += gc.requests;
        sumErr += gc.errors;
      }
      if (groups.some((g) => g.key === OTHER_GROUP)) rec[OTHER_GROUP] = { requests: errorDim ? c.requests : c.requests - sumReq, errors: c.errors - sumErr };
      out.groups = rec;
    }
    return out;
  });
  return {
    interval: choice.interval,
    interval_ms: size,
    auto: requested === 'auto',
    tick_format: choice.tick_format,
    from: new Date(filters.from).toISOString(),
    to: new Date(filters.to).toISOString(),
    from_ms: filters.from,
    to_ms: filters.to,
    by,
    groups,
    buckets,
  };
}
