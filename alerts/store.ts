// What alerts read of request data: a few verbs of the store seam, injected (tests pass a memory store, the server
// the SQLite one). Until db/store.ts lands, the type is spelled here and `sqliteAlertStore` adapts today's queries;
// at the merge this becomes Pick<RequestStore, 'breakdown' | 'timeseries' | 'listRequests'>.
import type { Db } from '@/db/client';
import { listRequests, type RequestPage } from '@/db/queries/requests';
import { getBreakdown, getTimeseries, type Breakdown, type Timeseries } from '@/db/queries/stats';
import type { BreakdownDimension, Filters, Interval } from '@/lib/filters';

export interface AlertStore {
  breakdown(filters: Filters, opts: { by: BreakdownDimension; limit?: number }): Promise<Breakdown>;
  timeseries(filters: Filters, opts: { interval?: Interval | 'auto'; by?: BreakdownDimension | null; limit?: number }): Promise<Timeseries>;
  listRequests(filters: Filters, page: { limit?: number }): Promise<RequestPage>;
}

export function sqliteAlertStore(db: Db): AlertStore {
  return {
    breakdown: async (f, o) => getBreakdown(db, f, o),
    timeseries: async (f, o) => getTimeseries(db, f, o),
    listRequests: async (f, p) => listRequests(db, f, p),
  };
}
