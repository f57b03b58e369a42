// Messages between the server's main thread (ingest/writer.ts) and the writer worker.
import type { ApiErrorCode } from '@/lib/api-error';
import type { BatchContext } from './index';
import type { IngestResult } from './types';

export type WorkerRequest =
  | { type: 'batch'; id: number; bytes: Uint8Array; ctx: Omit<BatchContext, 'min_ts_ms'> }
  | { type: 'close' }
  /** A batch refused before it reached the worker: recorded for ingest health, no answer. */
  | { type: 'rejected-batch'; token_id: number | null; received_ms: number; code: string; message: string };

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'closed' }
  | { type: 'done'; id: number; result: IngestResult; ms: number }
  | { type: 'failed'; id: number; error: { code: ApiErrorCode; message: string; details: Record<string, unknown> }; ms: number };
