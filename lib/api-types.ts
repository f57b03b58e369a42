// The API's answers as TypeScript types, inferred from their zod schemas (lib/openapi.ts): what components render and
// the client hooks fetch, whichever store produced it. The stores' own result types (db/types.ts) must stay
// assignable to these; the pages that hand a store's result to a component check that at compile time.
import type { z } from 'zod';
import type { KeyInsight } from './key-insight';
import type { breakdownSchema, filterValuesSchema, requestDetailSchema, requestRecordSchema, summarySchema, timeseriesSchema } from './openapi';

export type RequestRecord = z.infer<typeof requestRecordSchema>;
/** What the same key did around a request (GET /api/v1/requests/{request_id} `around`). */
export type AroundKey = NonNullable<z.infer<typeof requestDetailSchema>['around']>;
export type Summary = z.infer<typeof summarySchema>;
export type Breakdown = z.infer<typeof breakdownSchema>;
export type Timeseries = z.infer<typeof timeseriesSchema>;
export type FilterValues = z.infer<typeof filterValuesSchema>;

/**
 * A store's answer to a pasted text (RequestStore.supportLookup): the facts lookupAnswer (components/lookup) words into
 * POST /api/v1/requests/lookup and the lookup page. Defined here so that wording never reaches into db/.
 */
export interface SupportFound {
  request_id: string;
  /** The id as the text wrote it, when it matched only as a prefix variant (`REQ_x` for `req_x`). */
  asked: string | null;
  records: RequestRecord[];
  /** The record the answer is about: its error, else its only record. */
  main: RequestRecord;
  insight: KeyInsight | null;
}

export interface SupportMissing {
  id: string;
  did_you_mean: string[];
}

export interface SupportLookup {
  candidates: string[];
  truncated: boolean;
  found: SupportFound[];
  missing: SupportMissing[];
  not_ids: string[];
  retention_days: number;
  newest_record_ms: number | null;
}
