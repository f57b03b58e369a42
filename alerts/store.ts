// What alerts read of request data: a few verbs of the store seam, injected (tests pass a memory store, the server
// its RequestStore), so alerts work on either store.
import type { RequestStore } from '@/db/store';

export type AlertStore = Pick<RequestStore, 'breakdown' | 'timeseries' | 'listRequests' | 'retryStormCounts'>;
