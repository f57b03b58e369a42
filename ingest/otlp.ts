// OTLP/HTTP logs (ExportLogsServiceRequest) → the pipeline's raw items: each log record becomes one gateway
// record for normalize/validate, exactly as a line of an NDJSON body would. Protobuf is decoded by the code the
// OpenTelemetry JS project generated from the official .proto files (ingest/otlp-proto.ts); the JSON form is the
// OTLP JSON mapping (lowerCamelCase names, 64-bit integers as strings or numbers).
import { ApiError } from '@/lib/api-error';
import { FIELD_ALIASES, pick, unwrap, type Obj } from './normalize';
import { MAX_RECORD_BYTES, MAX_RECORDS, type ParseOptions, type RawItem } from './parse';
import { otlpProto } from './otlp-proto';

export type OtlpForm = 'otlp_protobuf' | 'otlp_json';

/** Nested kvlist/array levels kept; deeper values are dropped (a gateway record is two or three levels deep). */
const MAX_DEPTH = 16;
const SAMPLE_CHARS = 300;

/** The fields we read, in both the decoded-protobuf and the JSON shape (the names are the same). */
interface AnyValueLike {
  stringValue?: unknown;
  boolValue?: unknown;
  intValue?: unknown;
  doubleValue?: unknown;
  arrayValue?: { values?: unknown } | null;
  kvlistValue?: { values?: unknown } | null;
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** int64 as a protobufjs Long, a number, or (JSON) a decimal string → a number (exact below 2^53). */
function int64(v: unknown): number | undefined {
  if (v === null || v === undefined) return undefined;
  const n = typeof v === 'number' ? v : Number(typeof v === 'string' ? v : String(v));
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Epoch nanoseconds (fixed64) → ms, or undefined when unset (0). In integers: today's nanoseconds are past 2^53, so a
 * float division lands a millisecond low for about half of all times (…978000000 / 1e6 = 977.9999…).
 */
function nanosToMs(v: unknown): number | undefined {
  if (v === null || v === undefined) return undefined;
  let ns: bigint;
  try {
    ns = typeof v === 'bigint' ? v : BigInt(typeof v === 'number' ? Math.trunc(v) : String(v));
  } catch {
    return undefined;
  }
  return ns > 0n ? Number(ns / 1_000_000n) : undefined;
}

/** Counts what a record costs, to apply the same per-record cap as a JSON line. */
class Budget {
  bytes = 0;
}

function anyValue(v: unknown, depth: number, budget: Budget): unknown {
  if (!isObj(v)) return undefined;
  const a = v as AnyValueLike;
  if (typeof a.stringValue === 'string') {
    budget.bytes += a.stringValue.length;
    return a.stringValue;
  }
  if (typeof a.boolValue === 'boolean') return a.boolValue;
  if (a.intValue !== null && a.intValue !== undefined) return int64(a.intValue);
  if (a.doubleValue !== null && a.doubleValue !== undefined) {
    const d = typeof a.doubleValue === 'number' ? a.doubleValue : Number(a.doubleValue);
    return Number.isFinite(d) ? d : undefined;
  }
  if (depth >= MAX_DEPTH) return undefined;
  if (isObj(a.kvlistValue)) return keyValues(a.kvlistValue.values, depth + 1, budget);
  if (isObj(a.arrayValue)) {
    const values = a.arrayValue.values;
    if (!Array.isArray(values)) return [];
    const out: unknown[] = [];
    for (const x of values) out.push(anyValue(x, depth + 1, budget));
    return out;
  }
  // bytesValue and an empty AnyValue carry nothing a gateway record uses.
  return undefined;
}

function keyValues(list: unknown, depth: number, budget: Budget): Obj {
  const out: Obj = {};
  if (!Array.isArray(list)) return out;
  for (const kv of list) {
    if (!isObj(kv) || typeof kv.key !== 'string') continue;
    budget.bytes += kv.key.length + 4;
    const value = anyValue(kv.value, depth, budget);
    if (value !== undefined) out[kv.key] = value;
  }
  return out;
}

/** Semantic-convention request headers are string arrays (`http.request.header.x-request-id: ["abc"]`). */
const HEADER_ID = /^http\.(request|response)\.header\.x[-_]request[-_]id$/i;

function attributesOf(list: unknown, budget: Budget): Obj {
  const attrs = keyValues(list, 0, budget);
  if (attrs['x-request-id'] === undefined) {
    for (const k of Object.keys(attrs)) {
      if (!HEADER_ID.test(k)) continue;
      const v = attrs[k];
      const first = Array.isArray(v) ? v[0] : v;
      if (typeof first === 'string' && first !== '') {
        attrs['x-request-id'] = first;
        break;
      }
    }
  }
  return attrs;
}

function jsonObject(s: string): Obj | undefined {
  const t = s.trim();
  if (!t.startsWith('{') || !t.endsWith('}')) return undefined;
  try {
    const v: unknown = JSON.parse(t);
    return isObj(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

const hasRequestId = (o: Obj) => {
  const layers = unwrap(o);
  return pick(layers[layers.length - 1], FIELD_ALIASES.request_id) !== undefined;
};

/**
 * One log record → the value normalize() reads. A string body holding a JSON object is the gateway's line (the
 * filelog receiver's default); a kvlist body and the attributes are the record's fields otherwise (semantic-
 * convention names such as `http.response.status_code` are aliases normalize knows). The line's own fields win.
 */
export function logRecordValue(lr: Obj, budget = new Budget()): Obj {
  const attrs = attributesOf(lr.attributes, budget);
  const body = isObj(lr.body) ? (lr.body as AnyValueLike) : undefined;
  if (body && typeof body.stringValue === 'string') {
    budget.bytes += body.stringValue.length;
    const line = jsonObject(body.stringValue);
    if (line) return hasRequestId(line) ? line : { ...attrs, ...line };
    // Not a gateway line: kept as `body` so a rejection sample shows what arrived.
    return { ...attrs, body: body.stringValue };
  }
  if (body && isObj(body.kvlistValue)) return { ...attrs, ...keyValues(body.kvlistValue.values, 1, budget) };
  return attrs;
}

/** The export's log records in order (resource → scope → record), the deprecated pre-1.0 grouping included. */
function* logRecords(request: unknown): Generator<unknown> {
  if (!isObj(request)) throw new ApiError('invalid_body', 'The body is not an OTLP ExportLogsServiceRequest: expected an object.');
  const resources = request.resourceLogs;
  if (resources === undefined || resources === null) return;
  if (!Array.isArray(resources)) throw new ApiError('invalid_body', 'resourceLogs must be an array.');
  for (const rl of resources) {
    if (!isObj(rl)) continue;
    for (const group of [rl.scopeLogs, rl.instrumentationLibraryLogs]) {
      if (!Array.isArray(group)) continue;
      for (const sl of group) {
        if (!isObj(sl) || !Array.isArray(sl.logRecords)) continue;
        yield* sl.logRecords;
      }
    }
  }
}

function decode(body: Uint8Array, form: OtlpForm): unknown {
  if (form === 'otlp_json') {
    if (body.byteLength === 0) throw new ApiError('invalid_body', 'The body is empty: send an OTLP JSON ExportLogsServiceRequest.');
    try {
      return JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
    } catch (err) {
      throw new ApiError('invalid_body', `The body is not OTLP JSON: ${(err as Error).message}`);
    }
  }
  try {
    // A Buffer, so protobufjs reads strings with Node's UTF-8 decoder rather than its JavaScript one.
    return otlpProto().ExportLogsServiceRequest.decode(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  } catch (err) {
    // Truncated or mistyped wire data, or nesting deep enough to exhaust the stack: the body itself is bad.
    throw new ApiError('invalid_body', `The body is not a protobuf ExportLogsServiceRequest: ${(err as Error).message}`);
  }
}

/** Decodes an export into one raw item per log record; `line` is the record's 1-based position in the export. */
export function parseOtlpLogs(body: Uint8Array, form: OtlpForm, options: ParseOptions = {}): { items: RawItem[] } {
  const maxRecords = options.maxRecords ?? MAX_RECORDS;
  const maxBytes = options.maxRecordBytes ?? MAX_RECORD_BYTES;
  const request = decode(body, form);
  const items: RawItem[] = [];
  let line = 0;
  for (const lr of logRecords(request)) {
    line++;
    if (line > maxRecords) throw new ApiError('too_many_records', `A batch may hold at most ${maxRecords} records.`, { limit: maxRecords });
    if (!isObj(lr)) {
      items.push({ line, start: 0, end: 0, error: { code: 'not_an_object', message: 'A log record must be an object.' } });
      continue;
    }
    const budget = new Budget();
    const value = logRecordValue(lr, budget);
    const sample = () => JSON.stringify(value).slice(0, SAMPLE_CHARS);
    if (budget.bytes > maxBytes) {
      items.push({ line, start: 0, end: 0, sample, error: { code: 'record_too_large', message: `The record is larger than ${maxBytes} bytes.` } });
      continue;
    }
    // The gateway's own time wins (normalize); then the record's time, then when the collector observed it.
    const event_ms = nanosToMs(lr.timeUnixNano) ?? nanosToMs(lr.observedTimeUnixNano);
    items.push({ line, start: 0, end: 0, value, event_ms, sample });
  }
  return { items };
}

/** The `Content-Type` of an OTLP/HTTP request → its encoding (protobuf when absent, the exporters' default). */
export function otlpFormOf(contentType: string | null): OtlpForm | null {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === '' || type === 'application/x-protobuf' || type === 'application/protobuf') return 'otlp_protobuf';
  if (type === 'application/json') return 'otlp_json';
  return null;
}
