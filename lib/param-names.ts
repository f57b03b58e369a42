// Parameter names and the nearest valid one for a mistyped name, with no schema or server imports so client
// components can use them too (the dashboard's "ignored parameter" notice).
import { ERROR_FILTERS, POPULATION_FILTERS } from './error-rate';

/** The shared filters' names (lib/filters.ts filterParamsSchema has exactly these; a unit test holds them equal). */
export const FILTER_PARAMS: readonly string[] = ['from', 'to', ...ERROR_FILTERS, ...POPULATION_FILTERS];

/** Dashboard pages: the filters plus each page's own view parameters. */
export const PAGE_QUERY = {
  '/': [...FILTER_PARAMS, 'by', 'compare', 'interval'],
  '/errors': [...FILTER_PARAMS, 'cols', 'cursor', 'before', 'limit', 'page'],
  '/keys/[key_id]': FILTER_PARAMS,
  '/codes/[code]': FILTER_PARAMS,
} as const satisfies Record<string, readonly string[]>;
export type Page = keyof typeof PAGE_QUERY;

// Common names for our parameters in other tools' APIs and our own record fields.
const SYNONYMS: Record<string, string> = {
  key_id: 'key',
  api_key: 'key',
  account_id: 'account',
  status_code: 'status',
  status_class: 'status',
  error_code: 'code',
  endpoint: 'route',
  path: 'route',
  start: 'from',
  since: 'from',
  end: 'to',
  until: 'to',
  group_by: 'by',
  columns: 'cols',
};

/** Edit distance, bounded by the short names involved (callers cap the length). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/** The valid parameter a mistyped one most likely meant, or null when none is close. */
export function nearestParam(name: string, allowed: readonly string[]): string | null {
  if (name.length > 64 || allowed.length === 0) return null;
  const n = name.toLowerCase().replace(/-/g, '_').replace(/\[\]$/, '');
  if (allowed.includes(n)) return n;
  const syn = SYNONYMS[n];
  if (syn && allowed.includes(syn)) return syn;
  const stripped = n.replace(/_(id|ids|ms)$/, '').replace(/s$/, '');
  if (allowed.includes(stripped)) return stripped;
  let best: string | null = null;
  let bestD = Infinity;
  for (const a of allowed) {
    const d = distance(n, a);
    if (d < bestD) {
      best = a;
      bestD = d;
    }
  }
  return bestD <= Math.max(1, Math.floor(n.length / 3)) ? best : null;
}

export interface UnknownParam {
  name: string;
  value: string;
  did_you_mean: string | null;
}

/** Parameters of `input` not in `allowed`, each once, with the nearest valid name. */
export function unknownParams(input: URLSearchParams, allowed: readonly string[]): UnknownParam[] {
  const known = new Set(allowed);
  const seen = new Set<string>();
  const out: UnknownParam[] = [];
  for (const [name, value] of input) {
    if (known.has(name) || seen.has(name)) continue;
    seen.add(name);
    out.push({ name, value, did_you_mean: nearestParam(name, allowed) });
  }
  return out;
}

