// The retry_class breakdown of /stats/breakdown and breakdown.csv: limits (responses that asked the key to wait) by
// what the key did next, in the Breakdown shape of every other dimension. retry_class is an error dimension (lib/
// error-rate.ts): each row's requests are the view's population, so its rate is the share of requests that were a
// limit answered that way; `share` is of the limits.
import type { BehaviourReads, RequestStore } from '@/db/store';
import type { Breakdown, BreakdownRow } from '@/lib/api-types';
import { ValidationError } from '@/lib/api-error';
import { errorRate } from '@/lib/error-rate';
import type { Filters } from '@/lib/filters';

/** Filters a limit cannot be matched on without reading its record: refused rather than ignored. */
const UNSUPPORTED = ['account', 'tier', 'method', 'reason', 'idempotency_key', 'user_agent'] as const;

export async function retryClassBreakdown(
  store: Pick<RequestStore, 'summary'> & Pick<BehaviourReads, 'retryClassCounts'>,
  filters: Filters,
  opts: { limit?: number; now?: number } = {},
): Promise<Breakdown> {
  for (const f of UNSUPPORTED) {
    if (filters[f].length > 0) throw new ValidationError(`${f}: a retry_class breakdown can be filtered by key, route, status and code only.`, f);
  }
  const limit = opts.limit ?? 50;
  const [summary, counts] = await Promise.all([
    store.summary(filters),
    store.retryClassCounts({ from: filters.from, to: filters.to, now: opts.now ?? Date.now(), keys: filters.key, routes: filters.route, codes: filters.code, statuses: filters.status }),
  ]);
  const requests = summary.requests.value ?? 0;
  const limits = counts.reduce((a, c) => a + c.limits, 0);
  const row = (value: string | null, n: number): BreakdownRow => ({
    value,
    requests,
    errors: n,
    error_rate: errorRate({ requests, errors: n }),
    records: n,
    share: limits > 0 ? n / limits : null,
  });
  const all = counts.map((c) => row(c.retry_class, c.limits)).sort((a, b) => b.errors - a.errors || String(a.value).localeCompare(String(b.value)));
  const cut = all.slice(limit);
  return {
    by: 'retry_class',
    from: new Date(filters.from).toISOString(),
    to: new Date(filters.to).toISOString(),
    from_ms: filters.from,
    to_ms: filters.to,
    rows: all.slice(0, limit),
    other: cut.length ? row(null, cut.reduce((a, r) => a + r.errors, 0)) : null,
    total: row(null, limits),
  };
}

/** /stats/breakdown for any dimension: the store's own, or retry_class from the behaviour facts. */
export async function statsBreakdown(store: RequestStore, filters: Filters, params: { by: Breakdown['by']; limit?: number }): Promise<Breakdown> {
  if (params.by === 'retry_class') return retryClassBreakdown(store, filters, { limit: params.limit });
  return store.breakdown(filters, { by: params.by, limit: params.limit });
}
