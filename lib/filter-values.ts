// The values a filter field may take, offered as the user types: what the data holds over the range (with counts)
// merged with what errata knows without data (catalog codes, capacity reasons, status classes, HTTP methods), ranked
// against the typed text. Pure; db/filter-values.ts reads the counts through the store.
import { CATALOG, CAPACITY_REASONS, ERROR_CODES } from './catalog';
import type { FilterValues } from './api-types';
import { ERROR_FILTERS } from './error-rate';

/** Filter fields the bar offers values for: each is also a breakdown dimension. */
export const VALUE_FIELDS = ['code', 'tier', 'route', 'key', 'account', 'status', 'method', 'reason'] as const;
export type ValueField = (typeof VALUE_FIELDS)[number];

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const STATUSES = [...new Set(CATALOG.map((e) => String(e.status)))].sort();

/** Values that are valid without being seen in the data (an empty list for fields only the data knows). */
export function knownValues(field: ValueField): readonly string[] {
  switch (field) {
    case 'code':
      return ERROR_CODES;
    case 'reason':
      return CAPACITY_REASONS;
    case 'method':
      return METHODS;
    case 'status':
      return ['4xx', '5xx', ...STATUSES];
    default:
      return [];
  }
}

/** True when the field filters failures (its count is failures, not requests). */
export function isErrorField(field: ValueField): boolean {
  return (ERROR_FILTERS as readonly string[]).includes(field);
}

/** A value offered in the filter bar (GET /api/v1/stats/values, lib/wire.ts offeredValueSchema). */
export type OfferedValue = FilterValues['values'][number];
/** A value seen in the range with its counts (for an error field, `count` is failures), before it is ranked. */
export type ValueCount = Omit<OfferedValue, 'known'>;

/**
 * Seen values and known values, those matching `q` (case-insensitive substring) ranked: exact, then prefix, then
 * substring; within each, most errors, most records, then by value. Linear in the values given.
 */
export function rankValues(field: ValueField, seen: readonly ValueCount[], q: string, limit: number): { values: OfferedValue[]; matches: number } {
  const known = new Set(knownValues(field));
  const byValue = new Map<string, OfferedValue>();
  for (const s of seen) byValue.set(s.value, { ...s, known: known.has(s.value) });
  for (const k of known) if (!byValue.has(k)) byValue.set(k, { value: k, count: 0, errors: 0, known: true });
  const needle = q.trim().toLowerCase();
  const tier = (v: string) => {
    const l = v.toLowerCase();
    if (!needle) return 2;
    if (l === needle) return 0;
    if (l.startsWith(needle)) return 1;
    return l.includes(needle) ? 2 : -1;
  };
  const ranked = [...byValue.values()]
    .map((v) => ({ v, t: tier(v.value) }))
    .filter((x) => x.t >= 0)
    .sort((a, b) => a.t - b.t || b.v.errors - a.v.errors || b.v.count - a.v.count || (a.v.value < b.v.value ? -1 : a.v.value > b.v.value ? 1 : 0));
  return { values: ranked.slice(0, limit).map((x) => x.v), matches: ranked.length };
}
