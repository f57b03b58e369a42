// What both stores' stats share once their source reads are done (db/queries/stats.ts for SQLite,
// db/clickhouse/stats.ts): the counts one pass returns, how they add up, and how groups become the API's rows. Only
// the SQL of a source read differs between the stores, so every answer is the same.
import { kindOf, statusClass } from '@/lib/catalog';
import { errorRate, isErrorDimension, type RateCounts } from '@/lib/error-rate';
import { LIST_FILTER_FIELDS, type BreakdownDimension, type Filters, type ListFilterField } from '@/lib/filters';
import type { BreakdownRow, Metric } from '@/lib/api-types';

/** A dimension a source row has: the status, or a list filter's column. */
export type BaseDim = 'status' | ListFilterField;

/** What one pass counts: see RateCounts (requests of the population, matching errors, all failures, matching records). */
export type AggCounts = RateCounts;

export const ZERO = (): AggCounts => ({ requests: 0, errors: 0, failures: 0, records: 0 });

export interface AggSpec {
  dim?: BaseDim;
  /** With dim 'status': one group per status class, keyed by its first status (400 for 4xx), so wireValue still maps it. */
  byClass?: boolean;
  /** Bucket size in ms; results are keyed by bucket start. */
  interval_ms?: number;
  /** Only these values of `dim` ('' = missing) are returned. */
  only?: readonly string[];
  /** Count matching error records only (every filter in WHERE), and skip the '' group of rollup_key_hour: "which keys had errors". */
  errorsOnly?: boolean;
}

/** Between a bucket and a value in an aggregate's keys: `${bucket}\u0001${value}`. */
export const SEP = '\u0001';

/**
 * One grouped row of a source read, as the store's driver returns it. A read without error filters may leave out
 * `errors` and `records`: they are then `failures` and `requests`.
 */
export interface AggRow {
  b: unknown;
  v: unknown;
  requests: unknown;
  errors?: unknown;
  failures: unknown;
  records?: unknown;
}

/** A count from a store: SQLite gives numbers or bigints, ClickHouse numbers or numeric strings; anything else is a bug. */
export function num(v: unknown): number {
  const n = typeof v === 'bigint' || typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new Error(`stats: expected a number from the store, got ${typeof v}`);
  return n;
}

export function countsOf(r: AggRow): AggCounts {
  const requests = num(r.requests);
  const failures = num(r.failures);
  return { requests, errors: r.errors === undefined ? failures : num(r.errors), failures, records: r.records === undefined ? requests : num(r.records) };
}

export function addInto(into: AggCounts, c: AggCounts): void {
  into.requests += c.requests;
  into.errors += c.errors;
  into.failures += c.failures;
  into.records += c.records;
}

/** Adds a source read's rows into `out` by `${bucket}${SEP}${value}`; each row's counts are fresh, so kept as they are. */
export function foldRows(out: Map<string, AggCounts>, rows: readonly AggRow[]): void {
  for (const r of rows) {
    const key = `${num(r.b)}${SEP}${String(r.v)}`;
    const c = countsOf(r);
    const cur = out.get(key);
    if (cur) addInto(cur, c);
    else out.set(key, c);
  }
}

export function bump(map: Map<string, AggCounts>, key: string, c: AggCounts): void {
  const cur = map.get(key);
  if (cur) addInto(cur, c);
  else map.set(key, { ...c });
}

/** The filters that are not the population's: they count inside the sums (lib/error-rate.ts). */
export const ERROR_ONLY_FILTERS = (f: Filters): Filters => ({ ...f, key: [], account: [], tier: [], route: [], method: [] });

/** The same range without any filter. */
export const NO_FILTERS = (f: Filters): Filters => {
  const none: Filters = { ...f, status: [] };
  for (const field of LIST_FILTER_FIELDS) none[field] = [];
  return none;
};

/** The dimensions the active filters need a source to have (a source without one of them cannot answer). */
export function filterDims(filters: Filters): Set<BaseDim> {
  const dims = new Set<BaseDim>();
  for (const f of LIST_FILTER_FIELDS) if (filters[f].length) dims.add(f);
  return dims;
}

export function baseDim(by: BreakdownDimension): BaseDim {
  return by === 'status_class' ? 'status' : by === 'kind' ? 'code' : by;
}

/** How a source read groups for `by`: status classes are grouped in the query itself (a few rows per bucket, not dozens). */
export function groupSpec(by: BreakdownDimension): Pick<AggSpec, 'dim' | 'byClass'> {
  return by === 'status_class' ? { dim: 'status', byClass: true } : { dim: baseDim(by) };
}

/** The wire value of a group: derived dimensions map here; '' (missing) becomes null. */
export function wireValue(by: BreakdownDimension, raw: string): string | null {
  if (by === 'status_class') return statusClass(Number(raw));
  if (by === 'kind') return kindOf(raw);
  return raw === '' ? null : raw;
}

export function metric(value: number | null, previous: number | null): Metric {
  const change = value !== null && previous !== null ? value - previous : null;
  return { value, previous, change, change_pct: change !== null && previous ? change / previous : null };
}

export interface PeriodKpis extends AggCounts {
  errors_4xx: number;
  errors_5xx: number;
  keys_with_errors: number;
}

export function sortRows<T extends { value: string | null; requests: number; errors: number; records: number }>(rows: T[]): T[] {
  return rows.sort(
    (a, b) =>
      b.errors - a.errors || b.records - a.records || b.requests - a.requests || String(a.value ?? '').localeCompare(String(b.value ?? '')),
  );
}

export interface Grouped {
  rows: (AggCounts & { value: string | null })[];
  total: AggCounts;
}

/**
 * Counts per wire value, most errors first. Grouped by an error dimension, a value's requests are the population's
 * (every row shares the denominator), and values no matching record has (other codes under a code filter) drop out.
 */
export function groupedCounts(by: BreakdownDimension, counts: Map<string, AggCounts>): Grouped {
  const merged = new Map<string | null, AggCounts>();
  const total = ZERO();
  for (const [key, c] of counts) {
    addInto(total, c);
    const v = wireValue(by, key.split(SEP)[1]);
    const m = merged.get(v);
    if (m) addInto(m, c);
    else merged.set(v, { ...c });
  }
  let rows = [...merged].map(([value, c]) => ({ value, ...c }));
  if (isErrorDimension(by)) rows = rows.filter((r) => r.records > 0 || r.errors > 0).map((r) => ({ ...r, requests: total.requests }));
  return { rows: sortRows(rows), total };
}

export function toRow(value: string | null, c: AggCounts, shareBase: number): BreakdownRow {
  return { value, requests: c.requests, errors: c.errors, error_rate: errorRate(c), records: c.records, share: shareBase > 0 ? c.errors / shareBase : null };
}

/** The sum of some rows; for an error dimension the requests stay the population's. */
export function sumCounts(by: BreakdownDimension, rows: readonly AggCounts[], total: AggCounts): AggCounts {
  const c = ZERO();
  for (const r of rows) addInto(c, r);
  if (isErrorDimension(by)) c.requests = total.requests;
  return c;
}

/** Series split by these fit the minute rollup's columns. */
export const MINUTE_ROLLUP_DIMS: ReadonlySet<string> = new Set(['status', 'status_class', 'code', 'kind', 'tier', 'reason']);

/** Dimensions with few values per bucket: a series split by them is read in one grouped pass. */
export const ONE_PASS_DIMS: ReadonlySet<BreakdownDimension> = new Set(['status', 'status_class', 'code', 'kind', 'tier', 'reason', 'method']);

/** One read a shaping step asks of its store: exact counts over [lo, hi) (the store's `aggregate`). */
export interface AggRead {
  filters: Filters;
  lo: number;
  hi: number;
  spec: AggSpec;
}

/**
 * A breakdown or series written once for both stores: it yields the reads it needs (several at once where they are
 * independent, for a store that can run them in parallel) and gets their counts back in the same order.
 */
export type Shaping<T> = Generator<AggRead[], T, Map<string, AggCounts>[]>;

/** Runs a shaping on a store whose reads are synchronous (SQLite). */
export function shapeSync<T>(shaping: Shaping<T>, read: (r: AggRead) => Map<string, AggCounts>): T {
  let step = shaping.next();
  while (!step.done) step = shaping.next(step.value.map(read));
  return step.value;
}

/** Runs a shaping on a store whose reads are asynchronous (ClickHouse), each batch of reads in parallel. */
export async function shapeAsync<T>(shaping: Shaping<T>, read: (r: AggRead) => Promise<Map<string, AggCounts>>): Promise<T> {
  let step = shaping.next();
  while (!step.done) step = shaping.next(await Promise.all(step.value.map(read)));
  return step.value;
}
