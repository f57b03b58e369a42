// The pipeline's vocabulary, shared by the HTTP route, the CLI, the writer worker, the demo and the benches.

/** A validated, normalized gateway record: exactly what `requests` stores. */
export interface GatewayRecord {
  request_id: string;
  /** '' for a success record. */
  code: string;
  ts_ms: number;
  status: number;
  method: string | null;
  path: string | null;
  route: string | null;
  latency_ms: number | null;
  key_id: string | null;
  account_id: string | null;
  tier: string | null;
  message: string | null;
  details: Record<string, unknown> | null;
  reason: string | null;
  unknown_code: boolean;
  status_mismatch: boolean;
}

/** Why one record of a batch was rejected; `line` is 1-based within the batch. */
export interface RecordError {
  line: number;
  code: string;
  message: string;
  field?: string;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: number;
  /** The first 100 errors. */
  errors: RecordError[];
}

export const MAX_REPORTED_ERRORS = 100;

/** Thrown by the pipeline when a batch's answer deadline passes mid-work: nothing was written (rolled back). */
export { DeadlineExceeded } from '@/db/types';
