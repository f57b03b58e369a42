// The ingest workers, one file for both roles (workerData.role):
// - 'write': the one writer. Opens its request store (for SQLite: its own write connection, which also reads the
//   retention setting), commits prepared batches through writeBatch, prunes retention hourly.
// - 'prepare': parses, normalizes and validates a batch into column-ordered rows and hands them to the writer
//   over a MessageChannel, so parsing batch N+1 overlaps the commit of batch N (two cores instead of one), and
//   neither ever runs on the server's main thread, where lookups are answered.
import os from 'node:os';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { openDatabase, type Db } from '@/db/client';
import { openRequestStore } from '@/db/open-store';
import { getRetentionDays } from '@/db/queries/settings';
import type { RequestStore } from '@/db/store';
import { ApiError, type ApiErrorCode } from '@/lib/api-error';
import { retentionCutoff } from '@/lib/time-buckets';
import { prepareBatch } from './index';
import { DeadlineExceeded, MAX_REPORTED_ERRORS } from './types';
import { toRow } from './rows';
import type {
  FailureInfo,
  PreparedMessage,
  PrepareReply,
  PrepareRequest,
  RetentionMessage,
  WorkerReply,
  WorkerRequest,
  WorkerRole,
} from './writer-protocol';

const WORKER_NICE = 10;
const { databasePath, retentionIntervalMs, role } = workerData as { databasePath: string; retentionIntervalMs: number; role?: WorkerRole };

// Lookups run on the main thread and a support agent is waiting on each one; ingest batches are waited on by a log
// shipper. On Linux the nice value is per thread, so these workers yield the CPU to the main thread whenever both
// want it (on an idle core they run at full speed). Best effort: an unprivileged process may only raise it.
try {
  os.setPriority(Math.min(19, os.getPriority() + WORKER_NICE));
} catch {
  /* not permitted here: run at the process's priority */
}
const port = parentPort!;

// SQLite could not write (disk full, read-only file, I/O error): nothing of the batch was stored, and the same
// batch will succeed once the storage recovers, so the sender gets 503 + Retry-After rather than a 500.
const STORAGE_FAILURE = /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|BUSY|LOCKED|PERM)/;
const STORAGE_RETRY_AFTER_S = 30;

function describeFailure(err: unknown): FailureInfo {
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

if (role === 'prepare') runPrepare();
else runWriter();

function runPrepare() {
  let writer: MessagePort | null = null;
  let days: number | null = null;
  const waiting: Extract<PrepareRequest, { type: 'batch' }>[] = [];

  const prepare = (msg: Extract<PrepareRequest, { type: 'batch' }>) => {
    const out = writer!;
    if (msg.start_by_ms !== null && Date.now() > msg.start_by_ms) {
      port.postMessage({ type: 'late', id: msg.id } satisfies PrepareReply);
      return;
    }
    const started = performance.now();
    let forward: PreparedMessage;
    try {
      const min_ts_ms = retentionCutoff(msg.ctx.received_ms, days!);
      const p = prepareBatch(msg.bytes, { line_offset: msg.ctx.line_offset, min_ts_ms, deadline_ms: msg.deadline_ms, form: msg.ctx.form });
      const reasons: Record<string, number> = {};
      for (const e of p.errors) reasons[e.code] = (reasons[e.code] ?? 0) + 1;
      const rows = new Array(p.records.length);
      for (let i = 0; i < rows.length; i++) rows[i] = toRow(p.records[i]);
      forward = {
        type: 'prepared',
        id: msg.id,
        ctx: msg.ctx,
        rows,
        errors: p.errors.length > MAX_REPORTED_ERRORS ? p.errors.slice(0, MAX_REPORTED_ERRORS) : p.errors,
        rejected: p.errors.length,
        reasons,
        samples: p.samples,
        start_by_ms: msg.start_by_ms,
        deadline_ms: msg.deadline_ms,
      };
    } catch (err) {
      if (err instanceof DeadlineExceeded) {
        port.postMessage({ type: 'late', id: msg.id } satisfies PrepareReply);
        return;
      }
      if (!(err instanceof ApiError)) console.error('errata: ingest batch could not be prepared', err);
      forward = { type: 'unprepared', id: msg.id, ctx: msg.ctx, error: describeFailure(err), api: err instanceof ApiError };
    }
    out.postMessage(forward);
    port.postMessage({ type: 'prepared', id: msg.id, ms: performance.now() - started } satisfies PrepareReply);
  };
  const drain = () => {
    if (writer === null || days === null) return;
    for (const m of waiting.splice(0)) prepare(m);
  };

  port.on('message', (msg: PrepareRequest) => {
    if (msg.type === 'port') {
      writer = msg.port;
      writer.on('message', (m: RetentionMessage) => {
        if (m.type === 'retention') {
          days = m.days;
          drain();
        }
      });
      drain();
      return;
    }
    if (writer === null || days === null) waiting.push(msg);
    else prepare(msg);
  });
}

function runWriter() {
  const db: Db = openDatabase(databasePath);
  const store: RequestStore = openRequestStore(db);
  let closed = false;
  const ports: MessagePort[] = [];
  let days = getRetentionDays(db);

  // Between chunks the worker returns to its message loop, so ingest batches interleave with a large prune.
  let pruned = 0;
  async function prune() {
    if (closed) return;
    try {
      const r = await store.prune({ days: getRetentionDays(db), maxRows: 50_000 });
      pruned += r.requests;
      if (r.more) {
        setImmediate(prune);
        return;
      }
      port.postMessage({ type: 'retention', ok: true, deleted: pruned } satisfies WorkerReply);
    } catch (err) {
      console.error('errata: retention prune failed', err);
      port.postMessage({ type: 'retention', ok: false, deleted: pruned } satisfies WorkerReply);
    }
    pruned = 0;
  }
  // 0: no pruning here (an import); the server's writer prunes.
  if (retentionIntervalMs > 0) {
    setImmediate(prune);
    setInterval(prune, retentionIntervalMs).unref();
  }

  /** The prepare worker rejects `expired` records itself: it learns the window here, and again when it changes. */
  function checkRetention() {
    const now = getRetentionDays(db);
    if (now === days) return;
    days = now;
    for (const p of ports) p.postMessage({ type: 'retention', days } satisfies RetentionMessage);
  }

  async function noteRejected(token_id: number | null, received_ms: number, code: string, message: string) {
    try {
      await store.recordRejectedBatch({ token_id, received_ms, code, message });
    } catch (err) {
      console.error('errata: could not record a rejected batch', err);
    }
  }

  async function write(msg: PreparedMessage) {
    if (closed) return;
    if (msg.type === 'unprepared') {
      if (msg.api) await noteRejected(msg.ctx.token_id, msg.ctx.received_ms, msg.error.code, msg.error.message);
      port.postMessage({ type: 'failed', id: msg.id, error: msg.error, ms: 0 } satisfies WorkerReply);
      return;
    }
    // Refused unwritten rather than answered after the sender's deadline (a resend is safe).
    if (msg.start_by_ms !== null && Date.now() > msg.start_by_ms) {
      port.postMessage({ type: 'late', id: msg.id } satisfies WorkerReply);
      return;
    }
    const started = performance.now();
    try {
      const { accepted, duplicates } = await store.writeBatch(msg.rows, {
        token_id: msg.ctx.token_id,
        received_ms: msg.ctx.received_ms,
        rejected: msg.rejected,
        rejections: msg.samples,
        deadline_ms: msg.deadline_ms,
      });
      const result = { accepted, duplicates, rejected: msg.rejected, errors: msg.errors };
      port.postMessage({ type: 'done', id: msg.id, result, ms: performance.now() - started, reasons: msg.reasons } satisfies WorkerReply);
    } catch (err) {
      if (err instanceof DeadlineExceeded) {
        port.postMessage({ type: 'late', id: msg.id, ms: performance.now() - started } satisfies WorkerReply);
        return;
      }
      const error = describeFailure(err);
      if (!(err instanceof ApiError)) console.error('errata: ingest batch failed', err);
      else await noteRejected(msg.ctx.token_id, msg.ctx.received_ms, err.code as ApiErrorCode, err.message);
      port.postMessage({ type: 'failed', id: msg.id, error, ms: performance.now() - started } satisfies WorkerReply);
    }
    try {
      checkRetention();
    } catch (err) {
      console.error('errata: could not read the retention setting', err);
    }
  }

  port.on('message', async (msg: WorkerRequest) => {
    if (msg.type === 'close') {
      closed = true;
      for (const p of ports) p.close();
      try {
        await store.close();
      } finally {
        db.$client.close();
      }
      port.postMessage({ type: 'closed' } satisfies WorkerReply);
      return;
    }
    if (msg.type === 'port') {
      // A new prepare worker (the first, or one started after the previous one exited).
      ports.push(msg.port);
      msg.port.on('message', write);
      msg.port.postMessage({ type: 'retention', days } satisfies RetentionMessage);
      msg.port.on('close', () => ports.splice(ports.indexOf(msg.port) >>> 0, 1));
      return;
    }
    if (msg.type === 'rejected-batch') {
      await noteRejected(msg.token_id, msg.received_ms, msg.code, msg.message);
      return;
    }
    if (msg.type === 'refused-calls') {
      try {
        await store.recordRefusedCalls(msg.calls, msg.samples);
      } catch (err) {
        console.error('errata: could not record refused calls', err);
      }
      return;
    }
  });
  port.postMessage({ type: 'ready' } satisfies WorkerReply);
}
