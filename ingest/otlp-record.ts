// One OTLP log record → the value normalize() reads, for both encodings: the rules that do not depend on how the
// record was decoded (ingest/otlp.ts walks decoded objects, ingest/otlp-protobuf.ts the protobuf wire format).
import { FIELD_ALIASES, pick, unwrap, type Obj } from './normalize';

/** Nested kvlist/array levels kept; deeper values are dropped (a gateway record is two or three levels deep). */
export const MAX_DEPTH = 16;

/** Counts what a record costs, to apply the same per-record cap as a JSON line. */
export class Budget {
  bytes = 0;
}

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Epoch nanoseconds as two unsigned 32-bit halves → ms, or undefined when unset (0). */
export function nanoHalvesToMs(low: number, high: number): number | undefined {
  const lo = low >>> 0;
  const hi = high >>> 0;
  if (lo === 0 && hi === 0) return undefined;
  // hi·2^32 + lo = hi·4294·10^6 + (hi·967296 + lo), whose second term stays below 2^53: exact in doubles.
  const rest = hi * 967296 + lo;
  const restMs = (rest - (rest % 1_000_000)) / 1_000_000;
  return hi * 4294 + restMs;
}

/** Semantic-convention request headers are string arrays (`http.request.header.x-request-id: ["abc"]`). */
const HEADER_ID = /^http\.(request|response)\.header\.x[-_]request[-_]id$/i;

/** The attributes, with `x-request-id` taken from a request-id header attribute when there is none. */
export function withHeaderRequestId(attrs: Obj): Obj {
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

function isEmpty(o: Obj): boolean {
  for (const _ in o) return false;
  return true;
}

/**
 * A string body holding a JSON object is the gateway's line (the filelog receiver's default); a kvlist body and the
 * attributes are the record's fields otherwise (semantic-convention names such as `http.response.status_code` are
 * aliases normalize knows). The line's own fields win. `attrs` has been through withHeaderRequestId.
 */
export function recordValue(attrs: Obj, bodyString: string | undefined, bodyKvlist: Obj | undefined): Obj {
  if (bodyString !== undefined) {
    const line = jsonObject(bodyString);
    if (line) return isEmpty(attrs) || hasRequestId(line) ? line : { ...attrs, ...line };
    // Not a gateway line: kept as `body` so a rejection sample shows what arrived.
    return { ...attrs, body: bodyString };
  }
  if (bodyKvlist) return { ...attrs, ...bodyKvlist };
  return attrs;
}
