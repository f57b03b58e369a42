// The API's answers as TypeScript types, inferred from their zod schemas (lib/openapi.ts): what components render and
// the client hooks fetch, whichever store produced it. The stores' own result types (db/types.ts) must stay
// assignable to these; the pages that hand a store's result to a component check that at compile time.
import type { z } from 'zod';
import type { breakdownSchema, filterValuesSchema, requestDetailSchema, requestRecordSchema, summarySchema, timeseriesSchema } from './openapi';

export type RequestRecord = z.infer<typeof requestRecordSchema>;
/** What the same key did around a request (GET /api/v1/requests/{request_id} `around`). */
export type AroundKey = NonNullable<z.infer<typeof requestDetailSchema>['around']>;
export type Summary = z.infer<typeof summarySchema>;
export type Breakdown = z.infer<typeof breakdownSchema>;
export type Timeseries = z.infer<typeof timeseriesSchema>;
export type FilterValues = z.infer<typeof filterValuesSchema>;
