// Filters → WHERE conditions, for the raw table and each rollup; only active filters become conditions.
import { and, gte, inArray, lt, or, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { LIST_FILTER_FIELDS, type Filters, type ListFilterField, type StatusFilter } from '@/lib/filters';
import { requests } from '../schema';

/** The columns a source has for each list filter (a source lacking one cannot serve that filter). */
export type FilterColumns = Partial<Record<ListFilterField, SQLiteColumn>> & { status: SQLiteColumn };

export function statusCondition(col: SQLiteColumn, status: readonly StatusFilter[]): SQL | undefined {
  if (status.length === 0) return undefined;
  const exact = status.flatMap((s) => (s.kind === 'status' ? [s.status] : []));
  const parts: (SQL | undefined)[] = status
    .filter((s) => s.kind === 'class')
    .map((s) => (s.kind === 'class' ? and(gte(col, s.class * 100), lt(col, s.class * 100 + 100)) : undefined));
  if (exact.length) parts.push(inArray(col, exact));
  return or(...parts);
}

/** Conditions for the active dimension filters (not the time range) on the given columns. */
export function dimensionConditions(cols: FilterColumns, filters: Pick<Filters, 'status' | ListFilterField>): SQL[] {
  const out: SQL[] = [];
  const s = statusCondition(cols.status, filters.status);
  if (s) out.push(s);
  for (const field of LIST_FILTER_FIELDS) {
    const values = filters[field];
    if (values.length === 0) continue;
    const col = cols[field];
    if (!col) throw new Error(`source cannot filter on ${field}`);
    out.push(inArray(col, values));
  }
  return out;
}

export const RAW_COLUMNS: FilterColumns = {
  status: requests.status,
  code: requests.code,
  tier: requests.tier,
  key: requests.key_id,
  account: requests.account_id,
  route: requests.route,
  method: requests.method,
  reason: requests.reason,
  idempotency_key: requests.idempotency_key,
  user_agent: requests.user_agent,
};

/** WHERE for raw rows in [lo, hi) matching the filters (uses the ts_ms index). */
export function rawFilterConditions(filters: Filters, lo = filters.from, hi = filters.to): SQL[] {
  return [gte(requests.ts_ms, lo), lt(requests.ts_ms, hi), ...dimensionConditions(RAW_COLUMNS, filters)];
}
