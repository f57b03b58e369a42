// Bytes in, bytes out: reads a request body as a stream under byte caps and undoes its Content-Encoding.
// Decompression is streamed so a gzip bomb is stopped at the cap instead of being inflated whole.
import zlib from 'node:zlib';
import { Decompress as ZstdDecompress } from 'fzstd';
import { ApiError } from '@/lib/api-error';
import { ZstdGuard, ZSTD_MAX_WINDOW } from './zstd-guard';
import { processDecodeBudget, UNBUDGETED, type BudgetLease, type DecodeBudget } from './decode-budget';

export const MAX_BODY_BYTES = 16 * 1024 * 1024;
export const MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

export type ContentEncoding = 'identity' | 'gzip' | 'deflate' | 'zstd';

/** After the first BODY_GRACE_MS, a body must have arrived at MIN_BODY_RATE on average: a trickling client is cut off. */
export const BODY_GRACE_MS = 10_000;
export const MIN_BODY_RATE = 16 * 1024;

export interface DecodeLimits {
  /** Bytes on the wire (compressed). */
  maxBody?: number;
  /** Bytes after decompression. */
  maxDecompressed?: number;
  /** Slowest average upload accepted once `graceMs` has passed, in bytes per second. */
  minBytesPerSecond?: number;
  graceMs?: number;
  /** The budget shared with concurrent decodes (default: the process-wide one, ERRATA_DECODE_BUDGET_MB). */
  budget?: DecodeBudget;
}

/** Parses a Content-Encoding header into the one encoding we undo; 415 for anything else. */
export function parseContentEncoding(header: string | null | undefined): ContentEncoding {
  const parts = (header ?? '')
    .split(',')
    .map((p) => p.trim().toLowerCase())
    .filter((p) => p !== '' && p !== 'identity');
  if (parts.length === 0) return 'identity';
  const [only] = parts;
  if (parts.length === 1 && (only === 'gzip' || only === 'x-gzip')) return 'gzip';
  if (parts.length === 1 && (only === 'deflate' || only === 'zstd')) return only;
  throw new ApiError('unsupported_encoding', `Content-Encoding "${header}" is not supported: send gzip, deflate, zstd or none.`, {
    supported: ['gzip', 'deflate', 'zstd', 'identity'],
  });
}

/** RFC 1950 header check: CM = 8 (deflate) and the 16-bit header is a multiple of 31. */
export function isZlibWrapped(first: number, second: number): boolean {
  return (first & 0x0f) === 8 && (first >> 4) <= 7 && ((first << 8) | second) % 31 === 0;
}

function tooLargeBody(max: number): ApiError {
  return new ApiError('payload_too_large', `The request body is larger than ${max} bytes.`, { limit: max });
}
function tooLargeDecompressed(max: number): ApiError {
  return new ApiError('decompressed_too_large', `The decompressed body is larger than ${max} bytes.`, { limit: max });
}
function tooSlow(rate: number, graceMs: number): ApiError {
  return new ApiError('request_timeout', `The body arrived slower than ${rate} bytes/s after ${graceMs / 1000} s: send it faster or in smaller batches.`, {
    min_bytes_per_second: rate,
  });
}

/** Resolves like `p`, or rejects with `onLate()` when `dueMs` (epoch ms) passes first. */
function before<T>(p: Promise<T>, dueMs: number, onLate: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onLate()), Math.max(0, dueMs - Date.now()));
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

function zstdTooCostly(why: string): ApiError {
  return new ApiError('decompressed_too_large', `The zstd body would cost the decoder too much: ${why}.`, { max_window: ZSTD_MAX_WINDOW });
}

function corrupt(encoding: string, err: unknown): ApiError {
  const why = err instanceof Error ? err.message : String(err);
  return new ApiError('invalid_body', `The body is not valid ${encoding} data (${why}).`, { encoding });
}

interface ResizableArrayBuffer extends ArrayBuffer {
  resize(n: number): void;
}
const ResizableArrayBuffer = ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ResizableArrayBuffer;
const GROW_STEP = 1024 * 1024;

/** Bodies up to this size are kept as the chunks that came and copied once at the end (every ordinary batch). */
const LIST_MAX = 8 * 1024 * 1024;

/**
 * Collects chunks into one exactly-sized Uint8Array that owns its buffer (transferable to a worker).
 * Up to LIST_MAX the chunks are kept as they came and copied once into the answer: fresh pages are costly here
 * (a resizable buffer grown by 1 MiB steps cost the main thread ~6 ms per 1.6 MB batch, a plain copy ~1.3 ms).
 * Past LIST_MAX (a large body, or a bomb) the bytes move into a resizable ArrayBuffer that reserves `max` of
 * address space and grows in place, so a big body never exists twice and a refused one gives its pages back at once
 * instead of at the next GC. Every byte kept is taken from `lease` first; the first refusal is kept in `refusal`.
 */
class Sink {
  private parts: Uint8Array[] | null = [];
  private buf: ResizableArrayBuffer | null = null;
  size = 0;
  refusal: ApiError | null = null;
  constructor(
    readonly max: number,
    private readonly lease: BudgetLease,
    private readonly tooLarge: () => ApiError,
  ) {}
  /**
   * Returns false once the cap or the budget is exceeded (see `refusal`); the caller aborts. `reused`: the caller
   * will overwrite the chunk's memory after this returns (fzstd's window), so it is copied before being kept.
   */
  push(chunk: Uint8Array, reused = false): boolean {
    if (this.refusal || (!this.parts && !this.buf)) return false;
    const size = this.size + chunk.byteLength;
    if (size > this.max) return this.refuse(this.tooLarge());
    if (!this.lease.grow(chunk.byteLength)) return this.refuse(this.lease.refusal());
    if (this.parts && size <= LIST_MAX) {
      this.parts.push(reused ? chunk.slice() : chunk);
      this.size = size;
      return true;
    }
    if (!this.buf) this.buf = this.gather();
    if (size > this.buf.byteLength) this.buf.resize(Math.min(this.max, Math.ceil(size / GROW_STEP) * GROW_STEP));
    new Uint8Array(this.buf, this.size, chunk.byteLength).set(chunk);
    this.size = size;
    return true;
  }
  /** Takes `n` bytes from the budget for memory the decoder holds beside the output (the zstd window). */
  charge(n: number): boolean {
    if (this.refusal) return false;
    return this.lease.grow(n) || this.refuse(this.lease.refusal());
  }
  private refuse(err: ApiError): false {
    this.refusal = err;
    this.discard();
    return false;
  }
  /** The kept chunks moved into a resizable buffer (the body outgrew LIST_MAX). */
  private gather(): ResizableArrayBuffer {
    const buf = new ResizableArrayBuffer(0, { maxByteLength: this.max });
    buf.resize(Math.min(this.max, Math.ceil(this.size / GROW_STEP) * GROW_STEP));
    this.moveParts(new Uint8Array(buf));
    return buf;
  }
  /** Drops what is kept; a resizable buffer gives its pages back now (shrinking decommits them), not at the next GC. */
  discard(): void {
    this.parts = null;
    this.buf?.resize(0);
    this.buf = null;
  }
  bytes(): Uint8Array {
    if (this.buf) {
      const buf = this.buf;
      buf.resize(this.size);
      this.buf = null;
      return new Uint8Array(buf, 0, this.size);
    }
    const out = new Uint8Array(this.size);
    this.moveParts(out);
    return out;
  }
  /** Copies the kept chunks, in order, to the start of `into` and lets them go. */
  private moveParts(into: Uint8Array): void {
    let offset = 0;
    for (const part of this.parts ?? []) {
      into.set(part, offset);
      offset += part.byteLength;
    }
    this.parts = null;
  }
}

interface Inflater {
  write(chunk: Uint8Array): Promise<void>;
  end(): Promise<void>;
  destroy(): void;
}

const INFLATE_CHUNK = 256 * 1024;

function zlibInflater(kind: 'gzip' | 'zlib' | 'raw', sink: Sink): Inflater {
  // Output in 256 KiB pieces, not zlib's 16 KiB: a 5,000-record batch then costs the main thread ~6 'data'
  // callbacks instead of ~80, and a lookup waits behind fewer of them.
  const options = { chunkSize: INFLATE_CHUNK };
  const stream =
    kind === 'gzip' ? zlib.createGunzip(options) : kind === 'zlib' ? zlib.createInflate(options) : zlib.createInflateRaw(options);
  let failure: unknown = null;
  let overflowed = false;
  // A destroyed or failed stream never calls back pending writes: settle them from 'error'/'close' too.
  let waiters: (() => void)[] = [];
  const settle = () => {
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  };
  stream.on('data', (d: Buffer) => {
    if (overflowed) return;
    if (!sink.push(d)) {
      overflowed = true;
      stream.destroy();
      settle();
    }
  });
  stream.on('error', (e) => {
    failure ??= e;
    settle();
  });
  stream.on('close', settle);
  const check = () => {
    if (overflowed) throw tooLargeDecompressed(0);
    if (failure) throw failure;
  };
  const wait = (start: (done: () => void) => void) =>
    new Promise<void>((resolve) => {
      if (overflowed || failure || stream.destroyed) return resolve();
      waiters.push(resolve);
      start(resolve);
    }).then(check);
  return {
    // Waiting for the write callback applies backpressure: inflation keeps pace with the upload.
    write: (chunk) => wait((done) => stream.write(chunk, () => done())),
    end: () =>
      wait((done) => {
        stream.once('end', done);
        stream.end();
      }).then(() => {
        if (!stream.readableEnded && !overflowed && !failure) throw new Error('unexpected end of compressed data');
      }),
    destroy: () => stream.destroy(),
  };
}

/** The window a zstd frame header asks for; fzstd allocates it up front, so an absurd one is refused first. */
export function zstdWindowSize(b: Uint8Array): number | null {
  if (b.byteLength < 6 || b[0] !== 0x28 || b[1] !== 0xb5 || b[2] !== 0x2f || b[3] !== 0xfd) return null;
  const flg = b[4];
  const singleSegment = (flg >> 5) & 1;
  if (!singleSegment) {
    const wb = 2 ** (10 + (b[5] >> 3));
    return wb + (wb / 8) * (b[5] & 7);
  }
  const dictBytes = [0, 1, 2, 4][flg & 3];
  const fcf = flg >> 6;
  const sizeBytes = fcf ? 1 << fcf : 1;
  const at = 5 + dictBytes;
  let size = 0;
  for (let i = 0; i < sizeBytes && at + i < b.byteLength; i++) size += b[at + i] * 2 ** (8 * i);
  return size + (fcf === 1 ? 256 : 0);
}

function zstdInflater(sink: Sink): Inflater {
  let overflowed = false;
  let ended = false;
  const d = new ZstdDecompress((chunk, final) => {
    if (final) ended = true;
    if (overflowed) return;
    // fzstd reuses its window buffer: the sink copies what it keeps before we return.
    if (!sink.push(chunk, true)) {
      overflowed = true;
      // Throwing stops fzstd inside this push: a bomb in one chunk is not inflated further.
      throw tooLargeDecompressed(0);
    }
  });
  // Frame and block headers are walked ahead of fzstd, which refuses nothing by itself.
  const guard = new ZstdGuard((why) => zstdTooCostly(why));
  let windowCharged = 0;
  const push = (chunk: Uint8Array, final: boolean) => {
    if (overflowed) throw tooLargeDecompressed(0);
    guard.feed(chunk);
    // fzstd allocates each frame's window up front (at most ZSTD_MAX_WINDOW): it counts against the budget too.
    if (guard.window > windowCharged) {
      if (!sink.charge(guard.window - windowCharged)) throw sink.refusal!;
      windowCharged = guard.window;
    }
    d.push(chunk, final);
    if (overflowed) throw tooLargeDecompressed(0);
  };
  return {
    write: async (chunk) => push(chunk, false),
    end: async () => {
      push(new Uint8Array(0), true);
      if (!ended && sink.size === 0) throw new Error('truncated zstd stream');
    },
    destroy: () => {},
  };
}

/**
 * Reads `body` to the end (or until a cap is crossed), undoing `encoding`. Throws ApiError:
 * payload_too_large (wire bytes), decompressed_too_large, invalid_body (corrupt stream).
 */
export async function decodeStream(
  body: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array> | null,
  encoding: ContentEncoding,
  limits: DecodeLimits = {},
): Promise<Uint8Array> {
  const maxBody = limits.maxBody ?? MAX_BODY_BYTES;
  const maxOut = limits.maxDecompressed ?? MAX_DECOMPRESSED_BYTES;
  if (!body) return new Uint8Array(0);
  const iterable: AsyncIterable<Uint8Array> =
    Symbol.asyncIterator in body ? (body as AsyncIterable<Uint8Array>) : readableToIterable(body as ReadableStream<Uint8Array>);

  // Every byte kept counts against the budget shared with concurrent requests until this returns or throws.
  const lease = (limits.budget ?? processDecodeBudget()).lease();
  try {
    return await decodeInto(iterable, encoding, limits, maxBody, maxOut, lease);
  } finally {
    lease.release();
  }
}

async function decodeInto(
  iterable: AsyncIterable<Uint8Array>,
  encoding: ContentEncoding,
  limits: DecodeLimits,
  maxBody: number,
  maxOut: number,
  lease: BudgetLease,
): Promise<Uint8Array> {
  // Identity bodies are capped by the wire check first; the sink's cap only ever trips on decompressed output.
  const out = new Sink(encoding === 'identity' ? maxBody : maxOut, lease, () => tooLargeDecompressed(maxOut));
  let inflater: Inflater | null = null;
  let wire = 0;
  const iterator = iterable[Symbol.asyncIterator]();
  const rate = limits.minBytesPerSecond ?? MIN_BODY_RATE;
  const grace = limits.graceMs ?? BODY_GRACE_MS;
  const started = Date.now();
  let slow = false;
  try {
    for (;;) {
      const next = await before(iterator.next(), started + Math.max(grace, (wire / rate) * 1000), () => {
        slow = true;
        return tooSlow(rate, grace);
      });
      if (next.done) break;
      const chunk = next.value;
      wire += chunk.byteLength;
      if (wire > maxBody) throw tooLargeBody(maxBody);
      if (encoding === 'identity') {
        if (!out.push(chunk)) throw out.refusal!;
        continue;
      }
      if (!inflater) {
        if (encoding === 'zstd') inflater = zstdInflater(out);
        else if (encoding === 'gzip') inflater = zlibInflater('gzip', out);
        else {
          // The first chunk is rarely a single byte; if it is, treat it as raw (a zlib header needs two).
          const zlibbed = chunk.byteLength >= 2 && isZlibWrapped(chunk[0], chunk[1]);
          inflater = zlibInflater(zlibbed ? 'zlib' : 'raw', out);
        }
      }
      try {
        await inflater.write(chunk);
      } catch (err) {
        if (out.refusal) throw out.refusal;
        if (err instanceof ApiError) throw err;
        throw corrupt(encoding, err);
      }
      if (out.refusal) throw out.refusal;
    }
    if (inflater) {
      try {
        await inflater.end();
      } catch (err) {
        if (out.refusal) throw out.refusal;
        throw corrupt(encoding, err);
      }
      if (out.refusal) throw out.refusal;
    }
  } catch (err) {
    inflater?.destroy();
    out.discard();
    // Stop reading the upload: the client gets its 413 without us buffering the rest. A read still pending on a
    // stalled client would keep return() waiting, so a timed-out body is abandoned (the route closes the connection).
    if (slow) void iterator.return?.().catch(() => {});
    else await iterator.return?.().catch(() => {});
    throw err;
  }
  return out.bytes();
}

export interface DrainLimits {
  /** Bytes read and dropped at most (default 2 × MAX_BODY_BYTES). */
  maxBytes?: number;
  /** Time spent at most, in ms (default 2000). */
  maxMs?: number;
  /** Stop once no byte came for this long, in ms (default 250): a client that paused is waiting for the answer. */
  idleMs?: number;
}

/**
 * Reads and drops what is left of a body that is being refused, before the refusal is sent. Closing a connection
 * with upload bytes unread makes the kernel reset it, and a client still writing then sees EPIPE/ECONNRESET instead
 * of its 413 (scripts/start.mjs also lingers after the answer). Bounded by bytes, total time and idle time; never
 * throws.
 */
export async function drainBody(
  body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | null,
  limits: DrainLimits = {},
): Promise<{ bytes: number; ended: boolean }> {
  if (!body) return { bytes: 0, ended: true };
  const maxBytes = limits.maxBytes ?? 2 * MAX_BODY_BYTES;
  const until = Date.now() + (limits.maxMs ?? 2_000);
  const idleMs = limits.idleMs ?? 250;
  const web = !(Symbol.asyncIterator in body) || body instanceof ReadableStream;
  const reader = web ? (body as ReadableStream<Uint8Array>).getReader() : null;
  const iterator = web ? null : (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  let bytes = 0;
  let ended = false;
  try {
    while (bytes <= maxBytes) {
      const wait = Math.min(idleMs, until - Date.now());
      if (wait <= 0) break;
      let timer: NodeJS.Timeout | undefined;
      const next = await Promise.race([
        reader ? reader.read() : iterator!.next(),
        new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), wait))),
      ]).finally(() => clearTimeout(timer));
      if (next === null) break;
      if (next.done) {
        ended = true;
        break;
      }
      bytes += next.value.byteLength;
    }
  } catch {
    // The client went away: nothing left to drain.
  }
  if (!ended) {
    // A read may still be pending: cancel without waiting for it.
    if (reader) void reader.cancel().catch(() => {});
    else void iterator!.return?.()?.catch?.(() => {});
  }
  return { bytes, ended };
}

async function* readableToIterable(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/** Synchronous variant for files already in memory (the CLI's .gz import): same caps, same errors. */
export function decodeBytes(bytes: Uint8Array, encoding: ContentEncoding, limits: DecodeLimits = {}): Uint8Array {
  const maxOut = limits.maxDecompressed ?? MAX_DECOMPRESSED_BYTES;
  if (encoding === 'identity') return bytes;
  if (encoding === 'zstd') {
    const sink = new Sink(maxOut, UNBUDGETED, () => tooLargeDecompressed(maxOut));
    let over = false;
    let ended = false;
    const d = new ZstdDecompress((chunk, final) => {
      if (final) ended = true;
      if (!over && !sink.push(chunk, true)) over = true;
      if (over) throw tooLargeDecompressed(maxOut);
    });
    if ((zstdWindowSize(bytes) ?? 0) > maxOut) throw tooLargeDecompressed(maxOut);
    new ZstdGuard((why) => zstdTooCostly(why)).feed(bytes);
    try {
      d.push(bytes, true);
    } catch (err) {
      if (over) throw tooLargeDecompressed(maxOut);
      throw corrupt(encoding, err);
    }
    if (over) throw tooLargeDecompressed(maxOut);
    if (!ended && sink.size === 0) throw corrupt(encoding, new Error('truncated zstd stream'));
    return sink.bytes();
  }
  const opts = { maxOutputLength: maxOut };
  try {
    if (encoding === 'gzip') return zlib.gunzipSync(bytes, opts);
    return isZlibWrapped(bytes[0] ?? 0, bytes[1] ?? 0) ? zlib.inflateSync(bytes, opts) : zlib.inflateRawSync(bytes, opts);
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLargeDecompressed(maxOut);
    throw corrupt(encoding, err);
  }
}
