import { encode, ExtData } from '@msgpack/msgpack';
import { describe, expect, test } from 'vitest';
import { decodeMsgpack, detectFormat, eventTimeMs, MsgpackExt, parseBody, scanValue } from '@/ingest/parse';
import { ApiError } from '@/lib/api-error';

const enc = (s: string) => new TextEncoder().encode(s);
const a = { request_id: 'a', status: 200 };
const b = { request_id: 'b', status: 404, error: { code: 'not_found', message: 'x {"tricky": [1, "}"]}' } };
const c = { request_id: 'c', status: 500 };
const A = JSON.stringify(a);
const B = JSON.stringify(b);
const C = JSON.stringify(c);

/** Fluent Bit's EventTime: ext type 0, seconds and nanoseconds as big-endian uint32. */
function eventTime(ms: number): ExtData {
  const buf = Buffer.alloc(8);
  buf.writeUInt32BE(Math.floor(ms / 1000), 0);
  buf.writeUInt32BE((ms % 1000) * 1e6, 4);
  return new ExtData(0, buf);
}
const T = Date.UTC(2026, 10, 25, 8, 0, 0, 250);
const msgpack = (...entries: unknown[]) => Buffer.concat(entries.map((e) => encode(e)));

const values = (body: Uint8Array) => parseBody(body).items.map((i) => i.value ?? i.error?.code);
const lines = (body: Uint8Array) => parseBody(body).items.map((i) => i.line);

describe('detectFormat and parseBody: every body form gives the same records', () => {
  test.each([
    ['NDJSON with a final newline', `${A}\n${B}\n${C}\n`, 'ndjson'],
    ['NDJSON without a final newline', `${A}\n${B}\n${C}`, 'ndjson'],
    ['NDJSON with CRLF and blank lines', `${A}\r\n\r\n${B}\r\n${C}\r\n`, 'ndjson'],
    ['a JSON array', JSON.stringify([a, b, c]), 'json_array'],
    ['a pretty-printed JSON array', JSON.stringify([a, b, c], null, 2), 'json_array'],
    ['concatenated objects (Fluent Bit json_stream)', `${A}${B}${C}`, 'json_stream'],
    ['pretty-printed concatenated objects', [a, b, c].map((o) => JSON.stringify(o, null, 2)).join('\n'), 'json_stream'],
    ['a byte order mark before NDJSON', `\ufeff${A}\n${B}\n${C}`, 'ndjson'],
    ['leading whitespace before an array', `\n  ${JSON.stringify([a, b, c])}\n`, 'json_array'],
  ])('%s', (_name, body, format) => {
    const bytes = enc(body);
    expect(detectFormat(bytes)).toBe(format);
    expect(values(bytes)).toEqual([a, b, c]);
  });

  test('a single object is one record on line 1', () => {
    const { items } = parseBody(enc(JSON.stringify(b, null, 2)));
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ line: 1, value: b });
  });

  test.each([
    ['[[time, metadata], record] (Fluent Bit ≥ 2.1)', msgpack([[eventTime(T), {}], a], [[eventTime(T), {}], b])],
    ['[time, record] with EventTime (older Fluent Bit)', msgpack([eventTime(T), a], [eventTime(T), b])],
    ['[time, record] with integer seconds', msgpack([Math.floor(T / 1000), a], [Math.floor(T / 1000), b])],
  ])('MessagePack %s', (_name, body) => {
    expect(detectFormat(body)).toBe('msgpack');
    const { items } = parseBody(body);
    expect(items.map((i) => i.value)).toEqual([a, b]);
    expect(items.map((i) => i.line)).toEqual([1, 2]);
    expect(Math.abs(items[0].event_ms! - T)).toBeLessThan(1000);
  });

  test('an empty or blank body is invalid_body for the whole batch', () => {
    for (const body of ['', '   \n\n  ']) {
      expect(() => parseBody(enc(body))).toThrow(ApiError);
      try {
        parseBody(enc(body));
      } catch (err) {
        expect((err as ApiError).code).toBe('invalid_body');
      }
    }
  });
});

describe('bad records are reported one by one, with their line', () => {
  test.each([
    ['NDJSON with a broken line', `${A}\n{"request_id": "x", \n${C}`, [a, 'invalid_json', c], [1, 2, 3]],
    ['NDJSON with a bare string line', `${A}\n"hello"\n${C}`, [a, 'hello', c], [1, 2, 3]],
    ['NDJSON with a non-JSON line', `${A}\nnot json at all\n${C}`, [a, 'invalid_json', c], [1, 2, 3]],
    ['line numbers count blank lines', `${A}\n\n\n${C}`, [a, c], [1, 4]],
    ['an array with a bad element', `[${A}, {"x": tru}, ${C}]`, [a, 'invalid_json', c], [1, 2, 3]],
    ['an unterminated array', `[${A}, ${B}, {"x": 1`, [a, b, 'invalid_json'], [1, 2, 3]],
    ['a stream cut off mid-object', `${A}${B}{"request_id": "c"`, [a, b, 'invalid_json'], [1, 2, 3]],
  ])('%s', (_name, body, expected, expectedLines) => {
    expect(values(enc(body))).toEqual(expected);
    expect(lines(enc(body))).toEqual(expectedLines);
  });

  test('a record over the per-record cap is record_too_large, its neighbours are kept', () => {
    const big = JSON.stringify({ request_id: 'big', status: 200, pad: 'x'.repeat(300 * 1024) });
    const { items } = parseBody(enc(`${A}\n${big}\n${C}`));
    expect(items.map((i) => i.value ?? i.error?.code)).toEqual([a, 'record_too_large', c]);
    const packed = parseBody(msgpack([1, a], [1, { request_id: 'big', pad: 'x'.repeat(300 * 1024) }], [1, c]));
    expect(packed.items.map((i) => i.value ?? i.error?.code)).toEqual([a, 'record_too_large', c]);
  });

  test('a MessagePack entry that is not [time, record] is rejected alone; truncation ends the batch', () => {
    const body = msgpack([1, a], 'just a string', [1, b]);
    expect(values(body)).toEqual([a, 'not_an_object', b]);
    const cut = msgpack([1, a], [1, b]).subarray(0, -3);
    expect(values(cut)).toEqual([a, 'invalid_msgpack']);
  });

  test('more records than the batch limit is too_many_records for the whole batch', () => {
    const body = enc(Array.from({ length: 11 }, () => A).join('\n'));
    expect(parseBody(body, { maxRecords: 11 }).items).toHaveLength(11);
    try {
      parseBody(body, { maxRecords: 10 });
      expect.unreachable();
    } catch (err) {
      expect((err as ApiError).code).toBe('too_many_records');
      expect((err as ApiError).status).toBe(413);
    }
  });
});

describe('scanValue', () => {
  test.each([
    ['{"a":"}"}rest', 9],
    ['{"a":"\\"}"}rest', 11],
    ['[1,[2,{"x":"]"}]]x', 17],
    ['"str\\"ing" ', 10],
    ['123,', 3],
    ['{"open": 1', -1],
  ])('%s → %i', (s, end) => {
    const b = enc(s);
    expect(scanValue(b, 0, b.length)).toBe(end);
  });
});

describe('decodeMsgpack agrees with an independent encoder', () => {
  test.each([
    ['null', null],
    ['booleans', [true, false]],
    ['small and large ints', [0, 1, 127, 128, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, 2 ** 40]],
    ['negative ints', [-1, -32, -33, -128, -129, -32768, -32769, -(2 ** 31), -(2 ** 40)]],
    ['floats', [0.5, -1.25, 1764057600.123]],
    ['strings of every width', ['', 'a', 'x'.repeat(31), 'x'.repeat(32), 'x'.repeat(255), 'x'.repeat(256), 'x'.repeat(70000), 'ünïcødé']],
    ['nested maps and arrays', { a: [1, { b: 'c' }], d: {}, e: [], long: Array.from({ length: 20 }, (_, i) => i) }],
    ['a map with 20 keys', Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i]))],
  ])('%s', (_name, value) => {
    const bytes = Buffer.from(encode(value));
    const [decoded, end] = decodeMsgpack(bytes, 0);
    expect(decoded).toEqual(value);
    expect(end).toBe(bytes.length);
  });

  test('binary is read as UTF-8 text and EventTime as an extension', () => {
    const [bin] = decodeMsgpack(Buffer.from(encode(new TextEncoder().encode('{"a":1}'))), 0);
    expect(bin).toBe('{"a":1}');
    const [ext] = decodeMsgpack(Buffer.from(encode(eventTime(T))), 0);
    expect(ext).toBeInstanceOf(MsgpackExt);
    expect(eventTimeMs(ext)).toBe(T);
  });

  test.each([
    ['EventTime', eventTime(T), T],
    ['integer seconds', 1764057600, 1764057600000],
    ['float seconds', 1764057600.5, 1764057600500],
    ['a string', 'x', undefined],
  ])('eventTimeMs(%s)', (_name, t, expected) => {
    const v = t instanceof ExtData ? new MsgpackExt(t.type, t.data as Uint8Array) : t;
    expect(eventTimeMs(v)).toBe(expected);
  });
});
