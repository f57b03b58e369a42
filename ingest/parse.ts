// Framing: decoded body bytes → raw values with their 1-based line, the form told by the bytes alone.
// JSON is split on byte spans first and each record parsed on its own, so one bad line costs one record.
import { ApiError } from '@/lib/api-error';

export const MAX_RECORDS = 100_000;
export const MAX_RECORD_BYTES = 256 * 1024;

export type BodyFormat = 'ndjson' | 'json_array' | 'json_stream' | 'msgpack';

export interface RawItem {
  /** NDJSON: the line number; arrays, concatenated objects and MessagePack: the record's position. */
  line: number;
  /** Byte span of the record in the body, for rejection samples. */
  start: number;
  end: number;
  value?: unknown;
  /** The collector's event time (MessagePack entries), the last resort for a timestamp. */
  event_ms?: number;
  error?: { code: string; message: string };
  /** The rejection sample when the body's bytes are not readable text (OTLP protobuf): the decoded record. */
  sample?: () => string;
}

export interface ParsedBody {
  format: BodyFormat;
  items: RawItem[];
}

export interface ParseOptions {
  maxRecords?: number;
  maxRecordBytes?: number;
}

const LF = 0x0a;
const isWs = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** MessagePack maps (0x80–0x8f, 0xde–0xdf) and arrays (0x90–0x9f, 0xdc–0xdd) cannot start a JSON or UTF-8 text. */
export function looksLikeMsgpack(first: number): boolean {
  return (first >= 0x80 && first <= 0x9f) || (first >= 0xdc && first <= 0xdf);
}

function skipWs(b: Uint8Array, i: number, end: number): number {
  while (i < end && isWs(b[i])) i++;
  return i;
}

/**
 * Index just past the JSON value starting at `i`, or -1 when it does not end before `end`.
 * Only brackets and strings are tracked: the value's validity is JSON.parse's job.
 */
export function scanValue(b: Uint8Array, i: number, end: number): number {
  const c = b[i];
  if (c === 0x22) {
    for (let j = i + 1; j < end; j++) {
      if (b[j] === 0x5c) j++;
      else if (b[j] === 0x22) return j + 1;
    }
    return -1;
  }
  if (c !== 0x7b && c !== 0x5b) {
    let j = i;
    while (j < end && !isWs(b[j]) && b[j] !== 0x2c && b[j] !== 0x5d && b[j] !== 0x7d && b[j] !== 0x7b && b[j] !== 0x5b) j++;
    return j === i ? i + 1 : j;
  }
  let depth = 0;
  for (let j = i; j < end; j++) {
    const x = b[j];
    if (x === 0x22) {
      for (j++; j < end; j++) {
        if (b[j] === 0x5c) j++;
        else if (b[j] === 0x22) break;
      }
      if (j >= end) return -1;
    } else if (x === 0x7b || x === 0x5b) depth++;
    else if (x === 0x7d || x === 0x5d) {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return -1;
}

class Collector {
  readonly items: RawItem[] = [];
  constructor(
    private readonly buf: Buffer,
    private readonly opts: Required<ParseOptions>,
  ) {}

  private add(item: RawItem) {
    if (this.items.length >= this.opts.maxRecords) {
      throw new ApiError('too_many_records', `A batch may hold at most ${this.opts.maxRecords} records.`, {
        limit: this.opts.maxRecords,
      });
    }
    this.items.push(item);
  }

  error(line: number, start: number, end: number, code: string, message: string) {
    this.add({ line, start, end, error: { code, message } });
  }

  /** Parses one JSON span; an array at the top of a line contributes each of its elements. */
  json(line: number, start: number, end: number, expandArray: boolean) {
    if (end - start > this.opts.maxRecordBytes) {
      return this.error(line, start, end, 'record_too_large', `The record is larger than ${this.opts.maxRecordBytes} bytes.`);
    }
    let value: unknown;
    try {
      value = JSON.parse(this.buf.toString('utf8', start, end));
    } catch (err) {
      return this.error(line, start, end, 'invalid_json', `Not valid JSON: ${(err as Error).message}`);
    }
    if (expandArray && Array.isArray(value)) {
      for (const v of value) this.add({ line, start, end, value: v });
      return;
    }
    this.add({ line, start, end, value });
  }

  msgpack(line: number, start: number, end: number, value: unknown, event_ms: number | undefined) {
    if (end - start > this.opts.maxRecordBytes) {
      return this.error(line, start, end, 'record_too_large', `The record is larger than ${this.opts.maxRecordBytes} bytes.`);
    }
    this.add({ line, start, end, value, event_ms });
  }
}

function parseLines(b: Uint8Array, from: number, c: Collector) {
  let line = 1;
  for (let i = 0; i < from; i++) if (b[i] === LF) line++;
  let start = from;
  while (start < b.length) {
    let nl = b.indexOf(LF, start);
    if (nl === -1) nl = b.length;
    let s = start;
    let e = nl;
    while (s < e && isWs(b[s])) s++;
    while (e > s && isWs(b[e - 1])) e--;
    if (e > s) c.json(line, s, e, true);
    line++;
    start = nl + 1;
  }
}

/** Values one after another, with or without whitespace between them; arrays contribute their elements. */
function parseValues(b: Uint8Array, from: number, c: Collector) {
  let position = 0;
  let i = from;
  const end = b.length;
  for (;;) {
    i = skipWs(b, i, end);
    if (i >= end) return;
    if (b[i] === 0x5b) {
      i = skipWs(b, i + 1, end);
      if (b[i] === 0x5d) {
        i++;
        continue;
      }
      for (;;) {
        const vEnd = i < end ? scanValue(b, i, end) : -1;
        if (vEnd === -1) {
          c.error(++position, i, end, 'invalid_json', 'The JSON array is not terminated.');
          return;
        }
        c.json(++position, i, vEnd, false);
        i = skipWs(b, vEnd, end);
        if (b[i] === 0x2c) {
          i = skipWs(b, i + 1, end);
          continue;
        }
        if (b[i] === 0x5d) {
          i++;
          break;
        }
        c.error(++position, i, Math.min(end, i + 64), 'invalid_json', 'Expected "," or "]" between array elements.');
        return;
      }
      continue;
    }
    const vEnd = scanValue(b, i, end);
    if (vEnd === -1) {
      c.error(++position, i, end, 'invalid_json', 'The JSON value is not terminated.');
      return;
    }
    c.json(++position, i, vEnd, false);
    i = vEnd;
  }
}

/** Tells NDJSON (first object on one line, then a newline or the end) from a stream of concatenated or pretty-printed values. */
function jsonFraming(b: Uint8Array, first: number): 'ndjson' | 'json_stream' {
  const end = scanValue(b, first, b.length);
  if (end === -1) return 'ndjson';
  if (b.subarray(first, end).includes(LF)) return 'json_stream';
  let i = end;
  while (i < b.length && (b[i] === 0x20 || b[i] === 0x09 || b[i] === 0x0d)) i++;
  if (i >= b.length || b[i] === LF) return 'ndjson';
  return b[i] === 0x7b || b[i] === 0x5b ? 'json_stream' : 'ndjson';
}

export function detectFormat(b: Uint8Array): BodyFormat | null {
  if (b.length > 0 && looksLikeMsgpack(b[0])) return 'msgpack';
  let i = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  i = skipWs(b, i, b.length);
  if (i >= b.length) return null;
  if (b[i] === 0x5b) return 'json_array';
  if (b[i] === 0x7b) return jsonFraming(b, i);
  return 'ndjson';
}

/** Splits a decoded body into raw records. Throws invalid_body (empty) and too_many_records; every other problem is per record. */
export function parseBody(bytes: Uint8Array, options: ParseOptions = {}): ParsedBody {
  const opts = { maxRecords: options.maxRecords ?? MAX_RECORDS, maxRecordBytes: options.maxRecordBytes ?? MAX_RECORD_BYTES };
  const format = detectFormat(bytes);
  if (format === null) throw new ApiError('invalid_body', 'The body is empty: send at least one record.');
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const c = new Collector(buf, opts);
  const from = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  if (format === 'msgpack') parseMsgpackEntries(buf, c);
  else if (format === 'ndjson') parseLines(bytes, from, c);
  else parseValues(bytes, skipWs(bytes, from, bytes.length), c);
  return { format, items: c.items };
}

// ---- MessagePack (the subset Fluent Bit emits, which is all of it but timestamps beyond EventTime) ----

/** A MessagePack extension value; type 0 with 8 bytes is Fluent Bit's EventTime. */
export class MsgpackExt {
  constructor(
    readonly type: number,
    readonly data: Uint8Array,
  ) {}
}

class Truncated extends Error {}
const MAX_DEPTH = 64;

/** Decodes one MessagePack value at `pos`; returns it and the position after it. */
export function decodeMsgpack(b: Buffer, pos: number, depth = 0): [unknown, number] {
  if (depth > MAX_DEPTH) throw new Error('MessagePack nesting is too deep');
  const need = (n: number) => {
    if (pos + n > b.length) throw new Truncated('truncated MessagePack value');
  };
  need(1);
  const t = b[pos++];
  const str = (n: number): [unknown, number] => {
    need(n);
    return [b.toString('utf8', pos, pos + n), pos + n];
  };
  const arr = (n: number): [unknown, number] => {
    const out: unknown[] = [];
    for (let k = 0; k < n; k++) {
      const [v, p] = decodeMsgpack(b, pos, depth + 1);
      out.push(v);
      pos = p;
    }
    return [out, pos];
  };
  const map = (n: number): [unknown, number] => {
    const out: Record<string, unknown> = {};
    for (let k = 0; k < n; k++) {
      const [key, p1] = decodeMsgpack(b, pos, depth + 1);
      const [v, p2] = decodeMsgpack(b, p1, depth + 1);
      pos = p2;
      const name = typeof key === 'string' ? key : String(key);
      if (name !== '__proto__') out[name] = v;
    }
    return [out, pos];
  };
  const ext = (n: number): [unknown, number] => {
    need(1 + n);
    const type = b.readInt8(pos);
    return [new MsgpackExt(type, b.subarray(pos + 1, pos + 1 + n)), pos + 1 + n];
  };
  if (t <= 0x7f) return [t, pos];
  if (t >= 0xe0) return [t - 0x100, pos];
  if (t >= 0x80 && t <= 0x8f) return map(t & 0x0f);
  if (t >= 0x90 && t <= 0x9f) return arr(t & 0x0f);
  if (t >= 0xa0 && t <= 0xbf) return str(t & 0x1f);
  switch (t) {
    case 0xc0:
      return [null, pos];
    case 0xc2:
      return [false, pos];
    case 0xc3:
      return [true, pos];
    case 0xc4:
    case 0xc5:
    case 0xc6: {
      const w = t === 0xc4 ? 1 : t === 0xc5 ? 2 : 4;
      need(w);
      const n = w === 1 ? b[pos] : w === 2 ? b.readUInt16BE(pos) : b.readUInt32BE(pos);
      pos += w;
      // Binary payloads (rare in log records) are read as UTF-8 text.
      return str(n);
    }
    case 0xc7:
    case 0xc8:
    case 0xc9: {
      const w = t === 0xc7 ? 1 : t === 0xc8 ? 2 : 4;
      need(w);
      const n = w === 1 ? b[pos] : w === 2 ? b.readUInt16BE(pos) : b.readUInt32BE(pos);
      pos += w;
      return ext(n);
    }
    case 0xca:
      need(4);
      return [b.readFloatBE(pos), pos + 4];
    case 0xcb:
      need(8);
      return [b.readDoubleBE(pos), pos + 8];
    case 0xcc:
      need(1);
      return [b[pos], pos + 1];
    case 0xcd:
      need(2);
      return [b.readUInt16BE(pos), pos + 2];
    case 0xce:
      need(4);
      return [b.readUInt32BE(pos), pos + 4];
    case 0xcf:
      need(8);
      return [Number(b.readBigUInt64BE(pos)), pos + 8];
    case 0xd0:
      need(1);
      return [b.readInt8(pos), pos + 1];
    case 0xd1:
      need(2);
      return [b.readInt16BE(pos), pos + 2];
    case 0xd2:
      need(4);
      return [b.readInt32BE(pos), pos + 4];
    case 0xd3:
      need(8);
      return [Number(b.readBigInt64BE(pos)), pos + 8];
    case 0xd4:
      return ext(1);
    case 0xd5:
      return ext(2);
    case 0xd6:
      return ext(4);
    case 0xd7:
      return ext(8);
    case 0xd8:
      return ext(16);
    case 0xd9:
      need(1);
      return str(b[pos++]);
    case 0xda: {
      need(2);
      const n = b.readUInt16BE(pos);
      pos += 2;
      return str(n);
    }
    case 0xdb: {
      need(4);
      const n = b.readUInt32BE(pos);
      pos += 4;
      return str(n);
    }
    case 0xdc: {
      need(2);
      const n = b.readUInt16BE(pos);
      pos += 2;
      return arr(n);
    }
    case 0xdd: {
      need(4);
      const n = b.readUInt32BE(pos);
      pos += 4;
      return arr(n);
    }
    case 0xde: {
      need(2);
      const n = b.readUInt16BE(pos);
      pos += 2;
      return map(n);
    }
    case 0xdf: {
      need(4);
      const n = b.readUInt32BE(pos);
      pos += 4;
      return map(n);
    }
    default:
      throw new Error(`invalid MessagePack type byte 0x${t.toString(16)}`);
  }
}

/** Fluent Bit's event time: EventTime ext (seconds + nanoseconds, big-endian), or integer/float seconds. */
export function eventTimeMs(t: unknown): number | undefined {
  if (t instanceof MsgpackExt && t.type === 0 && t.data.byteLength === 8) {
    const dv = new DataView(t.data.buffer, t.data.byteOffset, 8);
    return dv.getUint32(0) * 1000 + Math.floor(dv.getUint32(4) / 1e6);
  }
  if (typeof t === 'number' && Number.isFinite(t) && t > 0) return Math.round(t * 1000);
  return undefined;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Entries are `[[time, metadata], record]` (Fluent Bit ≥ 2.1), `[time, record]` (older), or a bare map. */
function parseMsgpackEntries(b: Buffer, c: Collector) {
  let pos = 0;
  let position = 0;
  while (pos < b.length) {
    const start = pos;
    let entry: unknown;
    try {
      [entry, pos] = decodeMsgpack(b, pos);
    } catch (err) {
      c.error(++position, start, b.length, 'invalid_msgpack', `Not valid MessagePack: ${(err as Error).message}`);
      return;
    }
    position++;
    if (isPlainObject(entry)) {
      c.msgpack(position, start, pos, entry, undefined);
    } else if (Array.isArray(entry) && entry.length === 2 && isPlainObject(entry[1])) {
      const head = Array.isArray(entry[0]) ? entry[0][0] : entry[0];
      c.msgpack(position, start, pos, entry[1], eventTimeMs(head));
    } else {
      c.error(position, start, pos, 'not_an_object', 'A MessagePack entry must be [time, record] or [[time, metadata], record].');
    }
  }
}
