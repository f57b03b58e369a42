// Messages between the server's main thread (ingest/writer.ts), the prepare worker and the writer worker
// (both ingest/writer-worker.ts, told apart by workerData.role).
//
//   main ──batch (bytes, transferred)──▶ prepare ──prepared rows (MessageChannel)──▶ writer ──done/failed──▶ main
//
// The prepare worker parses, normalizes and validates batch N+1 while the writer commits batch N.
import type { MessagePort } from 'node:worker_threads';
import type { ApiErrorCode } from '@/lib/api-error';
import type { BatchContext } from './index';
import type { IngestResult, RecordError } from './types';
import type { RejectionSample, RequestRow } from '@/db/types';

export type WorkerRole = 'prepare' | 'write';

export type BatchCtx = Omit<BatchContext, 'min_ts_ms'> & { received_ms: number };

export interface FailureInfo {
  code: ApiErrorCode;
  message: string;
  details: Record<string, unknown>;
}

/** Main thread → prepare worker. */
export type PrepareRequest =
  | { type: 'port'; port: MessagePort }
  /** `start_by_ms`: wall-clock time after which the batch is refused unwritten (the answer would come too late). */
  | { type: 'batch'; id: number; bytes: Uint8Array; ctx: BatchCtx; start_by_ms: number | null; deadline_ms?: number | null };

/** Prepare worker → main thread. */
export type PrepareReply = { type: 'prepared'; id: number; ms: number } | { type: 'late'; id: number };

/** Prepare worker → writer worker, over the MessageChannel. */
export type PreparedMessage =
  | {
      type: 'prepared';
      id: number;
      ctx: BatchCtx;
      rows: RequestRow[];
      /** The first 100 errors and the total count. */
      errors: RecordError[];
      rejected: number;
      samples: RejectionSample[];
      start_by_ms: number | null;
      /** Past it (mid-write), the transaction is rolled back and the batch refused as late. */
      deadline_ms?: number | null;
    }
  /** A whole-batch refusal (invalid_body, too_many_records) or an unexpected failure: the writer records and answers it. */
  | { type: 'unprepared'; id: number; ctx: BatchCtx; error: FailureInfo; api: boolean };

/** Writer worker → prepare worker, over the MessageChannel: the retention window, for `expired`. */
export type RetentionMessage = { type: 'retention'; days: number };

/** Main thread → writer worker. */
export type WorkerRequest =
  | { type: 'port'; port: MessagePort }
  | { type: 'close' }
  /** A batch refused before it reached the worker: recorded for ingest health, no answer. */
  | { type: 'rejected-batch'; token_id: number | null; received_ms: number; code: string; message: string };

/** Writer worker → main thread. `ms` is the write alone (the transaction), for the pace estimate. */
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'closed' }
  | { type: 'done'; id: number; result: IngestResult; ms: number }
  /** Refused unwritten: it would have been answered after its deadline (`ms`: time spent before giving up). */
  | { type: 'late'; id: number; ms?: number }
  | { type: 'failed'; id: number; error: FailureInfo; ms: number };
