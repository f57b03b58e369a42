// The pipeline's vocabulary, shared by the HTTP route, the CLI, the writer worker, the demo and the benches.
import type { RequestRecord } from '@/lib/api-types';

/** Gateway fields absent on records from older gateways and producers. */
type OptionalGatewayField = 'idempotency_key' | 'request_fingerprint' | 'idempotent_replayed' | 'user_agent';

/**
 * A validated, normalized gateway record: exactly what `requests` stores. It is the API's record (lib/wire.ts) less
 * what a read derives (the ISO `ts`, `kind`, `catalog`), with `code` '' for a success record (the API's null). A type
 * only: ingest/validate.ts keeps its own input rules and hand-written fast path, so the wire schema is never parsed here.
 */
export type GatewayRecord = Omit<RequestRecord, 'code' | 'ts' | 'kind' | 'catalog' | OptionalGatewayField> & {
  code: string;
} & Partial<Pick<RequestRecord, OptionalGatewayField>>;

/** A batch's answer and a rejected record's reason: the wire format (lib/wire.ts). */
export type { IngestResult, RecordError } from '@/lib/api-types';

export const MAX_REPORTED_ERRORS = 100;

/** Thrown by the pipeline when a batch's answer deadline passes mid-work: nothing was written (rolled back). */
export { DeadlineExceeded } from '@/db/types';
