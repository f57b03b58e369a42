// The main thread's side of the one writer: a bounded queue in front of the writer worker. Batches wait their
// turn instead of failing on SQLITE_BUSY; when the queue is full, or a batch waited too long to start, the
// sender gets 503 with Retry-After (log shippers back off and resend; dedupe makes the resend harmless).
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ApiError } from '@/lib/api-error';
import type { BatchContext } from './index';
import type { IngestResult } from './types';
import type { WorkerReply, WorkerRequest } from './writer-protocol';

export interface WriterOptions {
  databasePath: string;
  /** Batches waiting behind the one being written (ERRATA_WRITER_QUEUE). */
  queueLimit: number;
  /** Bytes waiting, all batches together: bounds memory under a flood of large bodies. */
  maxQueuedBytes?: number;
  /** A batch that has not started by then is answered 503 (it was never written, so a resend is safe). */
  startTimeoutMs?: number;
  retentionIntervalMs?: number;
  /** Overrides the worker file (tests run the TypeScript source). */
  worker?: { file: string; execArgv?: string[] };
}

interface Job {
  id: number;
  bytes: Uint8Array;
  ctx: Omit<BatchContext, 'min_ts_ms'>;
  resolve: (r: IngestResult) => void;
  reject: (e: unknown) => void;
  timer: NodeJS.Timeout | null;
}

/** The bundled worker in production (`npm run build` writes it), else the TypeScript source through tsx. */
// turbopackIgnore: the worker is resolved at run time; Next must not trace or bundle it into the route.
export function resolveWorkerFile(cwd = process.cwd()): { file: string; execArgv?: string[] } {
  const built = path.join(/* turbopackIgnore: true */ cwd, '.errata', 'ingest-worker.mjs');
  if (fs.existsSync(built)) return { file: built };
  return { file: path.join(/* turbopackIgnore: true */ cwd, 'ingest', 'writer-worker-dev.mjs') };
}

export class Writer {
  private worker: Worker | null = null;
  private queue: Job[] = [];
  private queuedBytes = 0;
  private current: Job | null = null;
  private nextId = 1;
  private closing = false;
  private avgBatchMs = 50;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly opts: WriterOptions) {}

  private get maxQueuedBytes() {
    return this.opts.maxQueuedBytes ?? 256 * 1024 * 1024;
  }

  /** Seconds a sender should wait: the queue ahead of it at the recent pace, 1 to 10. */
  retryAfterSeconds(): number {
    const s = Math.ceil(((this.queue.length + 1) * this.avgBatchMs) / 1000);
    return Math.min(10, Math.max(1, s));
  }

  private busy(message: string): ApiError {
    const retry = this.retryAfterSeconds();
    return new ApiError('service_unavailable', message, { retry_after: retry }, { 'Retry-After': String(retry) });
  }

  /** Cheap check before reading a body: refuse at once rather than after uploading 16 MiB. */
  assertRoom(): void {
    if (this.closing) throw this.busy('The server is shutting down; retry shortly.');
    if (this.queue.length >= this.opts.queueLimit) throw this.busy('The ingest queue is full; retry after the Retry-After delay.');
  }

  get pending(): number {
    return this.queue.length + (this.current ? 1 : 0);
  }

  submit(bytes: Uint8Array, ctx: Omit<BatchContext, 'min_ts_ms'>): Promise<IngestResult> {
    this.assertRoom();
    if (this.queuedBytes + bytes.byteLength > this.maxQueuedBytes && this.queue.length > 0) {
      throw this.busy('The ingest queue is full; retry after the Retry-After delay.');
    }
    return new Promise<IngestResult>((resolve, reject) => {
      const job: Job = { id: this.nextId++, bytes, ctx, resolve, reject, timer: null };
      job.timer = setTimeout(() => {
        const at = this.queue.indexOf(job);
        if (at === -1) return; // already started: it will be answered with its result
        this.queue.splice(at, 1);
        this.queuedBytes -= job.bytes.byteLength;
        reject(this.busy('The batch waited too long for the writer; retry after the Retry-After delay.'));
      }, this.opts.startTimeoutMs ?? 8_000);
      this.queue.push(job);
      this.queuedBytes += bytes.byteLength;
      this.pump();
    });
  }

  private spawn(): Worker {
    const spec = this.opts.worker ?? resolveWorkerFile();
    const w = new Worker(/* turbopackIgnore: true */ spec.file, {
      execArgv: spec.execArgv,
      workerData: { databasePath: this.opts.databasePath, retentionIntervalMs: this.opts.retentionIntervalMs ?? 3_600_000 },
    });
    w.on('message', (msg: WorkerReply) => this.onMessage(msg));
    w.on('error', (err) => console.error('errata: ingest writer failed', err));
    w.on('exit', (code) => {
      if (this.worker === w) this.worker = null;
      const job = this.current;
      this.current = null;
      if (job) {
        // The transaction did not commit (it would have answered first): the sender may resend safely.
        job.reject(this.busy(`The ingest writer stopped (exit ${code}); retry shortly.`));
      }
      if (!this.closing) this.pump();
    });
    return w;
  }

  private onMessage(msg: WorkerReply) {
    if (msg.type !== 'done' && msg.type !== 'failed') return;
    const job = this.current;
    if (!job || job.id !== msg.id) return;
    this.current = null;
    this.avgBatchMs = this.avgBatchMs * 0.8 + msg.ms * 0.2;
    if (msg.type === 'done') job.resolve(msg.result);
    else {
      // A refusal the sender should retry later carries Retry-After (the worker cannot set headers itself).
      const ra = msg.error.details.retry_after;
      const headers: Record<string, string> = typeof ra === 'number' ? { 'Retry-After': String(ra) } : {};
      job.reject(new ApiError(msg.error.code, msg.error.message, msg.error.details, headers));
    }
    this.pump();
  }

  private pump() {
    if (this.current) return;
    const job = this.queue.shift();
    if (!job) {
      // An idle writer does not keep the process alive; a batch in flight does.
      this.worker?.unref();
      for (const w of this.idleWaiters.splice(0)) w();
      return;
    }
    if (job.timer) clearTimeout(job.timer);
    this.queuedBytes -= job.bytes.byteLength;
    this.current = job;
    this.worker ??= this.spawn();
    this.worker.ref();
    const owns = job.bytes.byteOffset === 0 && job.bytes.byteLength === job.bytes.buffer.byteLength;
    const bytes = owns ? job.bytes : job.bytes.slice();
    const msg: WorkerRequest = { type: 'batch', id: job.id, bytes, ctx: job.ctx };
    // Transferring hands the body over without a copy; the main thread no longer needs it.
    this.worker.postMessage(msg, [bytes.buffer as ArrayBuffer]);
    job.bytes = new Uint8Array(0);
  }

  private lastNote = new Map<string, number>();

  /**
   * Records a batch refused before the worker saw it (413, 415, empty), for ingest health. At most one per token
   * and code every 10 s: a shipper stuck on an oversized batch must not turn into a write per retry.
   */
  noteRejectedBatch(token_id: number | null, code: string, message: string, now = Date.now()): void {
    if (this.closing) return;
    const key = `${token_id}:${code}`;
    if (now - (this.lastNote.get(key) ?? 0) < 10_000) return;
    this.lastNote.set(key, now);
    if (this.lastNote.size > 10_000) this.lastNote.clear();
    this.worker ??= this.spawn();
    const msg: WorkerRequest = { type: 'rejected-batch', token_id, received_ms: now, code, message };
    this.worker.postMessage(msg);
  }

  /** Stops accepting, lets queued and in-flight batches finish, then closes the worker's database. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.pending > 0) await new Promise<void>((r) => this.idleWaiters.push(r));
    const w = this.worker;
    if (!w) return;
    w.ref();
    await new Promise<void>((resolve) => {
      w.once('exit', () => resolve());
      w.on('message', (m: WorkerReply) => {
        if (m.type === 'closed') void w.terminate();
      });
      w.postMessage({ type: 'close' } satisfies WorkerRequest);
    });
    this.worker = null;
  }
}

const globalForWriter = globalThis as unknown as { errataWriter?: Writer };

/** The server's writer, created on first use with settings from the environment. */
export function getWriter(config: () => WriterOptions): Writer {
  globalForWriter.errataWriter ??= new Writer(config());
  return globalForWriter.errataWriter;
}
