// The one writer: a worker thread that owns the write connection and runs parse → normalize → validate → write
// per batch, so a 100 ms transaction never stalls lookups on the main thread. Also prunes retention hourly.
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '@/db/client';
import { pruneRetention, retentionCutoff } from '@/db/queries/retention';
import { getRetentionDays } from '@/db/queries/settings';
import { ApiError } from '@/lib/api-error';
import { processBatch, type BatchContext } from './index';
import { recordRejectedBatch } from './write';
import type { WorkerReply, WorkerRequest } from './writer-protocol';

const { databasePath, retentionIntervalMs } = workerData as { databasePath: string; retentionIntervalMs: number };
const port = parentPort!;
const db = openDatabase(databasePath);
let closed = false;

// Between chunks the worker returns to its message loop, so ingest batches interleave with a large prune.
function prune() {
  if (closed) return;
  try {
    const r = pruneRetention(db, { days: getRetentionDays(db), maxRows: 50_000 });
    if (r.more) setImmediate(prune);
  } catch (err) {
    console.error('errata: retention prune failed', err);
  }
}
setImmediate(prune);
setInterval(prune, retentionIntervalMs).unref();

function noteRejected(token_id: number | null, received_ms: number, code: string, message: string) {
  try {
    recordRejectedBatch(db, { token_id, received_ms, code, message });
  } catch (err) {
    console.error('errata: could not record a rejected batch', err);
  }
}

port.on('message', (msg: WorkerRequest) => {
  if (msg.type === 'close') {
    closed = true;
    db.$client.close();
    port.postMessage({ type: 'closed' } satisfies WorkerReply);
    return;
  }
  if (msg.type === 'rejected-batch') {
    noteRejected(msg.token_id, msg.received_ms, msg.code, msg.message);
    return;
  }
  const started = performance.now();
  try {
    const ctx: BatchContext = {
      ...msg.ctx,
      min_ts_ms: retentionCutoff(msg.ctx.received_ms ?? Date.now(), getRetentionDays(db)),
    };
    const result = processBatch(db, msg.bytes, ctx);
    port.postMessage({ type: 'done', id: msg.id, result, ms: performance.now() - started } satisfies WorkerReply);
  } catch (err) {
    const error =
      err instanceof ApiError
        ? { code: err.code, message: err.message, details: err.details }
        : { code: 'internal_error' as const, message: err instanceof Error ? err.message : String(err), details: {} };
    if (!(err instanceof ApiError)) console.error('errata: ingest batch failed', err);
    else noteRejected(msg.ctx.token_id, msg.ctx.received_ms ?? Date.now(), err.code, err.message);
    port.postMessage({ type: 'failed', id: msg.id, error, ms: performance.now() - started } satisfies WorkerReply);
  }
});
port.postMessage({ type: 'ready' } satisfies WorkerReply);
