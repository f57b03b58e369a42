import zlib from 'node:zlib';
import { Readable } from 'node:stream';
import { describe, expect, test, vi } from 'vitest';
import { decodeBytes, decodeStream, drainBody, isZlibWrapped, parseContentEncoding, type ContentEncoding } from '@/ingest/decode';
import { ApiError } from '@/lib/api-error';
import { DecodeBudget, processDecodeBudget } from '@/ingest/decode-budget';
import { zstdCompress } from '../support/zstd';

const text = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ request_id: `r${i}`, status: 200 })).join('\n');
const plain = new TextEncoder().encode(text);

/** Splits bytes into small chunks, as a socket delivers them. */
function chunked(bytes: Uint8Array, size = 1000): AsyncIterable<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
  return Readable.from(parts);
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return err instanceof ApiError ? err.code : `not an ApiError: ${String(err)}`;
  }
  return 'resolved';
}

describe('parseContentEncoding', () => {
  test.each([
    [null, 'identity'],
    ['', 'identity'],
    ['identity', 'identity'],
    ['gzip', 'gzip'],
    ['GZIP', 'gzip'],
    ['x-gzip', 'gzip'],
    ['deflate', 'deflate'],
    ['zstd', 'zstd'],
    [' gzip , identity', 'gzip'],
  ])('%s → %s', (header, expected) => {
    expect(parseContentEncoding(header)).toBe(expected);
  });

  test.each(['br', 'compress', 'gzip, br', 'snappy'])('%s → 415 unsupported_encoding', (header) => {
    try {
      parseContentEncoding(header);
      expect.unreachable();
    } catch (err) {
      expect((err as ApiError).code).toBe('unsupported_encoding');
      expect((err as ApiError).status).toBe(415);
    }
  });
});

describe('decodeStream', () => {
  const encoded: [string, ContentEncoding, Uint8Array][] = [
    ['identity', 'identity', plain],
    ['gzip', 'gzip', zlib.gzipSync(plain)],
    ['deflate, zlib-wrapped (RFC 1950)', 'deflate', zlib.deflateSync(plain)],
    ['deflate, raw (RFC 1951)', 'deflate', zlib.deflateRawSync(plain)],
    ['zstd', 'zstd', zstdCompress(plain)],
  ];

  test.each(encoded)('%s round-trips in small chunks', async (_name, encoding, bytes) => {
    const out = await decodeStream(chunked(bytes, 777), encoding);
    expect(Buffer.from(out).toString()).toBe(text);
  });

  test.each(encoded)('%s round-trips as a web ReadableStream', async (_name, encoding, bytes) => {
    const out = await decodeStream(new Blob([Buffer.from(bytes)]).stream(), encoding);
    expect(out.byteLength).toBe(plain.byteLength);
  });

  test('the result owns its buffer, so it can be transferred to the writer thread', async () => {
    const out = await decodeStream(chunked(zlib.gzipSync(plain)), 'gzip');
    expect(out.byteOffset).toBe(0);
    expect(out.buffer.byteLength).toBe(out.byteLength);
  });

  // Ordinary batches are kept as their chunks and copied once; past 8 MiB the bytes move into one growing buffer.
  // Either way every byte comes out in order, even from zstd, whose decoder reuses its output window.
  describe('bodies either side of the 8 MiB switch come out whole, own their buffer and give the budget back', () => {
    const big = new TextEncoder().encode(
      Array.from({ length: 200_000 }, (_, i) => JSON.stringify({ request_id: `req_${i.toString(36)}_${(i * 2654435761) >>> 0}`, status: 200 + (i % 7) })).join('\n'),
    );
    const small = big.subarray(0, 3 * 1024 * 1024);
    test.each([
      ['identity', 'identity' as const, (b: Uint8Array) => b],
      ['gzip', 'gzip' as const, (b: Uint8Array) => zlib.gzipSync(b)],
      ['zstd', 'zstd' as const, (b: Uint8Array) => zstdCompress(b)],
    ])('%s', async (_name, encoding, encode) => {
      expect(big.byteLength).toBeGreaterThan(8 * 1024 * 1024);
      for (const body of [small, big]) {
        const budget = new DecodeBudget(64 * 1024 * 1024);
        const out = await decodeStream(chunked(encode(body), 64 * 1024), encoding, { budget });
        expect(out.byteLength).toBe(body.byteLength);
        expect(Buffer.compare(Buffer.from(out.buffer, out.byteOffset, out.byteLength), Buffer.from(body))).toBe(0);
        expect(out.byteOffset).toBe(0);
        expect(out.buffer.byteLength).toBe(out.byteLength);
        expect(budget.used).toBe(0);
      }
    });
  });

  test('a body over the wire cap is payload_too_large', async () => {
    expect(await code(decodeStream(chunked(plain), 'identity', { maxBody: 10_000 }))).toBe('payload_too_large');
    expect(await code(decodeStream(chunked(zlib.gzipSync(plain)), 'gzip', { maxBody: 100 }))).toBe('payload_too_large');
  });

  test.each(encoded.filter(([, e]) => e !== 'identity'))('%s over the decompressed cap is decompressed_too_large', async (_n, encoding, bytes) => {
    expect(await code(decodeStream(chunked(bytes), encoding, { maxDecompressed: 5_000 }))).toBe('decompressed_too_large');
  });

  test('a gzip bomb stops at the cap: the upload is not read to its end', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(96 * 1024 * 1024)); // 96 MiB of zeros, ~100 KiB compressed
    let read = 0;
    async function* source() {
      for (let i = 0; i < bomb.length; i += 1024) {
        read += Math.min(1024, bomb.length - i);
        yield bomb.subarray(i, i + 1024);
      }
    }
    expect(await code(decodeStream(source(), 'gzip', { maxDecompressed: 8 * 1024 * 1024 }))).toBe('decompressed_too_large');
    expect(read).toBeLessThan(bomb.length / 4);
  });

  test('a zstd bomb (runs of zeros) stops at the cap', async () => {
    const bomb = zstdCompress(Buffer.alloc(32 * 1024 * 1024));
    expect(bomb.byteLength).toBeLessThan(5000);
    expect(await code(decodeStream(chunked(bomb, 1024), 'zstd', { maxDecompressed: 4 * 1024 * 1024 }))).toBe('decompressed_too_large');
  });

  test('a zstd frame declaring a window beyond the cap is refused before allocating it', async () => {
    const frame = zstdCompress(plain, { windowLog: 30 });
    expect(await code(decodeStream(chunked(frame, 64 * 1024), 'zstd', { maxDecompressed: 1024 * 1024 }))).toBe('decompressed_too_large');
  });

  test.each([
    ['gzip', 'gzip' as const, Buffer.from('not gzip at all')],
    ['truncated gzip', 'gzip' as const, zlib.gzipSync(plain).subarray(0, 200)],
    ['zstd', 'zstd' as const, Buffer.from('not zstd at all, really not')],
  ])('corrupt %s is invalid_body', async (_n, encoding, bytes) => {
    expect(await code(decodeStream(chunked(bytes), encoding))).toBe('invalid_body');
  });

  test('an empty body decodes to no bytes', async () => {
    expect((await decodeStream(null, 'identity')).byteLength).toBe(0);
    expect((await decodeStream(chunked(new Uint8Array(0)), 'identity')).byteLength).toBe(0);
  });
});

describe('decode budget shared by concurrent bodies', () => {
  const KiB = 1024;

  async function failure(p: Promise<unknown>): Promise<unknown> {
    try {
      await p;
    } catch (err) {
      return err;
    }
    return 'resolved';
  }

  /** A body that sends `first`, then waits until open() before ending: a request still uploading. */
  function heldOpen(first: Uint8Array) {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    async function* source() {
      yield first;
      await gate;
    }
    return { body: source(), open };
  }

  test('a decoded body holds its bytes while in flight and gives them all back when done', async () => {
    const budget = new DecodeBudget(1024 * KiB);
    const out = await decodeStream(chunked(zlib.gzipSync(plain)), 'gzip', { budget });
    expect(out.byteLength).toBe(plain.byteLength);
    expect(budget.peak).toBe(plain.byteLength);
    expect(budget.used).toBe(0);
    expect(budget.leases).toBe(0);
  });

  test.each([
    ['decompressed_too_large', () => decodeStream(chunked(zlib.gzipSync(plain)), 'gzip', { maxDecompressed: 20_000, budget: b })],
    ['payload_too_large', () => decodeStream(chunked(plain), 'identity', { maxBody: 10_000, budget: b })],
    ['invalid_body', () => decodeStream(chunked(zlib.gzipSync(plain).subarray(0, 2000)), 'gzip', { budget: b })],
  ])('a body refused with %s gives its bytes back', async (expected, run) => {
    b = new DecodeBudget(1024 * KiB);
    expect(await code(run())).toBe(expected);
    expect(b.peak).toBeGreaterThan(0);
    expect(b.used).toBe(0);
    expect(b.leases).toBe(0);
  });
  let b: DecodeBudget;

  test('a body whose stream throws (client disconnect) gives its bytes back and the error goes through', async () => {
    const budget = new DecodeBudget(1024 * KiB);
    async function* source() {
      yield plain.subarray(0, 5000);
      throw new Error('aborted');
    }
    const err = await failure(decodeStream(source(), 'identity', { budget }));
    expect((err as Error).message).toBe('aborted');
    expect(budget.peak).toBe(5000);
    expect(budget.used).toBe(0);
  });

  test('an aborted web stream (the request body of a client that went away) gives its bytes back', async () => {
    const budget = new DecodeBudget(1024 * KiB);
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const stream = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
    const gz = zlib.gzipSync(plain);
    controller.enqueue(gz.subarray(0, gz.length - 100));
    const p = decodeStream(stream, 'gzip', { budget });
    await vi.waitFor(() => expect(budget.used).toBeGreaterThan(0));
    controller.error(new DOMException('The operation was aborted.', 'AbortError'));
    expect(((await failure(p)) as Error).name).toBe('AbortError');
    expect(budget.used).toBe(0);
  });

  test('a body cut off as too slow gives its bytes back', async () => {
    const budget = new DecodeBudget(1024 * KiB);
    const { body, open } = heldOpen(plain.subarray(0, 3000));
    expect(await code(decodeStream(body, 'identity', { budget, graceMs: 50, minBytesPerSecond: 1_000_000 }))).toBe('request_timeout');
    expect(budget.used).toBe(0);
    open();
  });

  test('a large body that would push the total past the budget is 503 with Retry-After; the one in flight is unaffected', async () => {
    const budget = new DecodeBudget(256 * KiB, { reserve: 0 });
    const first = heldOpen(new Uint8Array(200 * KiB).fill(0x20));
    const inFlight = decodeStream(first.body, 'identity', { budget });
    await vi.waitFor(() => expect(budget.used).toBe(200 * KiB));

    const err = await failure(decodeStream(chunked(zlib.gzipSync(new Uint8Array(100 * KiB).fill(0x20))), 'gzip', { budget }));
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(503);
    expect((err as ApiError).code).toBe('service_unavailable');
    expect(Number((err as ApiError).headers['Retry-After'])).toBeGreaterThan(0);
    expect(budget.used).toBe(200 * KiB);

    first.open();
    expect((await inFlight).byteLength).toBe(200 * KiB);
    expect(budget.used).toBe(0);
    // The retry, once the first body is done, fits.
    expect((await decodeStream(chunked(new Uint8Array(100 * KiB)), 'identity', { budget })).byteLength).toBe(100 * KiB);
  });

  test('small bodies still get through while large ones hold the budget (the reserve)', async () => {
    const budget = new DecodeBudget(1024 * KiB, { reserve: 256 * KiB, smallBody: 64 * KiB });
    const large = heldOpen(new Uint8Array(700 * KiB));
    const inFlight = decodeStream(large.body, 'identity', { budget });
    await vi.waitFor(() => expect(budget.used).toBe(700 * KiB));
    // Another large body would eat into the reserve: refused.
    expect(await code(decodeStream(chunked(new Uint8Array(200 * KiB), 16 * KiB), 'identity', { budget }))).toBe('service_unavailable');
    // An ordinary small batch is decoded from the reserve.
    expect(Buffer.from(await decodeStream(chunked(plain.subarray(0, 50 * KiB)), 'identity', { budget })).toString()).toBe(text.slice(0, 50 * KiB));
    large.open();
    await inFlight;
    expect(budget.used).toBe(0);
  });

  test("a zstd body's window (allocated whole by the decoder) counts against the budget", async () => {
    const budget = new DecodeBudget(2048 * KiB, { reserve: 0 });
    const small = zstdCompress(plain, { windowLog: 17 });
    expect((await decodeStream(chunked(small), 'zstd', { budget })).byteLength).toBe(plain.byteLength);
    expect(budget.peak).toBe(128 * KiB + plain.byteLength);
    const wide = zstdCompress(plain, { windowLog: 22 }); // a 4 MiB window for 70 KB of output
    expect(await code(decodeStream(chunked(wide), 'zstd', { budget }))).toBe('service_unavailable');
    expect(budget.used).toBe(0);
  });

  test('without an explicit budget, decodes share the process-wide one (ERRATA_DECODE_BUDGET_MB, 256 MiB by default)', async () => {
    const shared = processDecodeBudget();
    expect(shared).toBe(processDecodeBudget());
    expect(shared.limit).toBe(256 * 1024 * KiB);
    const { body, open } = heldOpen(plain.subarray(0, 4000));
    const p = decodeStream(body, 'identity');
    await vi.waitFor(() => expect(shared.used).toBe(4000));
    open();
    await p;
    expect(shared.used).toBe(0);
  });
});

describe('drainBody (reading what is left of a refused upload before answering)', () => {
  /** A web stream of `chunks` chunks of `size` bytes, then (if `stall`) no end; records whether it was cancelled. */
  function upload(chunks: number, size: number, stall = false) {
    let sent = 0;
    const state = { cancelled: false, pulled: 0 };
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent === chunks) {
          if (!stall) c.close();
          return stall ? new Promise<void>(() => {}) : undefined;
        }
        sent++;
        state.pulled += size;
        c.enqueue(new Uint8Array(size));
      },
      cancel() {
        state.cancelled = true;
      },
    });
    return { stream, state };
  }

  test('a body that ends within the bounds is read to its end', async () => {
    const { stream, state } = upload(40, 64 * 1024);
    expect(await drainBody(stream)).toEqual({ bytes: 40 * 64 * 1024, ended: true });
    expect(state.cancelled).toBe(false);
  });

  test('a body longer than maxBytes is read up to the bound, then cancelled', async () => {
    const { stream, state } = upload(1000, 64 * 1024);
    const r = await drainBody(stream, { maxBytes: 1024 * 1024 });
    expect(r.ended).toBe(false);
    expect(r.bytes).toBeGreaterThan(1024 * 1024);
    expect(r.bytes).toBeLessThan(2 * 1024 * 1024);
    expect(state.pulled).toBeLessThan(1000 * 64 * 1024);
    expect(state.cancelled).toBe(true);
  });

  test('a client that stops sending is not waited for: the drain ends and the body is cancelled', async () => {
    const { stream, state } = upload(3, 1000, true);
    expect(await drainBody(stream, { idleMs: 30 })).toEqual({ bytes: 3000, ended: false });
    expect(state.cancelled).toBe(true);
  });

  test('a body that fails (client gone) or is missing ends the drain without throwing', async () => {
    async function* gone() {
      yield new Uint8Array(10);
      throw new Error('aborted');
    }
    expect(await drainBody(gone())).toEqual({ bytes: 10, ended: false });
    expect(await drainBody(null)).toEqual({ bytes: 0, ended: true });
  });
});

describe('decodeBytes (CLI files)', () => {
  test.each([
    ['gzip', 'gzip' as const, zlib.gzipSync(plain)],
    ['zlib', 'deflate' as const, zlib.deflateSync(plain)],
    ['raw deflate', 'deflate' as const, zlib.deflateRawSync(plain)],
    ['zstd', 'zstd' as const, zstdCompress(plain)],
  ])('%s', (_n, encoding, bytes) => {
    expect(Buffer.from(decodeBytes(bytes, encoding)).toString()).toBe(text);
    expect(() => decodeBytes(bytes, encoding, { maxDecompressed: 1000 })).toThrow(/larger than/);
  });
});

describe('isZlibWrapped', () => {
  test.each([
    ['zlib default level', zlib.deflateSync(plain), true],
    ['zlib level 9', zlib.deflateSync(plain, { level: 9 }), true],
    ['zlib level 1', zlib.deflateSync(plain, { level: 1 }), true],
    ['raw deflate', zlib.deflateRawSync(plain), false],
    ['plain JSON', Buffer.from('{"a":1}'), false],
  ])('%s → %s', (_n, bytes, expected) => {
    expect(isZlibWrapped((bytes as Buffer)[0], (bytes as Buffer)[1])).toBe(expected);
  });
});
