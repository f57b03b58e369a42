// The main thread's side of the one writer: a bounded queue in front of two workers (ingest/writer-worker.ts):
// a prepare worker that parses batch N+1 while the writer worker commits batch N. Batches wait their turn
// instead of failing on SQLITE_BUSY. Every request is answered within ANSWER_BUDGET_MS of its arrival: when the
// queue is full, or the work ahead (estimated from the recent pace) would not let this batch finish in time, or a
// batch waited too long to start, the sender gets 503 with Retry-After (log shippers back off and resend; the
// batch was never written, and dedupe makes any resend harmless). `errata import` drives the same writer without an
// answer budget: it waits for room (waitForRoom) instead of being refused.
import fs from 'node:fs';
import path from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import { ApiError } from '@/lib/api-error';
import { getEnv } from '@/lib/env';
import { recordBatchRefused, recordIngestBatch, recordRetentionRun, setQueueDepthSource } from '@/lib/metrics';
import type { BatchContext } from './index';
import type { IngestResult } from './types';
import type { RefusedCalls } from '@/db/types';
import type { BatchCtx, PrepareReply, PrepareRequest, WorkerReply, WorkerRequest, WorkerRole } from './writer-protocol';

/** Every ingest answer within 10 s of the request's arrival: 9 s for the queue, the rest for decode and margin. */
export const ANSWER_BUDGET_MS = 9_000;

export interface WriterOptions {
  databasePath: string;
  /** Batches waiting behind the ones being prepared and written (ERRATA_WRITER_QUEUE). */
  queueLimit: number;
  /** Bytes waiting, all batches together: bounds memory under a flood of large bodies. */
  maxQueuedBytes?: number;
  /** A batch that has not started by then is answered 503 (it was never written, so a resend is safe). */
  startTimeoutMs?: number;
  /** From a request's arrival to its answer, at most (default ANSWER_BUDGET_MS). */
  answerBudgetMs?: number;
  /** How often the writer prunes past the retention window, starting at once; 0: never (the import leaves it to the server). */
  retentionIntervalMs?: number;
  /** Counts batches, refusals and prunes in this process's metrics (GET /metrics); off where nothing serves them. */
  metrics?: boolean;
  /** Overrides the worker file (tests run the TypeScript source). */
  worker?: { file: string; execArgv?: string[] };
}

export interface SubmitOptions {
  /** When the request arrived (Date.now()): the answer budget counts from there, decode time included. */
  arrivedMs?: number;
  /**
   * false: no answer budget; the batch waits its turn however long the work ahead, and is never refused as late (an
   * import, which bounds what it hands over with waitForRoom instead). Default true: an HTTP request.
   */
  deadline?: boolean;
}

type Stage = 'queued' | 'prepare' | 'write';

interface Job {
  id: number;
  bytes: Uint8Array;
  /** Decoded size, kept after the bytes are handed over: the pace estimate is per byte. */
  size: number;
  ctx: BatchCtx;
  arrivedMs: number;
  /** Answered within the budget from arrivedMs (an HTTP request), or whenever its turn comes (an import). */
  deadline: boolean;
  stage: Stage;
  resolve: (r: IngestResult) => void;
  reject: (e: unknown) => void;
  timer: NodeJS.Timeout | null;
}

/**
 * The ingest worker: the bundle `npm run build` writes into `<dist>/errata/` (dist: NEXT_DIST_DIR or .next; the
 * server's is under its working directory, the CLI's beside the bundled CLI), else the TypeScript source through tsx.
 * scripts/dist-dir.mjs names the same folder for the .mjs scripts.
 */
// turbopackIgnore: the worker is resolved at run time; Next must not trace or bundle it into the route.
export function resolveWorkerFile(root = process.cwd(), buildDir?: string): { file: string; execArgv?: string[] } {
  const dir = buildDir ?? path.join(/* turbopackIgnore: true */ root, process.env.NEXT_DIST_DIR || '.next', 'errata');
  const built = path.join(/* turbopackIgnore: true */ dir, 'ingest-worker.mjs');
  if (fs.existsSync(built)) return { file: built };
  return { file: path.join(/* turbopackIgnore: true */ root, 'ingest', 'writer-worker-dev.mjs') };
}

/** Per-batch cost that does not scale with size (commit fsync, messages). */
const FIXED_MS = 5;

export class Writer {
  private writer: Worker | null = null;
  private preparer: Worker | null = null;
  private queue: Job[] = [];
  private queuedBytes = 0;
  /** Dispatched to the workers, not yet answered: at most one preparing and one being written. */
  private inflight = new Map<number, Job>();
  private nextId = 1;
  private closing = false;
  /** Recent pace, ms per decoded byte (exponential averages), seeded pessimistically (~40 µs per 300-byte record). */
  private writeMsPerByte = 1.3e-4;
  private prepareMsPerByte = 5e-5;
  private idleWaiters: (() => void)[] = [];
  /** Callers of waitForRoom, each with its bound on batches pending. */
  private roomWaiters: { maxPending: number; resolve: () => void; reject: (e: unknown) => void }[] = [];

  constructor(private readonly opts: WriterOptions) {}

  private get maxQueuedBytes() {
    return this.opts.maxQueuedBytes ?? 256 * 1024 * 1024;
  }

  private get budgetMs() {
    return this.opts.answerBudgetMs ?? ANSWER_BUDGET_MS;
  }

  private get metrics() {
    return this.opts.metrics ?? true;
  }

  /** Estimated ms a batch of `size` bytes adds to the backlog (the slower of the two overlapping stages). */
  private paceMs(size: number): number {
    return FIXED_MS + size * Math.max(this.writeMsPerByte, this.prepareMsPerByte);
  }

  /** Estimated ms from dispatch to commit for a batch alone: prepare then write. */
  private soloMs(size: number): number {
    return FIXED_MS + size * (this.writeMsPerByte + this.prepareMsPerByte);
  }

  /** Estimated ms until everything queued and in flight is answered. */
  backlogMs(): number {
    let ms = 0;
    for (const j of this.inflight.values()) ms += this.paceMs(j.size);
    for (const j of this.queue) ms += this.paceMs(j.size);
    return ms;
  }

  /** Seconds a sender should wait: the work ahead of it at the recent pace, 1 to 10. */
  retryAfterSeconds(): number {
    const s = Math.ceil(this.backlogMs() / 1000);
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
    if (this.backlogMs() > this.budgetMs) throw this.busy('The ingest queue is too long to answer in time; retry after the Retry-After delay.');
  }

  get pending(): number {
    return this.queue.length + this.inflight.size;
  }

  private hasRoom(maxPending: number): boolean {
    return this.pending < maxPending && this.queue.length < this.opts.queueLimit && this.queuedBytes < this.maxQueuedBytes;
  }

  /**
   * Resolves once fewer than `maxPending` batches are queued or in flight and the queue has room: backpressure for a
   * caller without an answer budget (the import), whose next submit is then never refused for a full queue.
   * Rejects when the writer closes.
   */
  waitForRoom(maxPending = this.opts.queueLimit): Promise<void> {
    if (this.closing) return Promise.reject(this.busy('The writer is shutting down.'));
    if (this.hasRoom(maxPending)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => this.roomWaiters.push({ maxPending, resolve, reject }));
  }

  private wakeRoomWaiters() {
    if (this.roomWaiters.length === 0) return;
    this.roomWaiters = this.roomWaiters.filter((w) => {
      if (this.closing) w.reject(this.busy('The writer is shutting down.'));
      else if (this.hasRoom(w.maxPending)) w.resolve();
      else return true;
      return false;
    });
  }

  submit(bytes: Uint8Array, ctx: Omit<BatchContext, 'min_ts_ms'>, options: SubmitOptions = {}): Promise<IngestResult> {
    if (options.deadline === false) return this.submitWithoutDeadline(bytes, ctx);
    this.assertRoom();
    if (this.queuedBytes + bytes.byteLength > this.maxQueuedBytes && this.queue.length > 0) {
      throw this.busy('The ingest queue is full; retry after the Retry-After delay.');
    }
    const now = Date.now();
    const arrivedMs = options.arrivedMs ?? now;
    if (now > arrivedMs + this.budgetMs - FIXED_MS) throw this.busy('The batch took too long to arrive to be stored in time; retry after the Retry-After delay.');
    // The batch would be answered after the budget: refuse now (nothing written) rather than answer late. A batch
    // with nothing ahead of it is always tried: it is the fastest it will ever be.
    if (this.pending > 0 && now + this.backlogMs() + this.soloMs(bytes.byteLength) > arrivedMs + this.budgetMs) {
      throw this.busy('The ingest queue would not get to this batch in time; retry after the Retry-After delay.');
    }
    return new Promise<IngestResult>((resolve, reject) => {
      const job = this.enqueue(bytes, ctx, arrivedMs, true, resolve, reject);
      // Still queued by then: it could not be prepared and written within the budget any more.
      const latest = Math.max(0, arrivedMs + this.budgetMs - this.soloMs(job.size) - now);
      job.timer = setTimeout(() => {
        const at = this.queue.indexOf(job);
        if (at === -1) return; // already started: it will be answered with its result
        this.queue.splice(at, 1);
        this.queuedBytes -= job.size;
        this.countRefused(job, 'late');
        reject(this.busy('The batch waited too long for the writer; retry after the Retry-After delay.'));
        this.wakeRoomWaiters();
      }, Math.min(latest, this.opts.startTimeoutMs ?? 8_000));
      this.pump();
    });
  }

  /** No budget, pace estimate or start timeout: only a full queue (the caller did not wait for room) refuses it. */
  private submitWithoutDeadline(bytes: Uint8Array, ctx: Omit<BatchContext, 'min_ts_ms'>): Promise<IngestResult> {
    if (this.closing) throw this.busy('The writer is shutting down.');
    const full = this.queue.length >= this.opts.queueLimit || (this.queue.length > 0 && this.queuedBytes + bytes.byteLength > this.maxQueuedBytes);
    if (full) throw this.busy('The ingest queue is full: wait for room first.');
    const now = Date.now();
    return new Promise<IngestResult>((resolve, reject) => {
      this.enqueue(bytes, ctx, now, false, resolve, reject);
      this.pump();
    });
  }

  private enqueue(
    bytes: Uint8Array,
    ctx: Omit<BatchContext, 'min_ts_ms'>,
    arrivedMs: number,
    deadline: boolean,
    resolve: (r: IngestResult) => void,
    reject: (e: unknown) => void,
  ): Job {
    const job: Job = {
      id: this.nextId++,
      bytes,
      size: bytes.byteLength,
      ctx: { ...ctx, received_ms: ctx.received_ms ?? arrivedMs },
      arrivedMs,
      deadline,
      stage: 'queued',
      resolve,
      reject,
      timer: null,
    };
    this.queue.push(job);
    this.queuedBytes += job.size;
    return job;
  }

  private countRefused(job: Job, code: string) {
    if (this.metrics) recordBatchRefused(job.ctx.form ? 'otlp' : 'ingest', code);
  }

  private spawnWorker(role: WorkerRole): Worker {
    const spec = this.opts.worker ?? resolveWorkerFile();
    return new Worker(/* turbopackIgnore: true */ spec.file, {
      execArgv: spec.execArgv,
      workerData: { role, databasePath: this.opts.databasePath, retentionIntervalMs: this.opts.retentionIntervalMs ?? 3_600_000 },
    });
  }

  /** Rejects the in-flight jobs in `stages`: their transaction did not commit (it would have answered first). */
  private failInflight(stages: Stage[], message: string) {
    for (const [id, job] of this.inflight) {
      if (!stages.includes(job.stage)) continue;
      this.inflight.delete(id);
      job.reject(this.busy(message));
    }
  }

  private ensureWorkers(): { writer: Worker; preparer: Worker } {
    if (!this.writer) {
      const w = this.spawnWorker('write');
      w.on('message', (msg: WorkerReply) => this.onWriterMessage(msg));
      w.on('error', (err) => console.error('errata: ingest writer failed', err));
      w.on('exit', (code) => {
        if (this.writer !== w) return;
        this.writer = null;
        // Batches in the prepare worker would be handed to the dead writer's port: start both afresh.
        const p = this.preparer;
        this.preparer = null;
        if (p) void p.terminate();
        this.failInflight(['prepare', 'write'], `The ingest writer stopped (exit ${code}); retry shortly.`);
        if (!this.closing) this.pump();
        else this.checkIdle();
      });
      this.writer = w;
    }
    if (!this.preparer) {
      const p = this.spawnWorker('prepare');
      p.on('message', (msg: PrepareReply) => this.onPrepareMessage(msg));
      p.on('error', (err) => console.error('errata: ingest prepare worker failed', err));
      p.on('exit', (code) => {
        if (this.preparer !== p) return;
        this.preparer = null;
        // Batches already handed to the writer are still answered by it.
        this.failInflight(['prepare'], `The ingest worker stopped (exit ${code}); retry shortly.`);
        if (!this.closing) this.pump();
        else this.checkIdle();
      });
      const { port1, port2 } = new MessageChannel();
      p.postMessage({ type: 'port', port: port1 } satisfies PrepareRequest, [port1]);
      this.writer.postMessage({ type: 'port', port: port2 } satisfies WorkerRequest, [port2]);
      this.preparer = p;
    }
    return { writer: this.writer, preparer: this.preparer };
  }

  private onPrepareMessage(msg: PrepareReply) {
    const job = this.inflight.get(msg.id);
    if (!job) return;
    if (msg.type === 'late') {
      this.inflight.delete(msg.id);
      this.countRefused(job, 'late');
      job.reject(this.busy('The batch waited too long for the writer; retry after the Retry-After delay.'));
    } else if (job.stage === 'prepare') {
      job.stage = 'write';
      if (job.size > 64 * 1024) this.prepareMsPerByte = this.prepareMsPerByte * 0.7 + (Math.max(0, msg.ms - FIXED_MS) / job.size) * 0.3;
    }
    this.pump();
  }

  private onWriterMessage(msg: WorkerReply) {
    if (msg.type === 'retention' && this.metrics) recordRetentionRun(msg.ok, msg.deleted);
    if (msg.type !== 'done' && msg.type !== 'failed' && msg.type !== 'late') return;
    const job = this.inflight.get(msg.id);
    if (!job) return;
    this.inflight.delete(msg.id);
    const api = job.ctx.form ? 'otlp' : 'ingest';
    if (msg.type === 'done') {
      if (job.size > 64 * 1024) this.writeMsPerByte = this.writeMsPerByte * 0.7 + (Math.max(0, msg.ms - FIXED_MS) / job.size) * 0.3;
      const r = msg.result;
      const reasons = msg.reasons ?? (r.rejected > 0 ? { unknown: r.rejected } : {});
      if (this.metrics) recordIngestBatch({ api, token_id: job.ctx.token_id, accepted: r.accepted, duplicates: r.duplicates, reasons, bytes: job.size, seconds: (Date.now() - job.arrivedMs) / 1000 });
      job.resolve(msg.result);
    } else if (msg.type === 'late') {
      // Given up mid-write: the full write would have taken longer still, so the pace is at least this slow.
      if (msg.ms && job.size > 64 * 1024) this.writeMsPerByte = Math.max(this.writeMsPerByte, (msg.ms - FIXED_MS) / job.size);
      this.countRefused(job, 'late');
      job.reject(this.busy('The batch waited too long for the writer; retry after the Retry-After delay.'));
    } else {
      // A refusal the sender should retry later carries Retry-After (the worker cannot set headers itself).
      const ra = msg.error.details.retry_after;
      const headers: Record<string, string> = typeof ra === 'number' ? { 'Retry-After': String(ra) } : {};
      this.countRefused(job, msg.error.code);
      job.reject(new ApiError(msg.error.code, msg.error.message, msg.error.details, headers));
    }
    this.pump();
  }

  /**
   * Starts the workers before any batch arrives: the writer prunes retention at once and then hourly, so a server
   * that receives nothing still drops what is past the retention window. Idle workers keep nothing alive.
   */
  start(): void {
    if (this.closing) return;
    this.ensureWorkers();
    if (this.pending === 0) this.checkIdle();
  }

  private checkIdle() {
    this.wakeRoomWaiters();
    if (this.queue.length > 0 || this.inflight.size > 0) return;
    // Idle workers do not keep the process alive; a batch in flight does.
    this.writer?.unref();
    this.preparer?.unref();
    for (const w of this.idleWaiters.splice(0)) w();
  }

  private pump() {
    // One batch preparing while the one before it is written: the two stages overlap, no more is held in flight.
    while (this.queue.length > 0 && this.inflight.size < 2) {
      for (const j of this.inflight.values()) if (j.stage === 'prepare') return;
      const job = this.queue.shift()!;
      if (job.timer) clearTimeout(job.timer);
      this.queuedBytes -= job.size;
      const { writer, preparer } = this.ensureWorkers();
      writer.ref();
      preparer.ref();
      job.stage = 'prepare';
      const owns = job.bytes.byteOffset === 0 && job.bytes.byteLength === job.bytes.buffer.byteLength;
      // A view into a larger buffer is copied first: transferring would take (and detach) the whole buffer, which
      // may still hold the caller's next bytes (the import's read stream). Not `slice()`: on a Buffer it is a view.
      const bytes = owns ? job.bytes : new Uint8Array(job.bytes);
      // The write may start no later than this, or the answer would come after the budget; a batch with nothing
      // in flight ahead of it is always written.
      const alone = this.inflight.size === 0;
      const start_by_ms = alone || !job.deadline ? null : job.arrivedMs + this.budgetMs - FIXED_MS - job.size * this.writeMsPerByte;
      this.inflight.set(job.id, job);
      // Past this, the workers stop mid-batch (the write is rolled back) and the sender gets 503 in time.
      const deadline_ms = job.deadline ? job.arrivedMs + this.budgetMs : null;
      const msg: PrepareRequest = { type: 'batch', id: job.id, bytes, ctx: job.ctx, start_by_ms, deadline_ms };
      // Transferring hands the body over without a copy; the main thread no longer needs it.
      preparer.postMessage(msg, [bytes.buffer as ArrayBuffer]);
      job.bytes = new Uint8Array(0);
    }
    this.checkIdle();
  }

  private lastNote = new Map<string, number>();
  private refused = new Map<string, RefusedCalls>();
  private refusedSamples: { token_id: number; received_ms: number; code: string; message: string }[] = [];
  private refusedTimer: ReturnType<typeof setTimeout> | null = null;

  /**
   * Counts a call refused at the door (revoked, unknown or missing token, wrong scope) for ingest health. Summed here
   * and sent to the writer at most once a second, so a shipper hammering with a revoked token costs no write per call;
   * one sample per token and code every 10 s.
   */
  noteRefusedCall(token_id: number, code: string, message: string, now = Date.now()): void {
    if (this.closing) return;
    const hour_ms = Math.floor(now / 3_600_000) * 3_600_000;
    const key = `${token_id}:${hour_ms}`;
    const c = this.refused.get(key);
    if (c) {
      c.count++;
      c.last_ms = Math.max(c.last_ms, now);
    } else if (this.refused.size < 10_000) {
      this.refused.set(key, { token_id, hour_ms, count: 1, last_ms: now });
    }
    const sampleKey = `refused:${token_id}:${code}`;
    if (now - (this.lastNote.get(sampleKey) ?? 0) >= 10_000 && this.refusedSamples.length < 100) {
      this.lastNote.set(sampleKey, now);
      if (this.lastNote.size > 10_000) this.lastNote.clear();
      this.refusedSamples.push({ token_id, received_ms: now, code, message });
    }
    if (!this.refusedTimer) {
      this.refusedTimer = setTimeout(() => this.flushRefused(), 1000);
      this.refusedTimer.unref();
    }
  }

  private flushRefused(): void {
    this.refusedTimer = null;
    if (this.refused.size === 0 && this.refusedSamples.length === 0) return;
    const msg: WorkerRequest = { type: 'refused-calls', calls: [...this.refused.values()], samples: this.refusedSamples };
    this.refused = new Map();
    this.refusedSamples = [];
    const { writer } = this.ensureWorkers();
    writer.postMessage(msg);
    if (this.pending === 0) this.checkIdle();
  }

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
    const { writer } = this.ensureWorkers();
    const msg: WorkerRequest = { type: 'rejected-batch', token_id, received_ms: now, code, message };
    writer.postMessage(msg);
    if (this.pending === 0) this.checkIdle();
  }

  /** Stops accepting, lets queued and in-flight batches finish, then closes the worker's database. */
  async close(): Promise<void> {
    if (this.refusedTimer) {
      clearTimeout(this.refusedTimer);
      if (this.writer) this.flushRefused();
      this.refusedTimer = null;
    }
    this.closing = true;
    this.wakeRoomWaiters();
    if (this.pending > 0) await new Promise<void>((r) => this.idleWaiters.push(r));
    const p = this.preparer;
    this.preparer = null;
    if (p) await p.terminate();
    const w = this.writer;
    if (!w) return;
    w.ref();
    await new Promise<void>((resolve) => {
      w.once('exit', () => resolve());
      w.on('message', (m: WorkerReply) => {
        if (m.type === 'closed') void w.terminate();
      });
      w.postMessage({ type: 'close' } satisfies WorkerRequest);
    });
    this.writer = null;
  }
}

const globalForWriter = globalThis as unknown as { errataWriter?: Writer };

/** The server's writer, created on first use with settings from the environment. */
export function getWriter(): Writer {
  if (!globalForWriter.errataWriter) {
    const writer = new Writer({ databasePath: getEnv().DATABASE_PATH, queueLimit: getEnv().ERRATA_WRITER_QUEUE });
    setQueueDepthSource(() => writer.pending);
    globalForWriter.errataWriter = writer;
  }
  return globalForWriter.errataWriter;
}
