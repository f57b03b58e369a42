import zlib from 'node:zlib';
import { Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { decodeBytes, decodeStream, isZlibWrapped, parseContentEncoding, type ContentEncoding } from '@/ingest/decode';
import { ApiError } from '@/lib/api-error';
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
