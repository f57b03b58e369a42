// The one writer: a worker thread that owns the write connection and runs parse → normalize → validate → write
// per batch, so a 100 ms transaction never stalls lookups on the main thread. Also prunes retention hourly.
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '@/db/client';
import { pruneRetention, retentionCutoff } from '@/db/queries/retention';
import { getRetentionDays } from '@/db/queries/settings';
import { ApiError, type ApiErrorCode } from '@/lib/api-error';
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

// SQLite could not write (disk full, read-only file, I/O error): nothing of the batch was stored, and the same
// batch will succeed once the storage recovers, so the sender gets 503 + Retry-After rather than a 500.
const STORAGE_FAILURE = /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|BUSY|LOCKED|PERM)/;
const STORAGE_RETRY_AFTER_S = 30;

function describeFailure(err: unknown): { code: ApiErrorCode; message: string; details: Record<string, unknown> } {
  if (err instanceof ApiError) return { code: err.code, message: err.message, details: err.details };
  const sqlite = (err as { code?: unknown } | null)?.code;
  if (typeof sqlite === 'string' && STORAGE_FAILURE.test(sqlite)) {
    const reason = sqlite === 'SQLITE_FULL' ? 'disk_full' : sqlite.startsWith('SQLITE_READONLY') || sqlite === 'SQLITE_PERM' ? 'read_only' : 'io_error';
    return {
      code: 'storage_unavailable',
      message: 'The database cannot be written right now (disk full, read-only or failing storage); the batch was not stored. Retry later.',
      details: { reason, retry_after: STORAGE_RETRY_AFTER_S },
    };
  }
  // Never echo an unexpected exception to the client: it is logged here with its stack.
  return { code: 'internal_error', message: 'The batch could not be stored because of an internal error; retry later.', details: {} };
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
    const error = describeFailure(err);
    if (!(err instanceof ApiError)) console.error('errata: ingest batch failed', err);
    else noteRejected(msg.ctx.token_id, msg.ctx.received_ms ?? Date.now(), err.code, err.message);
    port.postMessage({ type: 'failed', id: msg.id, error, ms: performance.now() - started } satisfies WorkerReply);
  }
});
port.postMessage({ type: 'ready' } satisfies WorkerReply);
