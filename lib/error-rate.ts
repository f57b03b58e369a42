// The error-rate rule, the same for the API, charts, tables, CSV and alerts: filters on the error (status, code,
// reason) choose which failures count; filters on the population (key, account, tier, route, method, time) choose
// which requests count; rate = matching failures ÷ matching requests.
import type { Filters, StatsBreakdownDimension, StatusFilter } from './filters';

/** Filters that say which failures count. */
export const ERROR_FILTERS = ['status', 'code', 'reason'] as const;
/** Filters that say which requests count (with the time range). */
export const POPULATION_FILTERS = ['key', 'account', 'tier', 'route', 'method', 'idempotency_key', 'user_agent'] as const;
/** Dimensions that classify failures: a group's rate is its failures over the whole population, so the rows add up. */
export const ERROR_DIMENSIONS: ReadonlySet<StatsBreakdownDimension> = new Set(['status', 'status_class', 'code', 'kind', 'reason', 'retry_class']);

/** The rule in words, for the OpenAPI document and help texts. */
export const ERROR_RATE_RULE =
  'Error rate = matching failures ÷ matching requests. Filters on the error (status, code, reason) choose which failures ' +
  '(status ≥ 400) count; filters on the population (key, account, tier, route, method, and the time range) choose which ' +
  'requests count. With code=rate_limited, the rate of tier free is the share of free-tier requests that were ' +
  'rate-limited. Grouped by an error dimension (status, status_class, code, kind, reason), each group\'s requests are the ' +
  'whole population, so the groups\' rates add up to the total.';

export type ErrorFilterField = (typeof ERROR_FILTERS)[number];
export type PopulationFilterField = (typeof POPULATION_FILTERS)[number];

/** The same filters with the error filters cleared: what the rate's denominator counts. */
export function populationOf<F extends Pick<Filters, ErrorFilterField>>(filters: F): F {
  return { ...filters, status: [], code: [], reason: [] };
}

export function hasErrorFilters(f: Pick<Filters, ErrorFilterField>): boolean {
  return f.status.length > 0 || f.code.length > 0 || f.reason.length > 0;
}

export function hasPopulationFilters(f: Pick<Filters, PopulationFilterField>): boolean {
  return POPULATION_FILTERS.some((k) => f[k].length > 0);
}

export function isErrorDimension(by: StatsBreakdownDimension): boolean {
  return ERROR_DIMENSIONS.has(by);
}

/** A record as the rule sees it; missing dimensions are null. Success records have no code (null or ''). */
export interface RateRecord {
  ts_ms: number;
  status: number;
  code?: string | null;
  reason?: string | null;
  key_id?: string | null;
  account_id?: string | null;
  tier?: string | null;
  route?: string | null;
  method?: string | null;
}

export function isFailure(status: number): boolean {
  return status >= 400;
}

function statusMatches(status: number, filters: readonly StatusFilter[]): boolean {
  if (filters.length === 0) return true;
  return filters.some((s) => (s.kind === 'class' ? Math.floor(status / 100) === s.class : status === s.status));
}

const inList = (values: readonly string[], v: string | null | undefined) => values.length === 0 || (v != null && values.includes(v));

/** Counted among the requests: inside the range and every population filter. */
export function matchesPopulation(r: RateRecord, f: Filters): boolean {
  return (
    r.ts_ms >= f.from &&
    r.ts_ms < f.to &&
    inList(f.key, r.key_id) &&
    inList(f.account, r.account_id) &&
    inList(f.tier, r.tier) &&
    inList(f.route, r.route) &&
    inList(f.method, r.method)
  );
}

/** Passes the error filters (a success record passes them only when none is set, or a status filter names it). */
export function matchesError(r: RateRecord, f: Filters): boolean {
  return statusMatches(r.status, f.status) && inList(f.code, r.code || null) && inList(f.reason, r.reason);
}

export interface RateCounts {
  /** Requests in the population (error filters ignored). */
  requests: number;
  /** Failures (status ≥ 400) in the population that pass the error filters. */
  errors: number;
  /** Every failure in the population, whatever the error filters: requests − failures are the successes. */
  failures: number;
  /** Records passing every filter (successes included when the filters allow them): the explorer's row count. */
  records: number;
}

/** The matching failures over the matching requests; null without requests. */
export function errorRate(c: Pick<RateCounts, 'requests' | 'errors'>): number | null {
  return c.requests > 0 ? c.errors / c.requests : null;
}

/** The rule applied to records in memory: the reference the SQL implementation (db/queries/stats.ts) is tested against. */
export function countRate(records: Iterable<RateRecord>, f: Filters): RateCounts & { error_rate: number | null } {
  const c: RateCounts = { requests: 0, errors: 0, failures: 0, records: 0 };
  for (const r of records) {
    if (!matchesPopulation(r, f)) continue;
    c.requests++;
    const failed = isFailure(r.status);
    if (failed) c.failures++;
    if (matchesError(r, f)) {
      c.records++;
      if (failed) c.errors++;
    }
  }
  return { ...c, error_rate: errorRate(c) };
}

/**
 * The errors a breakdown row's share is taken of: all errors of the view, except for `reason`, where only
 * capacity_exceeded errors carry one, so the share is of the errors that have a reason.
 */
export function rowShareBase(by: StatsBreakdownDimension, rows: readonly { value: string | null; errors: number }[], totalErrors: number): number {
  if (by !== 'reason' && by !== 'retry_class') return totalErrors;
  return rows.reduce((a, r) => a + (r.value === null ? 0 : r.errors), 0);
}

/** The rows a breakdown shows: grouped by an error dimension only values that failed (a success has no code or reason). */
export function shownRows<R extends { value: string | null; errors: number }>(by: StatsBreakdownDimension, rows: readonly R[]): R[] {
  return isErrorDimension(by) ? rows.filter((r) => r.value !== null && r.errors > 0) : [...rows];
}

/** When a population has requests but no successes: either the gateway ships no successes, or it truly failed everything. */
export type NoSuccesses =
  | { kind: 'none' }
  /** The whole range has no successes at all: the gateway does not send success records; the rate is unknown. */
  | { kind: 'no_totals' }
  /** Other traffic succeeded, this population did not: every request failed, a rate of 100 % that is real. */
  | { kind: 'all_failed'; requests: number };

/**
 * Which case a population is in. `population` counts the filtered population, `everything` the range with no
 * filters at all (only consulted when the population has no successes).
 */
export function describeNoSuccesses(population: Pick<RateCounts, 'requests' | 'failures'>, everything: () => Pick<RateCounts, 'requests' | 'failures'>): NoSuccesses {
  if (population.failures === 0 || population.requests > population.failures) return { kind: 'none' };
  const all = everything();
  if (all.requests > all.failures) return { kind: 'all_failed', requests: population.requests };
  return { kind: 'no_totals' };
}
