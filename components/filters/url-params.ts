// Pure helpers over the URL's filter params (shared by server chips and client controls).

export const FILTER_LABELS: Record<string, string> = {
  status: 'Status',
  code: 'Code',
  tier: 'Tier',
  key: 'Key',
  account: 'Account',
  route: 'Endpoint',
  method: 'Method',
  reason: 'Reason',
};
export const CHIP_FIELDS = Object.keys(FILTER_LABELS);

/** Params that belong to one page of results or a view option, dropped whenever the filters change. */
export const PAGE_PARAMS = ['cursor', 'before', 'page'];

export const RANGE_PRESETS = [
  { id: '1h', label: '1h', from: 'now-1h', ms: 3_600_000 },
  { id: '6h', label: '6h', from: 'now-6h', ms: 6 * 3_600_000 },
  { id: '24h', label: '24h', from: 'now-24h', ms: 86_400_000 },
  { id: '7d', label: '7d', from: 'now-7d', ms: 7 * 86_400_000 },
  { id: '30d', label: '30d', from: 'now-30d', ms: 30 * 86_400_000 },
] as const;

export function toUrlSearchParams(record: Record<string, string | string[] | undefined>): URLSearchParams {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(record)) {
    if (Array.isArray(v)) v.forEach((x) => q.append(k, x));
    else if (v !== undefined) q.set(k, v);
  }
  return q;
}

export function hrefWith(pathname: string, q: URLSearchParams): string {
  const s = q.toString();
  return s ? `${pathname}?${s}` : pathname;
}

/** A copy without one value of a repeatable param (or the whole param when value is omitted). */
export function withoutParam(q: URLSearchParams, key: string, value?: string): URLSearchParams {
  const next = new URLSearchParams();
  for (const [k, v] of q) if (!(k === key && (value === undefined || v === value)) && !PAGE_PARAMS.includes(k)) next.append(k, v);
  return next;
}

/** A copy with `key` set to exactly `values` (drill-down narrows to the clicked value). */
export function withParam(q: URLSearchParams, key: string, values: string | string[]): URLSearchParams {
  const next = withoutParam(q, key);
  for (const v of Array.isArray(values) ? values : [values]) next.append(key, v);
  return next;
}

export function withRange(q: URLSearchParams, from: string | number | null, to: string | number | null): URLSearchParams {
  const next = withoutParam(withoutParam(q, 'from'), 'to');
  if (from != null) next.set('from', String(from));
  if (to != null) next.set('to', String(to));
  return next;
}

/** The preset matching the URL's range, '24h' for the default, null for a custom range. */
export function activePreset(from: string | null, to: string | null): string | null {
  if (!from && !to) return '24h';
  if (to && to !== 'now') return null;
  return RANGE_PRESETS.find((p) => p.from === from)?.id ?? null;
}
