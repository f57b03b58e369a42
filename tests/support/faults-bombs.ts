// Compression bombs and raw-socket clients for the limits tests.
import net from 'node:net';
import zlib from 'node:zlib';

const MiB = 1024 * 1024;

let rawDeflate: Buffer | null = null;
/** Raw DEFLATE of `mib` MiB of zero bytes (about 1 KiB per MiB): built once, ~2 s of CPU for 1 GiB. */
export async function deflatedZeros(mib = 1024): Promise<Buffer> {
  if (rawDeflate && mib === 1024) return rawDeflate;
  const d = zlib.createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  d.on('data', (c: Buffer) => out.push(c));
  const done = new Promise<void>((r) => d.on('end', () => r()));
  const zero = Buffer.alloc(MiB);
  for (let i = 0; i < mib; i++) {
    if (!d.write(zero)) await new Promise((r) => d.once('drain', r));
  }
  d.end();
  await done;
  const buf = Buffer.concat(out);
  if (mib === 1024) rawDeflate = buf;
  return buf;
}

function crc32Zeros(bytes: number): number {
  const zero = Buffer.alloc(MiB);
  let crc = 0;
  for (let left = bytes; left > 0; left -= MiB) crc = zlib.crc32(left >= MiB ? zero : zero.subarray(0, left), crc);
  return crc >>> 0;
}

/** A valid gzip member whose body inflates to `mib` MiB of zeros. */
export async function gzipBomb(mib = 1024): Promise<Buffer> {
  const raw = await deflatedZeros(mib);
  const header = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32Zeros(mib * MiB), 0);
  trailer.writeUInt32LE((mib * MiB) % 2 ** 32, 4);
  return Buffer.concat([header, raw, trailer]);
}

/** The same as a zlib (RFC 1950) stream. */
export async function zlibBomb(mib = 1024): Promise<Buffer> {
  const raw = await deflatedZeros(mib);
  const n = mib * MiB;
  const adler = (((n % 65521) << 16) | 1) >>> 0; // adler32 of n zero bytes: a stays 1, b = n mod 65521
  const trailer = Buffer.alloc(4);
  trailer.writeUInt32BE(adler, 0);
  return Buffer.concat([Buffer.from([0x78, 0xda]), raw, trailer]);
}

/**
 * A zstd frame of RLE blocks (128 KiB of one byte per 4-byte block): `total` bytes out of total/32768 bytes in.
 * `windowLog` sets the Window_Descriptor; a large window is what a decoder must refuse or allocate.
 */
export function zstdBomb(total: number, opts: { windowLog?: number; declareSize?: boolean; singleSegment?: boolean; byte?: number } = {}): Buffer {
  const windowLog = opts.windowLog ?? 17;
  const parts: Buffer[] = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd])];
  if (opts.singleSegment) {
    // Single_Segment: no window descriptor, the window is the declared content size (what zstd emits for one-shot input).
    const fcs = Buffer.alloc(4);
    fcs.writeUInt32LE(total % 2 ** 32, 0);
    parts.push(Buffer.from([0xa0]), fcs);
  } else if (opts.declareSize) {
    const fcs = Buffer.alloc(4);
    fcs.writeUInt32LE(total % 2 ** 32, 0);
    parts.push(Buffer.from([0x80, (windowLog - 10) << 3]), fcs);
  } else {
    parts.push(Buffer.from([0x00, (windowLog - 10) << 3]));
  }
  const B = 128 * 1024;
  const n = Math.ceil(total / B);
  const blocks = Buffer.alloc(n * 4);
  for (let i = 0; i < n; i++) {
    const size = Math.min(B, total - i * B);
    const h = (size << 3) | (1 << 1) | (i === n - 1 ? 1 : 0);
    blocks[i * 4] = h & 0xff;
    blocks[i * 4 + 1] = (h >> 8) & 0xff;
    blocks[i * 4 + 2] = (h >> 16) & 0xff;
    blocks[i * 4 + 3] = opts.byte ?? 0x20;
  }
  parts.push(blocks);
  return Buffer.concat(parts);
}

/** The body of a raw HTTP/1.1 answer, chunked or not. */
export function rawBody(data: string): string {
  const head = data.indexOf('\r\n\r\n');
  if (head === -1) return '';
  let rest = data.slice(head + 4);
  if (!/transfer-encoding: chunked/i.test(data.slice(0, head))) return rest;
  let out = '';
  for (;;) {
    const nl = rest.indexOf('\r\n');
    if (nl === -1) return out;
    const size = parseInt(rest.slice(0, nl), 16);
    if (!size) return out;
    out += rest.slice(nl + 2, nl + 2 + size);
    rest = rest.slice(nl + 2 + size + 2);
  }
}

/** A zstd frame of `blocks` one-byte RLE blocks with a 128 KiB window: tiny output, one decoder step per 4 bytes in. */
export function zstdTinyBlocks(blocks: number): Buffer {
  const out = Buffer.alloc(6 + blocks * 4);
  out.set([0x28, 0xb5, 0x2f, 0xfd, 0x00, (17 - 10) << 3]);
  for (let i = 0; i < blocks; i++) {
    const h = (1 << 3) | (1 << 1) | (i === blocks - 1 ? 1 : 0);
    out.set([h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff, 0x20], 6 + i * 4);
  }
  return out;
}

export interface RawAnswer {
  status: number;
  body: string;
  ms: number;
  /** 'answered', 'closed' (no HTTP answer), or 'timeout' (still open when we gave up). */
  outcome: 'answered' | 'closed' | 'timeout';
}

/**
 * A client that sends the headers, then trickles the body one byte at a time every `everyMs`,
 * until the server answers or closes, or `giveUpMs` passes.
 */
export function slowClient(port: number, token: string, opts: { contentLength: number; everyMs: number; giveUpMs: number }): Promise<RawAnswer> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let data = '';
    let timer: NodeJS.Timeout | null = null;
    let done = false;
    const finish = (outcome: RawAnswer['outcome']) => {
      if (done) return;
      done = true;
      if (timer) clearInterval(timer);
      clearTimeout(giveUp);
      sock.destroy();
      const m = /^HTTP\/1\.1 (\d{3})/.exec(data);
      const body = rawBody(data);
      resolve({ status: m ? Number(m[1]) : 0, body, ms: performance.now() - t0, outcome: m ? 'answered' : outcome });
    };
    const giveUp = setTimeout(() => finish('timeout'), opts.giveUpMs);
    sock.on('connect', () => {
      sock.write(
        `POST /api/v1/ingest HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${token}\r\n` +
          `Content-Type: application/x-ndjson\r\nContent-Length: ${opts.contentLength}\r\n\r\n`,
      );
      let sent = 0;
      timer = setInterval(() => {
        if (sent < opts.contentLength && !sock.destroyed) {
          sock.write(sent === 0 ? '{' : ' ');
          sent++;
        }
      }, opts.everyMs);
    });
    sock.on('data', (d) => {
      data += d.toString('latin1');
      // An answer is complete enough once its headers arrived (bodies are small envelopes).
      if (data.includes('\r\n\r\n')) setTimeout(() => finish('answered'), 50);
    });
    sock.on('error', () => finish('closed'));
    sock.on('close', () => finish('closed'));
  });
}

/**
 * Sends the headers of a POST announcing `contentLength` bytes and only `send` of them, then waits for the answer:
 * an over-size body must be refused from its Content-Length, without the client uploading it.
 */
export function partialUpload(port: number, token: string, contentLength: number, send: number, waitMs = 10_000): Promise<RawAnswer> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let data = '';
    let done = false;
    const finish = (outcome: RawAnswer['outcome']) => {
      if (done) return;
      done = true;
      clearTimeout(giveUp);
      sock.destroy();
      const m = /^HTTP\/1\.1 (\d{3})/.exec(data);
      const body = rawBody(data);
      resolve({ status: m ? Number(m[1]) : 0, body, ms: performance.now() - t0, outcome: m ? 'answered' : outcome });
    };
    const giveUp = setTimeout(() => finish('timeout'), waitMs);
    sock.on('connect', () => {
      sock.write(
        `POST /api/v1/ingest HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${token}\r\n` +
          `Content-Type: application/x-ndjson\r\nContent-Length: ${contentLength}\r\n\r\n`,
      );
      sock.write(Buffer.alloc(send, 0x20));
    });
    sock.on('data', (d) => {
      data += d.toString('latin1');
      const head = data.indexOf('\r\n\r\n');
      if (head === -1) return;
      const len = /content-length: (\d+)/i.exec(data.slice(0, head));
      if (len ? data.length - head - 4 >= Number(len[1]) : data.endsWith('0\r\n\r\n')) finish('answered');
    });
    sock.on('error', () => finish('closed'));
    sock.on('close', () => finish('closed'));
  });
}

/**
 * Uploads `data` chunked (no Content-Length) on a raw socket, keeping whatever the server answers even when it
 * closes mid-upload (node:http's client drops an early answer once its write fails with EPIPE).
 */
export function chunkedUpload(
  port: number,
  token: string,
  data: Buffer,
  encoding?: string,
  /** Stop sending (without ending the body) after this many bytes and wait for the answer. */
  stopAfter = Infinity,
  /** A busy client: read nothing of the answer for this long after connecting (it keeps sending meanwhile). */
  readAfterMs = 0,
): Promise<{ status: number; body: string; ms: number; sentBeforeAnswer: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    if (readAfterMs > 0) {
      sock.pause();
      setTimeout(() => sock.resume(), readAfterMs);
    }
    let answer = '';
    let sent = 0;
    let sentBeforeAnswer = -1;
    let ms = 0;
    sock.on('data', (d) => {
      if (sentBeforeAnswer < 0) [sentBeforeAnswer, ms] = [sent, performance.now() - t0];
      answer += d.toString('latin1');
    });
    sock.on('error', () => {});
    sock.on('close', () => {
      const m = /^HTTP\/1\.1 (\d{3})/.exec(answer);
      resolve({ status: m ? Number(m[1]) : 0, body: rawBody(answer), ms: ms || performance.now() - t0, sentBeforeAnswer: Math.max(0, sentBeforeAnswer) });
    });
    sock.on('connect', () => {
      sock.write(
        `POST /api/v1/ingest HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${token}\r\n` +
          `Content-Type: application/x-ndjson\r\n${encoding ? `Content-Encoding: ${encoding}\r\n` : ''}Transfer-Encoding: chunked\r\n\r\n`,
      );
      const pump = () => {
        while (sent < data.length && !sock.destroyed) {
          if (sent >= stopAfter) return;
          const chunk = data.subarray(sent, sent + 256 * 1024);
          sent += chunk.length;
          sock.write(`${chunk.length.toString(16)}\r\n`);
          sock.write(chunk);
          if (!sock.write('\r\n')) return void sock.once('drain', pump);
        }
        if (!sock.destroyed) sock.end('0\r\n\r\n');
      };
      pump();
    });
  });
}
