// The record-by-record protobuf reader (ingest/otlp-protobuf.ts) against the decoders the OpenTelemetry JS project
// generated from the official protos followed by the decoded-object mapping (ingest/otlp.ts): the same values,
// event times and record costs for random exports, the same accept/refuse for damaged ones, and bounded work for
// hostile ones.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseOtlpLogs } from '@/ingest/otlp';
import { decodedLogRecords, logRecordValue, nanosToMs } from '@/ingest/otlp';
import { readLogsExport, type ProtoLogRecord } from '@/ingest/otlp-protobuf';
import { otlpProto } from '@/ingest/otlp-proto';
import { Budget } from '@/ingest/otlp-record';
import { ApiError } from '@/lib/api-error';

type Outcome = { ok: true; records: ProtoLogRecord[] } | { ok: false; error: string };

/** What ingest read from protobuf before: the generated decoder, then the decoded-object mapping. */
function viaGenerated(bytes: Uint8Array): Outcome {
  let request: unknown;
  try {
    request = otlpProto().ExportLogsServiceRequest.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (err) {
    return { ok: false, error: String(err) };
  }
  const records = decodedLogRecords(request).map((lr) => {
    const o = lr as Record<string, unknown>;
    const budget = new Budget();
    const value = logRecordValue(o, budget);
    return { value, event_ms: nanosToMs(o.timeUnixNano) ?? nanosToMs(o.observedTimeUnixNano), bytes: budget.bytes };
  });
  return { ok: true, records };
}

function viaReader(bytes: Uint8Array): Outcome {
  const records: ProtoLogRecord[] = [];
  try {
    readLogsExport(bytes, (r) => records.push(r));
  } catch (err) {
    return { ok: false, error: String(err) };
  }
  return { ok: true, records };
}

const encode = (request: object): Uint8Array => {
  const { ExportLogsServiceRequest } = otlpProto();
  return ExportLogsServiceRequest.encode(ExportLogsServiceRequest.fromObject(request as Record<string, unknown>)).finish();
};

// --- random exports, as protobufjs objects (fromObject form) ---------------------------------------------------

const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map(String);
const nanos = fc.oneof(u64, fc.integer({ min: 946_684_800_000, max: 4_102_444_800_000 }).map((ms) => String(BigInt(ms) * 1_000_000n + 999_999n)), fc.constant('0'));
const key = fc.oneof(fc.constantFrom('request_id', 'status', 'http.request.method', 'url.path', 'http.request.header.x-request-id', 'x-request-id', 'k', ''), fc.string({ maxLength: 12 }));
const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }));

const { anyValue } = fc.letrec<{ anyValue: Record<string, unknown> }>((tie) => ({
  anyValue: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ stringValue: text }),
    fc.record({ boolValue: fc.boolean() }),
    fc.record({ intValue: fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }).map(String) }),
    fc.record({ doubleValue: fc.oneof(fc.double(), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY)) }),
    fc.record({ bytesValue: fc.uint8Array({ maxLength: 8 }) }),
    fc.constant({}),
    fc.record({ arrayValue: fc.record({ values: fc.array(tie('anyValue'), { maxLength: 3 }) }) }),
    fc.record({ kvlistValue: fc.record({ values: fc.array(fc.record({ key, value: tie('anyValue') }, { requiredKeys: [] }), { maxLength: 3 }) }) }),
    // More than one member of the oneof: not valid OTLP, but the wire allows it.
    fc.record({ stringValue: text, kvlistValue: fc.record({ values: fc.array(fc.record({ key, value: tie('anyValue') }), { maxLength: 2 }) }) }, { requiredKeys: [] }),
    fc.record({ boolValue: fc.boolean(), doubleValue: fc.double(), arrayValue: fc.record({ values: fc.array(tie('anyValue'), { maxLength: 2 }) }) }, { requiredKeys: [] }),
  ),
}));

const gatewayLine = fc
  .record(
    { request_id: fc.string({ minLength: 1, maxLength: 10 }), status: fc.integer({ min: 100, max: 599 }), method: fc.constantFrom('GET', 'POST'), path: fc.constant('/v1/x/1') },
    { requiredKeys: [] },
  )
  .map((o) => JSON.stringify(o));

const body = fc.oneof(anyValue, gatewayLine.map((s) => ({ stringValue: ` ${s}\n` })), gatewayLine.map((s) => ({ stringValue: s, kvlistValue: { values: [{ key: 'k', value: { stringValue: 'v' } }] } })));

const logRecord = fc.record(
  {
    timeUnixNano: nanos,
    observedTimeUnixNano: nanos,
    severityNumber: fc.integer({ min: 0, max: 24 }),
    severityText: fc.constantFrom('INFO', 'ERROR'),
    body,
    attributes: fc.array(fc.record({ key, value: anyValue }, { requiredKeys: [] }), { maxLength: 4 }),
    droppedAttributesCount: fc.nat(),
    flags: fc.nat(),
    traceId: fc.uint8Array({ minLength: 16, maxLength: 16 }),
    spanId: fc.uint8Array({ minLength: 8, maxLength: 8 }),
    eventName: fc.string({ maxLength: 8 }),
  },
  { requiredKeys: [] },
);

const kvs = fc.array(fc.record({ key, value: anyValue }), { maxLength: 2 });
const exportRequest = fc.record({
  resourceLogs: fc.array(
    fc.record(
      {
        resource: fc.record({ attributes: kvs, droppedAttributesCount: fc.nat() }, { requiredKeys: [] }),
        scopeLogs: fc.array(
          fc.record(
            { scope: fc.record({ name: fc.string({ maxLength: 8 }), version: fc.string({ maxLength: 4 }), attributes: kvs }, { requiredKeys: [] }), logRecords: fc.array(logRecord, { maxLength: 4 }), schemaUrl: fc.string({ maxLength: 8 }) },
            { requiredKeys: [] },
          ),
          { maxLength: 3 },
        ),
        schemaUrl: fc.string({ maxLength: 8 }),
      },
      { requiredKeys: [] },
    ),
    { maxLength: 3 },
  ),
});

describe('the protobuf reader reads what the generated decoder reads', () => {
  test('random exports: the same values, event times and record costs, in the same order', () => {
    fc.assert(
      fc.property(exportRequest, (request) => {
        const bytes = encode(request);
        const expected = viaGenerated(bytes);
        expect(expected.ok).toBe(true);
        expect(viaReader(bytes)).toEqual(expected);
      }),
      { numRuns: 1500 },
    );
  });

  test('damaged exports: refused when the generated decoder refuses them, the same records when it does not', () => {
    const damage = fc.oneof(
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 12 }) }),
      fc.record({ kind: fc.constant('varint' as const), at: fc.nat(), bytes: fc.constantFrom([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], [0xff, 0xff, 0xff, 0xff, 0x0f], [0x80]) }),
    );
    let refused = 0;
    let runs = 0;
    fc.assert(
      fc.property(exportRequest, fc.array(damage, { minLength: 1, maxLength: 3 }), (request, damages) => {
        let b = Array.from(encode(request));
        for (const d of damages) {
          const at = b.length === 0 ? 0 : d.at % (b.length + 1);
          if (d.kind === 'truncate') b = b.slice(0, at);
          else if (d.kind === 'flip') {
            if (at < b.length) b[at] = d.byte;
          } else b = [...b.slice(0, at), ...(d.kind === 'insert' ? Array.from(d.bytes) : d.bytes), ...b.slice(at)];
        }
        const bytes = Uint8Array.from(b);
        const expected = viaGenerated(bytes);
        const actual = viaReader(bytes);
        runs++;
        if (!expected.ok) {
          refused++;
          expect(actual.ok).toBe(false);
        } else expect(actual).toEqual(expected);
      }),
      { numRuns: 3000 },
    );
    // The damage must reach both answers, or the test proves little.
    expect(refused).toBeGreaterThan(runs / 10);
    expect(refused).toBeLessThan(runs);
  });

  test('64-bit nanoseconds become the exact millisecond (integer division, as BigInt does it)', () => {
    fc.assert(
      fc.property(u64, (s) => {
        const ns = BigInt(s);
        const want = ns > 0n ? Number(ns / 1_000_000n) : undefined;
        const bytes = encode({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: s }] }] }] });
        const got = viaReader(bytes);
        expect(got.ok && got.records[0].event_ms).toBe(want);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('hostile bodies: bounded work, no allocation beyond the body', () => {
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (err) {
      return err instanceof ApiError ? err.code : String(err);
    }
    return 'accepted';
  };
  const varint = (n: number) => {
    const out: number[] = [];
    while (n > 127) {
      out.push((n % 128) | 128);
      n = Math.floor(n / 128);
    }
    out.push(n);
    return out;
  };

  test('truncated varints and lengths past the end are invalid_body', () => {
    const cases = [
      [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f],
      [0x0a, 0x80],
      [0x0a, ...varint(2 ** 32 - 1)],
      [0x0a, 0x05, 0x12, 0x03, 0x0a, 0x01],
      // A time cut after 4 of its 8 bytes.
      [0x0a, 0x0b, 0x12, 0x09, 0x12, 0x07, 0x09, 1, 2, 3, 4, 5, 6],
      [0x0f],
    ];
    for (const c of cases) expect([c, code(() => parseOtlpLogs(Uint8Array.from(c), 'otlp_protobuf'))]).toEqual([c, 'invalid_body']);
    // A string claiming 2 GiB: protobufjs cuts it at the body's end (so does the generated decoder); nothing larger is made.
    const huge = Uint8Array.from([0x0a, 0x0b, 0x12, 0x09, 0x12, 0x07, 0x2a, 0x05, 0x0a, ...varint(2 ** 31)]);
    expect(viaReader(huge)).toEqual(viaGenerated(huge));
  });

  test('an attribute nested 50,000 levels deep is read in linear time and dropped below the depth limit', () => {
    // KeyValue{key "deep", value AnyValue{kvlist{values KeyValue{key "k", value AnyValue{kvlist …}}}}}, built outside in.
    const levels = 50_000;
    const leaf = [0x0a, 0x04, ...Buffer.from('leaf')]; // AnyValue{string_value "leaf"}
    // Each level: AnyValue{6: KeyValueList{1: KeyValue{1: "k", 2: <inner AnyValue>}}}.
    const lens: number[] = new Array(levels + 1);
    lens[levels] = leaf.length;
    for (let i = levels - 1; i >= 0; i--) {
      const kv = 3 + 1 + varint(lens[i + 1]).length + lens[i + 1];
      const list = 1 + varint(kv).length + kv;
      lens[i] = 1 + varint(list).length + list;
    }
    const chunks: number[] = [];
    for (let i = 0; i < levels; i++) {
      const kv = 3 + 1 + varint(lens[i + 1]).length + lens[i + 1];
      const list = 1 + varint(kv).length + kv;
      chunks.push(0x32, ...varint(list), 0x0a, ...varint(kv), 0x0a, 0x01, 0x6b, 0x12, ...varint(lens[i + 1]));
    }
    chunks.push(...leaf);
    const anyValueBytes = chunks;
    const attr = [0x0a, 0x04, ...Buffer.from('deep'), 0x12, ...varint(anyValueBytes.length), ...anyValueBytes];
    const line = Buffer.from(JSON.stringify({ request_id: 'req_deep', timestamp: '2026-11-30T10:00:00Z', status: 500, method: 'GET', path: '/x' }));
    const bodyAny = [0x0a, ...varint(line.length), ...line];
    const record = [0x2a, ...varint(bodyAny.length), ...bodyAny, 0x32, ...varint(attr.length), ...attr];
    const scope = [0x12, ...varint(record.length), ...record];
    const resource = [0x12, ...varint(scope.length), ...scope];
    const body = Uint8Array.from([0x0a, ...varint(resource.length), ...resource]);
    expect(body.length).toBeGreaterThan(levels * 8);
    const t0 = performance.now();
    const { items } = parseOtlpLogs(body, 'otlp_protobuf');
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(items).toHaveLength(1);
    // The gateway's line wins; the deep attribute's value is cut at 16 levels, never followed to the leaf.
    expect(items[0].value).toMatchObject({ request_id: 'req_deep' });
    expect(JSON.stringify(viaReader(body))).not.toContain('leaf');
  });

  test('start-groups nested a million deep are invalid_body, not a crash or a hang', () => {
    const body = new Uint8Array(1_000_000).fill(0x0b); // field 1, wire type 3 (start group), again and again
    const t0 = performance.now();
    expect(code(() => parseOtlpLogs(body, 'otlp_protobuf'))).toBe('invalid_body');
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  test('100,001 empty records stop at the record limit', () => {
    // ResourceLogs{ScopeLogs{LogRecord{} × n}}: 2 bytes a record.
    const n = 100_001;
    const scope = new Uint8Array(n * 2);
    for (let i = 0; i < n; i++) scope[i * 2] = 0x12;
    const scopeHead = [0x12, ...varint(scope.length)];
    const rl = [...scopeHead];
    const body = Uint8Array.from([0x0a, ...varint(rl.length + scope.length), ...rl, ...scope]);
    expect(code(() => parseOtlpLogs(body, 'otlp_protobuf'))).toBe('too_many_records');
  });
});
