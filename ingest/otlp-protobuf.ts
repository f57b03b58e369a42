// A protobuf ExportLogsServiceRequest → one value per log record, read one record at a time. The wire format is
// read by protobufjs's Reader, with the same calls, field by field, as the decoders the OpenTelemetry JS project
// generated from the official protos (@opentelemetry/otlp-transformer 0.210.0, build/src/generated/root.js), so
// a body is accepted or refused exactly as they would; the difference is where each field lands. The generated
// decoders build an object per message, attribute and 64-bit integer and hold the whole export until it is mapped;
// here each record goes straight to its value and nothing else outlives it. Resource and InstrumentationScope,
// which errata reads nothing from, go through the generated decoders themselves. A kvlist or array nested deeper
// than MAX_DEPTH is skipped unread (the decoded-object path drops it too), so nesting never recurses further.
// tests/unit/otlp-protobuf.test.ts checks every value against generated decode + ingest/otlp.ts's object mapping.
import type { Obj } from './normalize';
import { Budget, MAX_DEPTH, nanoHalvesToMs, recordValue, withHeaderRequestId } from './otlp-record';
import { otlpProto, type OtlpProto, type ProtoReader } from './otlp-proto';

export interface ProtoLogRecord {
  value: Obj;
  /** timeUnixNano, else observedTimeUnixNano, in ms. */
  event_ms: number | undefined;
  /** What the record costs against the per-record cap. */
  bytes: number;
}

const int64ToNumber = (v: number | { toNumber(): number }) => (typeof v === 'number' ? v : v.toNumber());

class LogsReader {
  private readonly r: ProtoReader;
  private readonly proto: OtlpProto;
  /** The running count of the record being read; nested values add to it and keep only the winning member's. */
  private readonly budget = new Budget();

  constructor(bytes: Uint8Array, proto: OtlpProto) {
    this.proto = proto;
    // A Buffer, so protobufjs reads strings with Node's UTF-8 decoder rather than its JavaScript one.
    this.r = proto.Reader.create(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }

  /** ExportLogsServiceRequest: 1 resource_logs. */
  read(onRecord: (record: ProtoLogRecord) => void): void {
    const r = this.r;
    const end = r.len;
    while (r.pos < end) {
      const tag = r.uint32();
      if (tag >>> 3 === 1) this.resourceLogs(r.uint32(), onRecord);
      else r.skipType(tag & 7);
    }
  }

  /** ResourceLogs: 1 resource, 2 scope_logs, 3 schema_url. */
  private resourceLogs(length: number, onRecord: (record: ProtoLogRecord) => void): void {
    const r = this.r;
    const end = r.pos + length;
    while (r.pos < end) {
      const tag = r.uint32();
      switch (tag >>> 3) {
        case 1:
          this.proto.Resource.decode(r, r.uint32());
          break;
        case 2:
          this.scopeLogs(r.uint32(), onRecord);
          break;
        case 3:
          r.string();
          break;
        default:
          r.skipType(tag & 7);
      }
    }
  }

  /** ScopeLogs: 1 scope, 2 log_records, 3 schema_url. */
  private scopeLogs(length: number, onRecord: (record: ProtoLogRecord) => void): void {
    const r = this.r;
    const end = r.pos + length;
    while (r.pos < end) {
      const tag = r.uint32();
      switch (tag >>> 3) {
        case 1:
          this.proto.InstrumentationScope.decode(r, r.uint32());
          break;
        case 2:
          onRecord(this.logRecord(r.uint32()));
          break;
        case 3:
          r.string();
          break;
        default:
          r.skipType(tag & 7);
      }
    }
  }

  /**
   * LogRecord: 1 time_unix_nano, 11 observed_time_unix_nano (fixed64, read as two fixed32 halves), 2 severity_number,
   * 3 severity_text, 5 body, 6 attributes, 7 dropped_attributes_count, 8 flags, 9 trace_id, 10 span_id, 12 event_name.
   */
  private logRecord(length: number): ProtoLogRecord {
    const r = this.r;
    const end = r.pos + length;
    this.budget.bytes = 0;
    let time: number | undefined;
    let observed: number | undefined;
    const attrs: Obj = {};
    // A repeated body field replaces the earlier one, as in the generated decoder.
    let bodyString: string | undefined;
    let bodyKvlist: Obj | undefined;
    let bodyKvlistBytes = 0;
    while (r.pos < end) {
      const tag = r.uint32();
      switch (tag >>> 3) {
        case 1: {
          const low = r.fixed32();
          time = nanoHalvesToMs(low, r.fixed32());
          break;
        }
        case 11: {
          const low = r.fixed32();
          observed = nanoHalvesToMs(low, r.fixed32());
          break;
        }
        case 2:
          r.int32();
          break;
        case 3:
          r.string();
          break;
        case 5: {
          const body = this.body(r.uint32());
          bodyString = body.string;
          bodyKvlist = body.kvlist;
          bodyKvlistBytes = body.kvlistBytes;
          break;
        }
        case 6:
          this.keyValue(r.uint32(), 0, attrs);
          break;
        case 7:
          r.uint32();
          break;
        case 8:
          r.fixed32();
          break;
        case 9:
        case 10:
          r.bytes();
          break;
        case 12:
          r.string();
          break;
        default:
          r.skipType(tag & 7);
      }
    }
    const budget = this.budget;
    if (bodyString !== undefined) budget.bytes += bodyString.length;
    else if (bodyKvlist) budget.bytes += bodyKvlistBytes;
    return { value: recordValue(withHeaderRequestId(attrs), bodyString, bodyKvlist), event_ms: time ?? observed, bytes: budget.bytes };
  }

  /** The body's AnyValue: only a string or a kvlist makes the record (its kvlist entries are at depth 1). */
  private body(length: number): { string: string | undefined; kvlist: Obj | undefined; kvlistBytes: number } {
    const r = this.r;
    const end = r.pos + length;
    const budget = this.budget;
    const b0 = budget.bytes;
    let string: string | undefined;
    let kvlist: Obj | undefined;
    let kvlistBytes = 0;
    while (r.pos < end) {
      const tag = r.uint32();
      switch (tag >>> 3) {
        case 1:
          string = r.string();
          break;
        case 2:
          r.bool();
          break;
        case 3:
          r.int64();
          break;
        case 4:
          r.double();
          break;
        case 5:
          // Read and checked like any array, but an array body carries nothing a record uses.
          this.array(r.uint32(), 1);
          budget.bytes = b0;
          break;
        case 6:
          kvlist = this.kvlist(r.uint32(), 1);
          kvlistBytes = budget.bytes - b0;
          budget.bytes = b0;
          break;
        case 7:
          r.bytes();
          break;
        default:
          r.skipType(tag & 7);
      }
    }
    return { string, kvlist, kvlistBytes };
  }

  /** KeyValue: 1 key, 2 value. A later value replaces an earlier one; a pair without a key is dropped. */
  private keyValue(length: number, depth: number, out: Obj): void {
    const r = this.r;
    const end = r.pos + length;
    const budget = this.budget;
    const b0 = budget.bytes;
    let key: string | undefined;
    let value: unknown;
    let valueBytes = 0;
    while (r.pos < end) {
      const tag = r.uint32();
      switch (tag >>> 3) {
        case 1:
          key = r.string();
          break;
        case 2:
          value = this.anyValue(r.uint32(), depth);
          valueBytes = budget.bytes - b0;
          budget.bytes = b0;
          break;
        default:
          r.skipType(tag & 7);
      }
    }
    if (key === undefined) return;
    budget.bytes = b0 + key.length + 4 + valueBytes;
    if (value !== undefined) out[key] = value;
  }

  /** KeyValueList: 1 values. */
  private kvlist(length: number, depth: number): Obj {
    const r = this.r;
    const end = r.pos + length;
    const out: Obj = {};
    while (r.pos < end) {
      const tag = r.uint32();
      if (tag >>> 3 === 1) this.keyValue(r.uint32(), depth, out);
      else r.skipType(tag & 7);
    }
    return out;
  }

  /** ArrayValue: 1 values. */
  private array(length: number, depth: number): unknown[] {
    const r = this.r;
    const end = r.pos + length;
    const out: unknown[] = [];
    while (r.pos < end) {
      const tag = r.uint32();
      if (tag >>> 3 === 1) out.push(this.anyValue(r.uint32(), depth));
      else r.skipType(tag & 7);
    }
    return out;
  }

  /**
   * AnyValue: 1 string, 2 bool, 3 int (int64), 4 double, 5 array, 6 kvlist, 7 bytes. `depth` is the value's own
   * level; its entries are read at depth + 1, and from MAX_DEPTH on a kvlist or array is skipped. With more than one
   * member set (not valid OTLP, but the wire allows it) the first in that order wins, as in the decoded-object mapping.
   */
  private anyValue(length: number, depth: number): unknown {
    const r = this.r;
    const end = r.pos + length;
    const budget = this.budget;
    const b0 = budget.bytes;
    let str: string | undefined;
    let bool: boolean | undefined;
    let num: number | undefined;
    let dbl: number | undefined;
    let kv: Obj | undefined;
    let kvBytes = 0;
    let arr: unknown[] | undefined;
    let arrBytes = 0;
    while (r.pos < end) {
      const tag = r.uint32();
      switch (tag >>> 3) {
        case 1:
          str = r.string();
          break;
        case 2:
          bool = r.bool();
          break;
        case 3:
          num = int64ToNumber(r.int64());
          break;
        case 4:
          dbl = r.double();
          break;
        case 5: {
          const n = r.uint32();
          if (depth >= MAX_DEPTH) r.skip(n);
          else {
            arr = this.array(n, depth + 1);
            arrBytes = budget.bytes - b0;
            budget.bytes = b0;
          }
          break;
        }
        case 6: {
          const n = r.uint32();
          if (depth >= MAX_DEPTH) r.skip(n);
          else {
            kv = this.kvlist(n, depth + 1);
            kvBytes = budget.bytes - b0;
            budget.bytes = b0;
          }
          break;
        }
        case 7:
          r.bytes();
          break;
        default:
          r.skipType(tag & 7);
      }
    }
    if (str !== undefined) {
      budget.bytes += str.length;
      return str;
    }
    if (bool !== undefined) return bool;
    if (num !== undefined) return num;
    if (dbl !== undefined) return Number.isFinite(dbl) ? dbl : undefined;
    if (kv !== undefined) {
      budget.bytes += kvBytes;
      return kv;
    }
    if (arr !== undefined) {
      budget.bytes += arrBytes;
      return arr;
    }
    return undefined;
  }
}

/** Calls onRecord for each log record of the export, in order; throws protobufjs's errors for a bad body. */
export function readLogsExport(bytes: Uint8Array, onRecord: (record: ProtoLogRecord) => void): void {
  new LogsReader(bytes, otlpProto()).read(onRecord);
}
