// Raw record → canonical fields: collector wrappers removed, aliases of real gateways resolved, the
// envelope found (object or response_body string), time chosen by precedence, route derived from path.
// Values are not checked here (validate.ts does), only located.

/** The canonical field and the names real gateways and shippers use for it, first match wins. */
export const FIELD_ALIASES = {
  request_id: [
    'request_id', 'requestId', 'requestID', 'request-id', 'x_request_id', 'x-request-id', 'X-Request-Id', 'X-Request-ID',
    'xRequestId', 'req_id', 'reqId', 'http.request.id', 'request.headers.x-request-id', 'response.headers.x-request-id',
  ],
  /** The gateway's own time, in this order. A collector's @timestamp at the same level comes last (Logstash adds it). */
  timestamp: ['timestamp', 'time', 'ts', 'ts_ms', 'timestamp_ms', 'time_iso8601', 'start_time', 'startTime', 'started_at', '@timestamp'],
  status: ['status', 'status_code', 'statusCode', 'response_status', 'response_code', 'http_status', 'http.response.status_code', 'response.status'],
  method: ['method', 'http_method', 'httpMethod', 'request_method', 'http.request.method', 'request.method'],
  path: ['path', 'request_path', 'url_path', 'uri', 'request_uri', 'url.path', 'request.uri', 'url'],
  route: ['route', 'route_template', 'http_route', 'http.route', 'matched_route', 'endpoint'],
  latency_ms: ['latency_ms', 'duration_ms', 'response_time_ms', 'elapsed_ms', 'took_ms', 'request_time_ms', 'latencies.request'],
  key_id: ['key_id', 'keyId', 'api_key_id', 'apiKeyId'],
  account_id: ['account_id', 'accountId', 'customer_id'],
  tier: ['tier', 'account_tier', 'plan'],
  response_body: ['response_body', 'responseBody', 'resp_body', 'response.body'],
  error_code: ['error_code', 'errorCode'],
  error_message: ['error_message', 'errorMessage'],
  error_details: ['error_details', 'errorDetails'],
  // Header fields: OpenTelemetry's http.request.header.* carry a list of values (the first is used).
  idempotency_key: [
    'idempotency_key', 'idempotencyKey', 'Idempotency-Key', 'idempotency-key', 'http.request.header.idempotency-key',
    'request.headers.idempotency-key', 'request_headers.idempotency-key',
  ],
  request_fingerprint: ['request_fingerprint', 'requestFingerprint', 'body_hash', 'bodyHash', 'request_body_hash', 'request_body_sha256'],
  idempotent_replayed: [
    'idempotent_replayed', 'idempotentReplayed', 'Idempotent-Replayed', 'idempotent-replayed', 'http.response.header.idempotent-replayed',
    'response.headers.idempotent-replayed', 'response_headers.idempotent-replayed',
  ],
  user_agent: [
    'user_agent', 'userAgent', 'http_user_agent', 'User-Agent', 'user-agent', 'http.user_agent', 'user_agent.original', 'http.request.header.user-agent', 'request.headers.user-agent', 'request_headers.user-agent',
  ],
} as const;

/** Fields in seconds that we convert to milliseconds (nginx `$request_time`). */
const LATENCY_SECONDS = ['request_time', 'duration_s', 'latency_s'];
/** A collector's time for a wrapper layer; Fluent Bit's `date` is only the last resort. */
const WRAPPER_TIME = ['@timestamp', 'time', 'timestamp', 'ts'];
const COLLECTOR_DATE = 'date';
/** How many collector layers are removed at most (a Docker line inside a Fluent Bit record is two). */
export const MAX_UNWRAP = 2;

export type Obj = Record<string, unknown>;

export interface Candidate {
  request_id: unknown;
  timestamp: unknown;
  status: unknown;
  method: unknown;
  path: unknown;
  route: unknown;
  latency_ms: unknown;
  key_id: unknown;
  account_id: unknown;
  tier: unknown;
  code: unknown;
  message: unknown;
  details: unknown;
  idempotency_key: unknown;
  request_fingerprint: unknown;
  idempotent_replayed: unknown;
  user_agent: unknown;
  /** The response's Retry-After header, when a 429/5xx record carries response headers (validate.ts uses it when details lack retry_after). */
  retry_after_header?: unknown;
}

export type NormalizeOutcome = { ok: true; candidate: Candidate } | { ok: false; code: string; message: string; field?: string };

export const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function lookup(o: Obj, name: string): unknown {
  if (name in o) return o[name];
  const dot = name.indexOf('.');
  // Most records have none of the nested objects: check the first segment before splitting the name.
  if (dot === -1 || !(name.slice(0, dot) in o)) return undefined;
  // Dotted names are nested objects (ECS `http.request.id`, Kong `latencies.request`).
  let cur: unknown = o;
  for (const part of name.split('.')) {
    if (!isObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

export function pick(o: Obj, names: readonly string[]): unknown {
  for (const n of names) {
    const v = lookup(o, n);
    if (v !== undefined && v !== null && v !== '') return v;
  }
  return undefined;
}

/** The optional gateway fields, one bit each in the mask optionalFields() returns. */
const OPTIONAL_FIELDS = ['idempotency_key', 'request_fingerprint', 'idempotent_replayed', 'user_agent'] as const;
const IDEMPOTENCY_KEY = 1;
const REQUEST_FINGERPRINT = 2;
const IDEMPOTENT_REPLAYED = 4;
const USER_AGENT = 8;
/** Each alias and each dotted alias's first segment → the bits of the optional fields it may hold. */
const OPTIONAL_HEADS = new Map<string, number>();
OPTIONAL_FIELDS.forEach((f, i) => {
  for (const n of FIELD_ALIASES[f]) for (const k of [n, n.split('.')[0]]) OPTIONAL_HEADS.set(k, (OPTIONAL_HEADS.get(k) ?? 0) | (1 << i));
});

/**
 * Which optional fields the record may hold, from one pass over its keys: an alias can only match when the record
 * has it, or its first segment, as a key. Most records have none; a record with some pays the alias search only for
 * those (each field's 6–10 aliases probed per record cost more than the rest of normalize).
 */
function optionalFields(o: Obj): number {
  let mask = 0;
  for (const k in o) {
    const bits = OPTIONAL_HEADS.get(k);
    if (bits !== undefined) mask |= bits;
  }
  return mask;
}

/**
 * The first alias holding a scalar: an object under a name (ECS `user_agent: {original}`) is skipped for the next
 * alias, and a header's list of values gives its first.
 */
export function pickScalar(o: Obj, names: readonly string[]): unknown {
  for (const n of names) {
    let v = lookup(o, n);
    if (Array.isArray(v)) v = v[0];
    if (v !== undefined && v !== null && v !== '' && typeof v !== 'object') return v;
  }
  return undefined;
}

function parseJsonObject(s: unknown): Obj | undefined {
  if (isObject(s)) return s;
  if (typeof s !== 'string') return undefined;
  const t = s.trim();
  if (!t.startsWith('{') || !t.endsWith('}')) return undefined;
  try {
    const v: unknown = JSON.parse(t);
    return isObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Objects holding a record's response headers (header names in any case), and the flat names of the header itself. */
const RESPONSE_HEADERS = ['response_headers', 'responseHeaders', 'response.headers', 'resp_headers', 'http.response.header'];
const FLAT_RETRY_AFTER = new Set(RESPONSE_HEADERS.map((h) => `${h.toLowerCase()}.retry-after`));

/** The Retry-After response header of a record, its name compared case-insensitively. */
export function responseRetryAfter(r: Obj): unknown {
  for (const name of RESPONSE_HEADERS) {
    const h = lookup(r, name);
    if (!isObject(h)) continue;
    for (const k in h) if (k.length === 11 && k.toLowerCase() === 'retry-after' && h[k] !== null && h[k] !== '') return h[k];
  }
  for (const k in r) if (FLAT_RETRY_AFTER.has(k.toLowerCase()) && r[k] !== null && r[k] !== '') return r[k];
  return undefined;
}

const isLimitStatus = (s: unknown) => {
  const n = typeof s === 'string' ? Number(s) : s;
  return n === 429 || (typeof n === 'number' && n >= 500 && n <= 599);
};

const hasRequestId = (o: Obj) => pick(o, FIELD_ALIASES.request_id) !== undefined;

/**
 * The gateway's line a collector wrapped in `log` (Docker, Fluent Bit) or `message` (Vector, Logstash): a JSON
 * string, or an object that is a gateway record (Logstash's ECS `log` object is file metadata, not a record).
 */
function innerRecord(o: Obj): Obj | undefined {
  for (const v of [o.log, o.message]) {
    if (typeof v === 'string') {
      const parsed = parseJsonObject(v);
      if (parsed) return parsed;
    } else if (isObject(v) && hasRequestId(v)) return v;
  }
  return undefined;
}

/** Removes up to two collector layers; returns the layers outermost first, the gateway record last. */
export function unwrap(o: Obj): Obj[] {
  const layers = [o];
  let cur = o;
  for (let i = 0; i < MAX_UNWRAP; i++) {
    if (hasRequestId(cur)) break;
    const inner = innerRecord(cur);
    if (!inner) break;
    layers.push(inner);
    cur = inner;
  }
  return layers;
}

/** Time precedence: the gateway's own time, then each wrapper's (innermost first), then Fluent Bit's date, then the event time. */
export function chooseTimestamp(layers: readonly Obj[], event_ms?: number): unknown {
  const record = layers[layers.length - 1];
  const own = pick(record, FIELD_ALIASES.timestamp);
  if (own !== undefined) return own;
  for (let i = layers.length - 2; i >= 0; i--) {
    const t = pick(layers[i], WRAPPER_TIME);
    if (t !== undefined) return t;
  }
  for (let i = layers.length - 1; i >= 0; i--) {
    const d = layers[i][COLLECTOR_DATE];
    if (d !== undefined && d !== null && d !== '') return d;
  }
  return event_ms;
}

/** The envelope's inner object, from `error` (object, whole envelope or JSON string) or a response body string. */
export function findEnvelope(record: Obj): Obj | undefined {
  const direct = parseJsonObject(record.error);
  if (direct) return isObject(direct.error) ? direct.error : direct;
  const body = parseJsonObject(pick(record, FIELD_ALIASES.response_body) ?? record.body);
  if (body && isObject(body.error)) return body.error;
  return undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const PREFIXED_ID = /^[a-z]{1,8}_([A-Za-z0-9]{6,})$/;

/**
 * A path segment that names one resource rather than a collection: digits, UUIDs, long tokens with a digit,
 * and prefixed ids (`sub_9fQk2L`) whose body has a digit or a capital, which snake_case collection names never do.
 */
export function isIdSegment(seg: string): boolean {
  if (seg === '') return false;
  if (/^\d+$/.test(seg)) return true;
  if (UUID.test(seg)) return true;
  const prefixed = PREFIXED_ID.exec(seg);
  if (prefixed && /[0-9A-Z]/.test(prefixed[1])) return true;
  return seg.length >= 8 && /\d/.test(seg) && /^[A-Za-z0-9_.:~-]+$/.test(seg);
}

/** `/v1/submissions/sub_8f2k3j4h/logs?x=1` → `/v1/submissions/{id}/logs`. */
export function routeFromPath(path: string): string {
  return path
    .split('/')
    .map((s) => (isIdSegment(s) ? '{id}' : s))
    .join('/');
}

/** The path alone: full URLs lose scheme and host, every path loses its query string (it may carry secrets) and fragment. */
export function cleanPath(p: string): string {
  let s = p;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(s);
  if (scheme) s = s.slice(scheme[0].length) || '/';
  const cut = s.search(/[?#]/);
  return cut === -1 ? s : s.slice(0, cut);
}

export function normalize(value: unknown, event_ms?: number): NormalizeOutcome {
  if (!isObject(value)) {
    return { ok: false, code: 'not_an_object', message: 'A record must be a JSON object.' };
  }
  const layers = unwrap(value);
  const r = layers[layers.length - 1];
  const env = findEnvelope(r);

  let path = pick(r, FIELD_ALIASES.path);
  if (typeof path === 'string') path = cleanPath(path);
  let route = pick(r, FIELD_ALIASES.route);
  if (route === undefined && typeof path === 'string') route = routeFromPath(path);

  let latency = pick(r, FIELD_ALIASES.latency_ms);
  if (latency === undefined) {
    const seconds = pick(r, LATENCY_SECONDS);
    const n = typeof seconds === 'string' ? Number(seconds) : seconds;
    latency = typeof n === 'number' && Number.isFinite(n) ? n * 1000 : seconds;
  }

  const optional = optionalFields(r);
  const status = pick(r, FIELD_ALIASES.status);
  return {
    ok: true,
    candidate: {
      request_id: pick(r, FIELD_ALIASES.request_id) ?? env?.request_id,
      timestamp: chooseTimestamp(layers, event_ms),
      status,
      method: pick(r, FIELD_ALIASES.method),
      path,
      route,
      latency_ms: latency,
      key_id: pick(r, FIELD_ALIASES.key_id),
      account_id: pick(r, FIELD_ALIASES.account_id),
      tier: pick(r, FIELD_ALIASES.tier),
      code: env?.code ?? pick(r, FIELD_ALIASES.error_code),
      message: env?.message ?? pick(r, FIELD_ALIASES.error_message),
      details: env?.details ?? pick(r, FIELD_ALIASES.error_details),
      idempotency_key: optional & IDEMPOTENCY_KEY ? pickScalar(r, FIELD_ALIASES.idempotency_key) : undefined,
      request_fingerprint: optional & REQUEST_FINGERPRINT ? pickScalar(r, FIELD_ALIASES.request_fingerprint) : undefined,
      idempotent_replayed: optional & IDEMPOTENT_REPLAYED ? pickScalar(r, FIELD_ALIASES.idempotent_replayed) : undefined,
      user_agent: optional & USER_AGENT ? pickScalar(r, FIELD_ALIASES.user_agent) : undefined,
      // Only responses that can ask a client to wait pay for the header search.
      retry_after_header: isLimitStatus(status) ? responseRetryAfter(r) : undefined,
    },
  };
}
