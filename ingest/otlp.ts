// OTLP/HTTP logs (ExportLogsServiceRequest) → the pipeline's raw items: each log record becomes one gateway
// record for normalize/validate, exactly as a line of an NDJSON body would. Protobuf is read record by record
// (ingest/otlp-protobuf.ts, protobufjs's reader driven as the generated decoders drive it); the JSON form is the
// OTLP JSON mapping (lowerCamelCase names, 64-bit integers as strings or numbers), walked here as decoded objects.
import { ApiError } from '@/lib/api-error';
import type { Obj } from './normalize';
import { Budget, isObj, MAX_DEPTH, nanoHalvesToMs, recordValue, withHeaderRequestId } from './otlp-record';
import { readLogsExport } from './otlp-protobuf';
import { MAX_RECORD_BYTES, MAX_RECORDS, type ParseOptions, type RawItem } from './parse';

export type OtlpForm = 'otlp_protobuf' | 'otlp_json';

const SAMPLE_CHARS = 300;

/** The fields we read, in both the JSON shape and protobufjs's decoded objects (the names are the same). */
interface AnyValueLike {
  stringValue?: unknown;
  boolValue?: unknown;
  intValue?: unknown;
  doubleValue?: unknown;
  arrayValue?: { values?: unknown } | null;
  kvlistValue?: { values?: unknown } | null;
}

/** int64 as a protobufjs Long, a number, or (JSON) a decimal string → a number (exact below 2^53). */
function int64(v: unknown): number | undefined {
  if (v === null || v === undefined) return undefined;
  const n = typeof v === 'number' ? v : Number(typeof v === 'string' ? v : String(v));
  return Number.isFinite(n) ? n : undefined;
}

interface LongLike {
  low: number;
  high: number;
}

const isLong = (v: unknown): v is LongLike => isObj(v) && typeof v.low === 'number' && typeof v.high === 'number';

/**
 * Epoch nanoseconds (fixed64: a JSON decimal string or number, or a protobufjs Long) → ms, or undefined when unset
 * (0). In integers: today's nanoseconds are past 2^53, so a float division lands a millisecond low for about half of
 * all times (…978000000 / 1e6 = 977.9999…).
 */
export function nanosToMs(v: unknown): number | undefined {
  if (v === null || v === undefined) return undefined;
  if (isLong(v)) return nanoHalvesToMs(v.low, v.high);
  let ns: bigint;
  try {
    ns = typeof v === 'bigint' ? v : BigInt(typeof v === 'number' ? Math.trunc(v) : String(v));
  } catch {
    return undefined;
  }
  return ns > 0n ? Number(ns / 1_000_000n) : undefined;
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

/** One decoded log record (OTLP JSON, or protobufjs's object) → the value normalize() reads (otlp-record.ts). */
export function logRecordValue(lr: Obj, budget = new Budget()): Obj {
  const attrs = withHeaderRequestId(keyValues(lr.attributes, 0, budget));
  const body = isObj(lr.body) ? (lr.body as AnyValueLike) : undefined;
  if (body && typeof body.stringValue === 'string') {
    budget.bytes += body.stringValue.length;
    return recordValue(attrs, body.stringValue, undefined);
  }
  if (body && isObj(body.kvlistValue)) return recordValue(attrs, undefined, keyValues(body.kvlistValue.values, 1, budget));
  return attrs;
}

/** The export's log records in order (resource → scope → record), the deprecated pre-1.0 grouping included. */
export function decodedLogRecords(request: unknown): unknown[] {
  if (!isObj(request)) throw new ApiError('invalid_body', 'The body is not an OTLP ExportLogsServiceRequest: expected an object.');
  const resources = request.resourceLogs;
  const out: unknown[] = [];
  if (resources === undefined || resources === null) return out;
  if (!Array.isArray(resources)) throw new ApiError('invalid_body', 'resourceLogs must be an array.');
  for (const rl of resources) {
    if (!isObj(rl)) continue;
    for (const group of [rl.scopeLogs, rl.instrumentationLibraryLogs]) {
      if (!Array.isArray(group)) continue;
      for (const sl of group) {
        if (!isObj(sl) || !Array.isArray(sl.logRecords)) continue;
        for (const lr of sl.logRecords) out.push(lr);
      }
    }
  }
  return out;
}

function decodeJson(body: Uint8Array): unknown {
  if (body.byteLength === 0) throw new ApiError('invalid_body', 'The body is empty: send an OTLP JSON ExportLogsServiceRequest.');
  try {
    return JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch (err) {
    throw new ApiError('invalid_body', `The body is not OTLP JSON: ${(err as Error).message}`);
  }
}

/** Decodes an export into one raw item per log record; `line` is the record's 1-based position in the export. */
export function parseOtlpLogs(body: Uint8Array, form: OtlpForm, options: ParseOptions = {}): { items: RawItem[] } {
  const maxRecords = options.maxRecords ?? MAX_RECORDS;
  const maxBytes = options.maxRecordBytes ?? MAX_RECORD_BYTES;
  const items: RawItem[] = [];
  const add = (value: Obj, event_ms: number | undefined, bytes: number) => {
    const line = items.length + 1;
    if (line > maxRecords) throw new ApiError('too_many_records', `A batch may hold at most ${maxRecords} records.`, { limit: maxRecords });
    const sample = () => JSON.stringify(value).slice(0, SAMPLE_CHARS);
    if (bytes > maxBytes) {
      items.push({ line, start: 0, end: 0, sample, error: { code: 'record_too_large', message: `The record is larger than ${maxBytes} bytes.` } });
      return;
    }
    // The gateway's own time wins (normalize); then the record's time, then when the collector observed it.
    items.push({ line, start: 0, end: 0, value, event_ms, sample });
  };
  if (form === 'otlp_protobuf') {
    try {
      readLogsExport(body, (r) => add(r.value, r.event_ms, r.bytes));
    } catch (err) {
      if (err instanceof ApiError) throw err;
      // Truncated or mistyped wire data, or groups nested deep enough to exhaust the stack: the body itself is bad.
      throw new ApiError('invalid_body', `The body is not a protobuf ExportLogsServiceRequest: ${(err as Error).message}`);
    }
    return { items };
  }
  for (const lr of decodedLogRecords(decodeJson(body))) {
    if (!isObj(lr)) {
      const line = items.length + 1;
      if (line > maxRecords) throw new ApiError('too_many_records', `A batch may hold at most ${maxRecords} records.`, { limit: maxRecords });
      items.push({ line, start: 0, end: 0, error: { code: 'not_an_object', message: 'A log record must be an object.' } });
      continue;
    }
    const budget = new Budget();
    const value = logRecordValue(lr, budget);
    add(value, nanosToMs(lr.timeUnixNano) ?? nanosToMs(lr.observedTimeUnixNano), budget.bytes);
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
