import 'server-only';
import { ValidationError } from '@/lib/api-error';
import { filtersToQueryString, parseFilters, type Filters, type SearchParamsInput, type StatusFilter } from '@/lib/filters';

export type PageFilters = { ok: true; filters: Filters } | { ok: false; message: string };

/** The URL's filters with the page's own scope (its key or code) forced in; a bad parameter becomes a message, not a 500. */
export function pageFilters(input: SearchParamsInput, scope: Partial<Pick<Filters, 'key' | 'code'>>, now = Date.now()): PageFilters {
  try {
    return { ok: true, filters: { ...parseFilters(input, { now }), ...scope } };
  } catch (e) {
    if (e instanceof ValidationError) return { ok: false, message: e.message };
    throw e;
  }
}

const ERROR_CLASSES: StatusFilter[] = [
  { kind: 'class', class: 4 },
  { kind: 'class', class: 5 },
];

/** Failures only: the URL's status filter when it has one, else 4xx and 5xx. */
export function failuresOf(filters: Filters): Filters {
  return filters.status.length ? filters : { ...filters, status: ERROR_CLASSES };
}

/** The query string of exactly this view, with the range resolved so a CSV or a live refresh reads the same window. */
export function exactQuery(filters: Filters, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams(filtersToQueryString(filters, { absoluteRange: true }));
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  return q.toString();
}

/** The query string for a live view: the range as the user wrote it, so "last 24 h" keeps moving. */
export function liveQuery(filters: Filters, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams(filtersToQueryString(filters));
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  return q.toString();
}
