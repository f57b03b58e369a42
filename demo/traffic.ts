// Deterministic synthetic gateway traffic: log records exactly as the platform's gateway writes them
// (PRODUCT.md "ingest format v1"), for the demo, tests and benchmarks. Same options and seed → same bytes.
//
// Options (all optional): seed (number|string, 1), count (lines emitted, INCLUDING duplicates and bad lines;
// 10,000), end (ms|Date|RFC 3339; fixed 2026-01-08T00:00Z so output is reproducible — pass Date.now() for a
// live demo), start (default end - days), days (7), keys (400 API keys over ~250 accounts), errorRate
// (baseline share of errors outside the scripted incidents; 0.06 → ~7-8 % overall), duplicateFraction (share
// of lines that resend an earlier record verbatim; 0), badLineFraction (share of lines that must be rejected:
// truncated JSON, missing request_id, bad timestamp, status out of range; 0), responseBodyFraction (share of
// error records logging the envelope as a `response_body` string instead of an `error` object; 0.25),
// routeOmittedFraction (0.15), incidents (true), anomalies (true: a few unknown codes and status mismatches).
//
// Scripted incidents (placed relative to `end`, compressed when the range is shorter than a week): a 45-minute
// internal_error outage at the busiest time of the last 24 hours; a key exhausting its daily quota
// (capacity_exceeded, reason daily_quota, used/limit) two days before end; a key revoked 3 days before end that
// keeps hammering the API (invalid_credentials); two platform_queue capacity events; 14 rate_limited bursts.
// Traffic follows a daily (European + US working hours, UTC) and weekly (quieter weekends) shape.
//
// API: trafficRecords(opts, stats?) yields objects; trafficLines(opts, stats?) yields NDJSON lines (no "\n");
// trafficChunks(opts, linesPerChunk, stats?) yields "\n"-terminated NDJSON text. `stats` (from newTrafficStats())
// is filled in as lines are produced: unique records, duplicates, bad lines, errors, per-code counts.
import { CATALOG, type CapacityReason } from '@/lib/catalog';

export interface TrafficOptions {
  seed?: number | string;
  count?: number;
  start?: number | Date | string;
  end?: number | Date | string;
  days?: number;
  keys?: number;
  errorRate?: number;
  duplicateFraction?: number;
  badLineFraction?: number;
  responseBodyFraction?: number;
  routeOmittedFraction?: number;
  incidents?: boolean;
  anomalies?: boolean;
}

export const TRAFFIC_DEFAULT_END_MS = Date.UTC(2026, 0, 8);
export const TIERS = ['free', 'starter', 'pro', 'enterprise'] as const;
export type Tier = (typeof TIERS)[number];

export interface ErrorEnvelope {
  code: string;
  message: string;
  details: Record<string, unknown>;
  request_id: string;
}

/** One gateway log line as written by the gateway. Bad lines are other shapes (see badRecord). */
export interface GatewayLogRecord {
  request_id: string;
  timestamp: string;
  status: number;
  method: string;
  path: string;
  route?: string;
  latency_ms: number;
  key_id?: string;
  account_id?: string;
  tier?: string;
  error?: ErrorEnvelope;
  response_body?: string;
}

export type TrafficLineKind = 'record' | 'duplicate' | 'bad';

export interface TrafficStats {
  emitted: number;
  /** Distinct (request_id, code) records: what a fresh database accepts. */
  unique: number;
  duplicates: number;
  bad: number;
  /** Unique records with status >= 400. */
  errors: number;
  byCode: Record<string, number>;
  byReason: Record<string, number>;
  byTier: Record<string, number>;
  keys: Set<string>;
  firstMs: number;
  lastMs: number;
}

export function newTrafficStats(): TrafficStats {
  return {
    emitted: 0,
    unique: 0,
    duplicates: 0,
    bad: 0,
    errors: 0,
    byCode: {},
    byReason: {},
    byTier: {},
    keys: new Set(),
    firstMs: Infinity,
    lastMs: -Infinity,
  };
}

/** Well-known ids of the scripted incidents, so tests and docs can point at them. */
export interface TrafficScript {
  quotaKey: string;
  revokedKey: string;
  internalIncident: { fromMs: number; toMs: number };
  quotaWindow: { fromMs: number; toMs: number };
  revokedFromMs: number;
  platformQueue: { fromMs: number; toMs: number }[];
  rateLimitBursts: { fromMs: number; toMs: number; key: string }[];
}

// ---------------------------------------------------------------------------------------------------------
// PRNG: sfc32 seeded through cyrb128 (fast, 128-bit state, good enough for synthetic data).

function cyrb128(str: string): [number, number, number, number] {
  let h1 = 1779033703,
    h2 = 3144134277,
    h3 = 1013904242,
    h4 = 2773480762;
  for (let i = 0; i < str.length; i++) {
    const k = str.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  return [(h1 ^ h2 ^ h3 ^ h4) >>> 0, (h2 ^ h1) >>> 0, (h3 ^ h1) >>> 0, (h4 ^ h1) >>> 0];
}

export type Rng = () => number;

export function createRng(seed: number | string): Rng {
  let [a, b, c, d] = cyrb128(String(seed));
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  return next;
}

const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const B36 = '0123456789abcdefghijklmnopqrstuvwxyz';

function encode(n: number, len: number, alphabet: string): string {
  const base = alphabet.length;
  let s = '';
  for (let i = 0; i < len; i++) {
    s += alphabet[n % base];
    n = Math.floor(n / base);
  }
  return s;
}

const B62C = Uint8Array.from(B62, (ch) => ch.charCodeAt(0));
const fromCodes = String.fromCharCode;

/** encode() for the hot path: one flat string, no per-character concatenation. */
function encode5(n: number, c: Uint8Array): string {
  const base = c.length;
  const d0 = c[n % base];
  n = (n / base) >>> 0;
  const d1 = c[n % base];
  n = (n / base) >>> 0;
  const d2 = c[n % base];
  n = (n / base) >>> 0;
  const d3 = c[n % base];
  n = (n / base) >>> 0;
  return fromCodes(d0, d1, d2, d3, c[n % base]);
}

/** A bijection on 32-bit integers, so sequence numbers become unique random-looking id parts. */
function permute32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

// ---------------------------------------------------------------------------------------------------------
// The platform: routes, tiers, codes.

interface RouteDef {
  method: string;
  route: string;
  weight: number;
  /** Median latency of a success, ms. */
  latency: number;
  /** The `{id}` prefix, e.g. "sub_". */
  idPrefix?: string;
  /** The route split around `{id}`, for building paths without a replace per record. */
  before?: string;
  after?: string;
}

const ROUTES: RouteDef[] = [
  { method: 'GET', route: '/v1/submissions/{id}', weight: 30, latency: 22, idPrefix: 'sub_' },
  { method: 'POST', route: '/v1/submissions', weight: 14, latency: 180 },
  { method: 'GET', route: '/v1/submissions', weight: 11, latency: 60 },
  { method: 'GET', route: '/v1/submissions/{id}/results', weight: 10, latency: 95, idPrefix: 'sub_' },
  { method: 'POST', route: '/v1/submissions/{id}/cancel', weight: 2, latency: 40, idPrefix: 'sub_' },
  { method: 'GET', route: '/v1/models', weight: 6, latency: 14 },
  { method: 'GET', route: '/v1/models/{id}', weight: 4, latency: 12, idPrefix: 'mdl_' },
  { method: 'GET', route: '/v1/account', weight: 5, latency: 10 },
  { method: 'GET', route: '/v1/usage', weight: 4, latency: 35 },
  { method: 'POST', route: '/v1/datasets', weight: 2, latency: 260 },
  { method: 'GET', route: '/v1/datasets/{id}', weight: 3, latency: 30, idPrefix: 'ds_' },
  { method: 'DELETE', route: '/v1/datasets/{id}', weight: 1, latency: 45, idPrefix: 'ds_' },
  { method: 'POST', route: '/v1/keys', weight: 0.5, latency: 30 },
  { method: 'PATCH', route: '/v1/keys/{id}', weight: 0.4, latency: 25, idPrefix: 'key_' },
];
for (const r of ROUTES) [r.before, r.after] = r.route.split('{id}');
const R = (method: string, route: string) => ROUTES.findIndex((r) => r.method === method && r.route === route);
const POST_SUBMISSIONS = R('POST', '/v1/submissions');

const TIER_WEIGHT: Record<Tier, number> = { free: 0.5, starter: 0.28, pro: 0.16, enterprise: 0.06 };
const TIER_TRAFFIC: Record<Tier, number> = { free: 0.35, starter: 1, pro: 3, enterprise: 8 };
const TIER_KEYS: Record<Tier, [number, number]> = { free: [1, 2], starter: [1, 3], pro: [2, 5], enterprise: [3, 8] };
const RATE_LIMIT: Record<Tier, number> = { free: 60, starter: 120, pro: 600, enterprise: 3000 };
const DAILY_QUOTA: Record<Tier, number> = { free: 100, starter: 500, pro: 5000, enterprise: 50000 };
const CONCURRENT: Record<Tier, number> = { free: 2, starter: 5, pro: 20, enterprise: 50 };
const CREDIT_CAP: Record<Tier, number> = { free: 1, starter: 1, pro: 5, enterprise: 25 };

interface Key {
  key_id: string;
  account_id: string;
  tier: Tier;
  weight: number;
  /** Relative error propensity; heavy-tailed so "who causes it" has an answer. */
  errorMult: number;
  revokedFromMs: number;
}

/** Base error mix (relative weights) and the routes each code happens on (undefined: any route). */
const CODE_MIX: Record<string, { weight: number; routes?: number[] }> = {
  not_found: { weight: 16, routes: [R('GET', '/v1/submissions/{id}'), R('GET', '/v1/submissions/{id}/results'), R('GET', '/v1/models/{id}'), R('GET', '/v1/datasets/{id}'), R('DELETE', '/v1/datasets/{id}')] },
  invalid_parameter: { weight: 10, routes: [R('GET', '/v1/submissions'), R('GET', '/v1/usage'), R('GET', '/v1/models')] },
  invalid_body: { weight: 8, routes: [POST_SUBMISSIONS, R('POST', '/v1/datasets'), R('PATCH', '/v1/keys/{id}')] },
  validation_failed: { weight: 9, routes: [POST_SUBMISSIONS] },
  idempotency_key_mismatch: { weight: 1, routes: [POST_SUBMISSIONS] },
  missing_credentials: { weight: 5 },
  invalid_credentials: { weight: 6 },
  account_disabled: { weight: 1 },
  insufficient_credits: { weight: 2, routes: [POST_SUBMISSIONS] },
  scope_required: { weight: 4, routes: [POST_SUBMISSIONS, R('POST', '/v1/datasets'), R('POST', '/v1/keys'), R('DELETE', '/v1/datasets/{id}')] },
  tier_limit_exceeded: { weight: 3, routes: [POST_SUBMISSIONS] },
  forbidden: { weight: 2, routes: [R('GET', '/v1/submissions/{id}'), R('GET', '/v1/datasets/{id}'), R('DELETE', '/v1/datasets/{id}')] },
  state_conflict: { weight: 3, routes: [R('POST', '/v1/submissions/{id}/cancel')] },
  duplicate_resource: { weight: 1.5, routes: [R('POST', '/v1/datasets'), R('POST', '/v1/keys')] },
  idempotency_key_in_progress: { weight: 1.5, routes: [POST_SUBMISSIONS] },
  rate_limited: { weight: 14 },
  capacity_exceeded: { weight: 5, routes: [POST_SUBMISSIONS] },
  too_many_active_api_requests: { weight: 4, routes: [POST_SUBMISSIONS] },
  internal_error: { weight: 2.5 },
  service_unavailable: { weight: 1.5 },
};

const STATUS_OF = new Map(CATALOG.map((e) => [e.code, e.status]));
for (const e of CATALOG) if (!CODE_MIX[e.code]) throw new Error(`traffic: catalog code ${e.code} has no traffic mix`);

const PARAM_FIELDS = ['limit', 'cursor', 'status', 'created_after', 'sort'];
const BODY_FIELDS = ['num_generations', 'model', 'input.sequence', 'params.temperature', 'name'];
const VALIDATION = [
  { field: 'num_genes', message: 'num_genes must not exceed num_generations.' },
  { field: 'params.temperature', message: 'params.temperature must be between 0 and 2 when sampling is enabled.' },
  { field: 'input.sequence', message: 'input.sequence contains characters outside the model alphabet.' },
  { field: 'model', message: 'model does not support the requested output format.' },
];
const TIER_CAPS = [
  { field: 'num_generations', base: 100 },
  { field: 'num_genes', base: 50 },
];

// ---------------------------------------------------------------------------------------------------------

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const WEEK = 7 * DAY;

function toMs(v: number | Date | string): number {
  if (typeof v === 'number') return v;
  if (v instanceof Date) return v.getTime();
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) throw new Error(`traffic: invalid time ${v}`);
  return ms;
}

function bump(h: number, center: number, width: number): number {
  let d = Math.abs(h - center);
  if (d > 12) d = 24 - d;
  return Math.exp(-0.5 * (d / width) ** 2);
}

/** Relative request rate at a UTC time: European and US working hours, quieter nights and weekends. */
export function trafficShape(ms: number): number {
  const h = (ms % DAY) / HOUR;
  const weekday = new Date(ms).getUTCDay();
  const week = weekday === 0 || weekday === 6 ? 0.45 : 1;
  return week * (0.22 + 0.85 * bump(h, 12, 3.5) + 0.75 * bump(h, 18, 3.2) + 0.18 * bump(h, 3, 2.5));
}

interface Window {
  fromMs: number;
  toMs: number;
}

interface Plan {
  keys: Key[];
  keyTable: Uint16Array;
  codeTable: string[];
  routeTable: Uint8Array;
  routeTables: Map<string, Uint8Array>;
  meanErrorMult: number;
  script: TrafficScript;
  quotaKey: Key;
  revokedKey: Key;
  burstKeys: Key[];
  quotaUse: Window;
}

function weightedTable(weights: number[], size: number): Uint16Array {
  const total = weights.reduce((a, b) => a + b, 0);
  const slots = weights.map((w) => Math.max(1, Math.round((w / total) * size)));
  const table = new Uint16Array(slots.reduce((a, b) => a + b, 0));
  let k = 0;
  slots.forEach((n, i) => table.fill(i, k, (k += n)));
  return table;
}

function buildPlan(rng: Rng, keyCount: number, startMs: number, endMs: number): Plan {
  const keys: Key[] = [];
  const tierCum = TIERS.map((t) => TIER_WEIGHT[t]);
  while (keys.length < keyCount) {
    let r = rng();
    let tier: Tier = 'free';
    for (let i = 0; i < TIERS.length; i++) {
      if (r < tierCum[i]) {
        tier = TIERS[i];
        break;
      }
      r -= tierCum[i];
    }
    const account_id = 'acct_' + encode(Math.floor(rng() * 36 ** 6), 6, B36);
    const [lo, hi] = TIER_KEYS[tier];
    const n = Math.min(keyCount - keys.length, lo + Math.floor(rng() * (hi - lo + 1)));
    for (let i = 0; i < n; i++) {
      const pareto = Math.min(60, 1 / Math.pow(1 - rng() * 0.999, 0.8));
      keys.push({
        key_id: 'key_' + encode(Math.floor(rng() * 36 ** 8), 8, B36),
        account_id,
        tier,
        weight: pareto * TIER_TRAFFIC[tier],
        errorMult: Math.min(8, 0.3 + 1 / Math.pow(1 - rng() * 0.99, 0.6) - 1),
        revokedFromMs: Infinity,
      });
    }
  }
  const keyTable = weightedTable(
    keys.map((k) => k.weight),
    16384,
  );
  const totalW = keys.reduce((a, k) => a + k.weight, 0);
  const meanErrorMult = keys.reduce((a, k) => a + k.weight * k.errorMult, 0) / totalW;

  const codes = Object.keys(CODE_MIX);
  const ct = weightedTable(
    codes.map((c) => CODE_MIX[c].weight),
    2048,
  );
  const codeTable = Array.from(ct, (i) => codes[i]);
  const routeTable = Uint8Array.from(weightedTable(ROUTES.map((r) => r.weight), 1024));
  const routeTables = new Map<string, Uint8Array>();
  for (const c of codes) {
    const allowed = CODE_MIX[c].routes;
    if (!allowed) continue;
    const t = weightedTable(
      allowed.map((i) => ROUTES[i].weight),
      256,
    );
    routeTables.set(c, Uint8Array.from(t, (i) => allowed[i]));
  }

  // Special keys: a busy starter key runs out of daily quota; a busy pro key is revoked and keeps retrying.
  const byWeight = [...keys].sort((a, b) => b.weight - a.weight);
  const quotaKey = byWeight.find((k) => k.tier === 'starter') ?? byWeight[0];
  const pros = byWeight.filter((k) => k.tier === 'pro' && k !== quotaKey);
  const revokedKey = pros[Math.min(pros.length - 1, 8)] ?? byWeight[1] ?? byWeight[0];
  const span = endMs - startMs;
  const scale = Math.min(1, span / WEEK);
  const at = (fromEnd: number, dur: number): Window => {
    const fromMs = Math.max(startMs, endMs - fromEnd * scale);
    return { fromMs, toMs: Math.min(endMs, fromMs + dur * scale) };
  };
  // The quota day starts at the UTC midnight two days before end; the cap is hit at 13:00.
  const qs = span >= 3 * DAY ? 1 : scale;
  const quotaDayStart = span >= 3 * DAY ? Math.floor((endMs - 2 * DAY) / DAY) * DAY : Math.max(startMs, endMs - 2 * DAY * qs);
  const quotaUse = { fromMs: quotaDayStart, toMs: quotaDayStart + 13 * HOUR * qs };
  const quotaWindow = { fromMs: quotaUse.toMs, toMs: Math.min(endMs, quotaDayStart + DAY * qs) };
  const revokedFromMs = at(3 * DAY - 10 * HOUR, 0).fromMs;
  revokedKey.revokedFromMs = revokedFromMs;

  const burstKeys: Key[] = [];
  const rateLimitBursts: TrafficScript['rateLimitBursts'] = [];
  const candidates = byWeight.filter((k) => k !== quotaKey && k !== revokedKey).slice(0, 40);
  for (let i = 0; i < 14; i++) {
    const key = candidates[Math.floor(rng() * candidates.length)] ?? quotaKey;
    const fromMs = startMs + Math.floor(((i + 0.2 + rng() * 0.6) / 14) * span);
    const dur = (2 + rng() * 6) * MINUTE * Math.max(scale, 0.25);
    burstKeys.push(key);
    rateLimitBursts.push({ fromMs, toMs: Math.min(endMs, Math.floor(fromMs + dur)), key: key.key_id });
  }

  const script: TrafficScript = {
    quotaKey: quotaKey.key_id,
    revokedKey: revokedKey.key_id,
    internalIncident: busiestWindow(endMs - 22 * HOUR * scale, endMs - 2 * HOUR * scale, 45 * MINUTE * scale, startMs),
    quotaWindow,
    revokedFromMs,
    platformQueue: [at(4 * DAY - 2 * HOUR, 25 * MINUTE), at(30 * HOUR, 15 * MINUTE)],
    rateLimitBursts,
  };
  return { keys, keyTable, codeTable, routeTable, routeTables, meanErrorMult, script, quotaKey, revokedKey, burstKeys, quotaUse };
}

/** The busiest `dur` window starting between `from` and `to` (15-minute steps): outages show up when users are on. */
function busiestWindow(from: number, to: number, dur: number, startMs: number): Window {
  let best = Math.max(from, startMs);
  let bestRate = -1;
  for (let t = Math.max(from, startMs); t <= to; t += 15 * MINUTE) {
    const rate = trafficShape(t + dur / 2);
    if (rate > bestRate) {
      bestRate = rate;
      best = t;
    }
  }
  const fromMs = Math.floor(best / MINUTE) * MINUTE;
  return { fromMs, toMs: fromMs + Math.max(MINUTE, Math.round(dur)) };
}

/** The scripted incidents for these options (ids and windows), without generating traffic. */
export function trafficScript(opts: TrafficOptions = {}): TrafficScript {
  return new TrafficGenerator(opts).script;
}

// ---------------------------------------------------------------------------------------------------------

type Event =
  | { type: 'internal'; w: Window; key?: undefined }
  | { type: 'queue'; w: Window; key?: undefined }
  | { type: 'quota'; w: Window; key: Key }
  | { type: 'quota_use'; w: Window; key: Key }
  | { type: 'revoked'; w: Window; key: Key }
  | { type: 'burst'; w: Window; key: Key };

/** Recent records a duplicate may resend: a shipper retrying a batch resends lines from seconds ago. */
const RING = 4096;
/** In NDJSON mode a duplicate is the remembered line itself; this placeholder only marks it. */
const DUPLICATE_LINE: Record<string, unknown> = {};

class TrafficGenerator {
  readonly script: TrafficScript;
  private rng: Rng;
  private plan: Plan;
  private o: Required<Omit<TrafficOptions, 'start' | 'end' | 'days' | 'seed'>>;
  private startMs: number;
  private endMs: number;
  private minutes: number;
  private cum: Float64Array;
  private events: Event[] = [];
  private active: Event[] = [];
  private idPrefix: string;
  // iteration state
  private minute = -1;
  private inMinute = 0;
  private minuteCount = 0;
  private emittedBefore = 0;
  private seq = 0;
  private secPrefix = '';
  private secMs = -1;
  private ring: GatewayLogRecord[] = [];
  private ringLines: string[] = [];
  private ringCodes: string[] = [];
  private ringPos = 0;
  private ringSize = 0;
  kind: TrafficLineKind = 'record';
  /** In NDJSON mode the ring keeps lines, not objects. */
  linesMode = false;
  /** For bad lines in NDJSON form: cut the JSON text short. */
  truncate = false;
  ringIndex = -1;
  code = '';
  ms = 0;
  reason = '';

  constructor(opts: TrafficOptions) {
    const seed = opts.seed ?? 1;
    this.rng = createRng(seed);
    this.idPrefix = 'req_' + encode(permute32(cyrb128(String(seed))[0]), 4, B62);
    this.endMs = opts.end !== undefined ? toMs(opts.end) : TRAFFIC_DEFAULT_END_MS;
    this.startMs = opts.start !== undefined ? toMs(opts.start) : this.endMs - (opts.days ?? 7) * DAY;
    if (!(this.endMs > this.startMs)) throw new Error('traffic: end must be after start');
    this.o = {
      count: Math.max(0, Math.floor(opts.count ?? 10_000)),
      keys: Math.max(8, Math.min(60000, Math.floor(opts.keys ?? 400))),
      errorRate: opts.errorRate ?? 0.06,
      duplicateFraction: opts.duplicateFraction ?? 0,
      badLineFraction: opts.badLineFraction ?? 0,
      responseBodyFraction: opts.responseBodyFraction ?? 0.25,
      routeOmittedFraction: opts.routeOmittedFraction ?? 0.15,
      incidents: opts.incidents ?? true,
      anomalies: opts.anomalies ?? true,
    };
    this.plan = buildPlan(this.rng, this.o.keys, this.startMs, this.endMs);
    this.script = this.plan.script;
    const s = this.script;
    if (this.o.incidents) {
      this.events.push({ type: 'internal', w: s.internalIncident });
      for (const w of s.platformQueue) this.events.push({ type: 'queue', w });
      this.events.push({ type: 'quota_use', w: this.plan.quotaUse, key: this.plan.quotaKey });
      this.events.push({ type: 'quota', w: s.quotaWindow, key: this.plan.quotaKey });
      this.events.push({ type: 'revoked', w: { fromMs: s.revokedFromMs, toMs: this.endMs }, key: this.plan.revokedKey });
      s.rateLimitBursts.forEach((b, i) => this.events.push({ type: 'burst', w: b, key: this.plan.burstKeys[i] }));
    } else {
      this.plan.revokedKey.revokedFromMs = Infinity;
    }
    // Per-minute request rate: the daily/weekly shape, ±10 % noise, more traffic while clients retry.
    const firstMinute = Math.floor(this.startMs / MINUTE);
    this.minutes = Math.max(1, Math.ceil(this.endMs / MINUTE) - firstMinute);
    this.cum = new Float64Array(this.minutes + 1);
    const shapeRng = createRng(`${seed}/shape`);
    for (let m = 0; m < this.minutes; m++) {
      const t = (firstMinute + m) * MINUTE;
      let w = trafficShape(t) * (0.9 + 0.2 * shapeRng());
      if (this.o.incidents) {
        for (const e of this.events) {
          if (t >= e.w.fromMs && t < e.w.toMs) {
            if (e.type === 'internal') w *= 1.5;
            else if (e.type === 'burst') w *= 1.25;
            else if (e.type === 'queue') w *= 1.2;
          }
        }
      }
      // The first and last minute may be partial.
      const lo = Math.max(t, this.startMs);
      const hi = Math.min(t + MINUTE, this.endMs);
      this.cum[m + 1] = this.cum[m] + (w * (hi - lo)) / MINUTE;
    }
  }

  private rand(n: number): number {
    return Math.floor(this.rng() * n);
  }

  private pick<T>(arr: readonly T[]): T {
    return arr[Math.floor(this.rng() * arr.length)];
  }

  /** Advances the clock by one line; returns its time. Lines are spread evenly (with jitter) inside a minute. */
  private nextTime(): number {
    const N = this.o.count;
    while (this.inMinute >= this.minuteCount) {
      this.minute++;
      if (this.minute >= this.minutes) {
        this.minute = this.minutes - 1;
        this.minuteCount = Infinity;
        break;
      }
      const total = this.cum[this.minutes];
      const target = Math.round((N * this.cum[this.minute + 1]) / total);
      this.minuteCount = target - this.emittedBefore;
      this.emittedBefore = target;
      this.inMinute = 0;
      const t = (Math.floor(this.startMs / MINUTE) + this.minute) * MINUTE;
      this.active = this.events.filter((e) => e.w.toMs > t && e.w.fromMs < t + MINUTE);
    }
    const base = (Math.floor(this.startMs / MINUTE) + this.minute) * MINUTE;
    const lo = Math.max(base, this.startMs);
    const hi = Math.min(base + MINUTE, this.endMs);
    const slot = (hi - lo) / (Number.isFinite(this.minuteCount) ? this.minuteCount : 1);
    const ms = Math.min(hi - 1, Math.floor(lo + (this.inMinute + this.rng()) * slot));
    this.inMinute++;
    return ms;
  }

  private timestamp(ms: number): string {
    const min = ms - (ms % MINUTE);
    if (min !== this.secMs) {
      this.secMs = min;
      this.secPrefix = new Date(min).toISOString().slice(0, 17);
    }
    const sec = ((ms - min) / 1000) | 0;
    const frac = ms - min - sec * 1000;
    return this.secPrefix + (sec < 10 ? '0' : '') + sec + (frac < 10 ? '.00' : frac < 100 ? '.0' : '.') + frac + 'Z';
  }

  private requestId(): string {
    const r1 = (this.rng() * 916132832) >>> 0; // 62^5
    const r2 = (this.rng() * 916132832) >>> 0;
    let p = permute32(this.seq++);
    const p0 = B62C[p % 62];
    p = (p / 62) >>> 0;
    return this.idPrefix + encode5(r1, B62C) + encode5(r2, B62C) + fromCodes(p0) + encode5(p, B62C);
  }

  private latency(median: number, sigma: number): number {
    const n = (this.rng() + this.rng() + this.rng() - 1.5) * 2;
    return Math.round(median * Math.exp(sigma * n) * 10) / 10;
  }

  private pathFor(ri: number): string {
    const r = ROUTES[ri];
    if (!r.idPrefix) return r.route;
    // Stripe-style ids (`ds_1fQk2LmZx`: a version digit, then base62), the form real platforms put in paths.
    return r.before + r.idPrefix + (1 + this.rand(9)) + encode5(this.rand(916132832), B62C) + encode5(this.rand(916132832), B62C).slice(1) + r.after;
  }

  /** Produces the next line's object and sets `kind` (record/duplicate/bad). */
  next(): GatewayLogRecord | Record<string, unknown> {
    const ms = this.nextTime();
    const rng = this.rng;
    const o = this.o;
    if (o.badLineFraction > 0 && rng() < o.badLineFraction) {
      this.kind = 'bad';
      return this.badRecord(ms);
    }
    if (o.duplicateFraction > 0 && this.ringSize > 0 && rng() < o.duplicateFraction) {
      this.kind = 'duplicate';
      this.ringIndex = Math.floor(rng() * this.ringSize);
      this.code = this.ringCodes[this.ringIndex];
      return this.linesMode ? DUPLICATE_LINE : this.ring[this.ringIndex];
    }
    this.kind = 'record';
    const rec = this.record(ms);
    // Only kept when duplicates are wanted: retained records would otherwise cost old-generation GC.
    if (o.duplicateFraction > 0) {
      this.ringIndex = this.ringSize < RING ? this.ringSize++ : this.ringPos++ % RING;
      if (!this.linesMode) this.ring[this.ringIndex] = rec;
      this.ringCodes[this.ringIndex] = this.code;
    }
    return rec;
  }

  rememberLine(line: string): void {
    if (this.o.duplicateFraction > 0) this.ringLines[this.ringIndex] = line;
  }

  ringLine(): string {
    return this.ringLines[this.ringIndex];
  }

  private badRecord(ms: number): Record<string, unknown> {
    const v = this.rand(5);
    const request_id = this.requestId();
    const timestamp = this.timestamp(ms);
    this.truncate = v === 0;
    switch (v) {
      case 0:
      case 1:
        return { timestamp, status: 200, method: 'GET', path: '/v1/account', latency_ms: 9.5 };
      case 2:
        return { request_id, timestamp: 'yesterday at noon', status: 200, method: 'GET', path: '/v1/models' };
      case 3:
        return { request_id, timestamp, status: 999, method: 'GET', path: '/v1/usage' };
      default:
        return { request_id, timestamp, status: 'OK', method: 'GET', path: '/v1/account' };
    }
  }

  private record(ms: number): GatewayLogRecord {
    const rng = this.rng;
    const plan = this.plan;
    let key = plan.keys[plan.keyTable[Math.floor(rng() * plan.keyTable.length)]];
    let ri = plan.routeTable[Math.floor(rng() * plan.routeTable.length)];
    let code = '';
    let details: Record<string, unknown> | null = null;
    let message = '';
    let noKey = false;

    // Scripted events first: they may take over the record (its key, route and outcome).
    for (let i = 0; i < this.active.length && code === '' ; i++) {
      const e = this.active[i];
      if (ms < e.w.fromMs || ms >= e.w.toMs) continue;
      switch (e.type) {
        case 'internal': {
          const t = (ms - e.w.fromMs) / (e.w.toMs - e.w.fromMs);
          const ramp = Math.min(1, t / 0.12, (1 - t) / 0.2);
          const hot = ri === POST_SUBMISSIONS || ROUTES[ri].route === '/v1/submissions/{id}/results';
          if (rng() < ramp * (hot ? 0.7 : 0.15)) code = 'internal_error';
          else if (rng() < ramp * 0.03) code = 'service_unavailable';
          break;
        }
        case 'queue':
          if (ri === POST_SUBMISSIONS && rng() < 0.55) {
            code = 'capacity_exceeded';
            details = { reason: 'platform_queue', retry_after: 30 + this.rand(91) };
            message = 'The platform queue is at capacity. Retry later.';
          } else if (rng() < 0.04) code = 'service_unavailable';
          break;
        case 'quota_use':
          if (rng() < 0.012) {
            key = e.key;
            ri = POST_SUBMISSIONS;
          }
          break;
        case 'quota':
          if (key === e.key || rng() < 0.03) {
            key = e.key;
            ri = POST_SUBMISSIONS;
            code = 'capacity_exceeded';
            const limit = DAILY_QUOTA[key.tier];
            details = { reason: 'daily_quota', used: limit, limit };
            message = `Daily quota of ${limit} submissions reached. It resets at 00:00 UTC.`;
          }
          break;
        case 'revoked':
          if (key === e.key || rng() < 0.015) {
            key = e.key;
            if (rng() < 0.7) ri = POST_SUBMISSIONS;
            code = 'invalid_credentials';
          }
          break;
        case 'burst':
          if (key === e.key || rng() < 0.35) {
            key = e.key;
            code = 'rate_limited';
            const limit = RATE_LIMIT[key.tier];
            details = { retry_after: 60 - Math.floor((ms % MINUTE) / 1000), limit };
            message = `Rate limit of ${limit} requests per minute exceeded.`;
          }
          break;
      }
    }

    // A revoked key fails authentication before anything else can happen, outages included.
    if (key.revokedFromMs <= ms && code !== 'invalid_credentials') {
      code = 'invalid_credentials';
      details = null;
    }
    if (code === '' && rng() < (this.o.errorRate * key.errorMult) / plan.meanErrorMult) {
      code = plan.codeTable[Math.floor(rng() * plan.codeTable.length)];
      const routes = plan.routeTables.get(code);
      if (routes) ri = routes[Math.floor(rng() * routes.length)];
    }
    let status = code === '' ? 200 : (STATUS_OF.get(code) ?? 500);
    if (code !== '' && details === null) {
      details = {};
      switch (code) {
        case 'invalid_parameter': {
          const field = this.pick(PARAM_FIELDS);
          details.field = field;
          message = `Query parameter '${field}' is malformed.`;
          break;
        }
        case 'invalid_body':
          if (rng() < 0.2) message = 'The request body is not valid JSON.';
          else {
            const field = this.pick(BODY_FIELDS);
            details.field = field;
            message = `Body field '${field}' does not match the schema.`;
          }
          break;
        case 'validation_failed': {
          const v = this.pick(VALIDATION);
          details.field = v.field;
          message = v.message;
          break;
        }
        case 'idempotency_key_mismatch':
          message = 'This Idempotency-Key was already used with a different request body.';
          break;
        case 'missing_credentials':
          noKey = true;
          message = 'No Authorization header. Send "Authorization: Bearer <key>".';
          break;
        case 'invalid_credentials':
          // Unknown keys have no id; a revoked or expired key still resolves to its id.
          if (key !== plan.revokedKey && rng() < 0.5) noKey = true;
          message = 'The API key does not exist, was revoked, or has expired.';
          break;
        case 'account_disabled':
          message = 'The account that owns this key is disabled.';
          break;
        case 'insufficient_credits': {
          const limit = CREDIT_CAP[key.tier];
          details.used = Math.round((limit + rng() * 2) * 100) / 100;
          details.limit = limit;
          message = `Credit balance is below the negative-balance cap of $${limit}.`;
          break;
        }
        case 'scope_required': {
          const scope = ROUTES[ri].method === 'POST' ? 'submissions:write' : 'datasets:write';
          details.scope = scope;
          message = `This endpoint requires the ${scope} scope.`;
          break;
        }
        case 'tier_limit_exceeded': {
          const cap = this.pick(TIER_CAPS);
          const limit = cap.base * (key.tier === 'free' ? 1 : key.tier === 'starter' ? 5 : key.tier === 'pro' ? 20 : 100);
          details.field = cap.field;
          details.used = limit + 1 + this.rand(limit);
          details.limit = limit;
          message = `${cap.field} is above your tier's cap of ${limit}.`;
          break;
        }
        case 'forbidden':
          message = 'This action is not allowed on this resource.';
          break;
        case 'not_found':
          message = 'The requested resource does not exist.';
          break;
        case 'state_conflict':
          message = 'The submission cannot be cancelled from its current state (completed).';
          break;
        case 'duplicate_resource':
          message = 'A resource with this name already exists.';
          break;
        case 'idempotency_key_in_progress':
          message = 'A request with this Idempotency-Key is still being processed.';
          break;
        case 'rate_limited': {
          const limit = RATE_LIMIT[key.tier];
          details.retry_after = 1 + this.rand(60);
          details.limit = limit;
          message = `Rate limit of ${limit} requests per minute exceeded.`;
          break;
        }
        case 'capacity_exceeded': {
          const r = rng();
          const reason: CapacityReason = r < 0.6 ? 'concurrent_submissions' : r < 0.9 ? 'daily_quota' : 'platform_queue';
          details.reason = reason;
          if (reason === 'platform_queue') {
            details.retry_after = 30 + this.rand(91);
            message = 'The platform queue is at capacity. Retry later.';
          } else {
            const limit = reason === 'daily_quota' ? DAILY_QUOTA[key.tier] : CONCURRENT[key.tier];
            details.used = limit;
            details.limit = limit;
            message = reason === 'daily_quota' ? `Daily quota of ${limit} submissions reached.` : `Concurrent submissions cap of ${limit} reached.`;
          }
          break;
        }
        case 'too_many_active_api_requests':
          details.used = 5;
          details.limit = 5;
          message = 'You already have 5 API submissions in flight.';
          break;
        case 'internal_error':
          message = 'An internal error occurred. We have been notified.';
          break;
        case 'service_unavailable':
          details.retry_after = 30;
          message = 'The service is temporarily unavailable. Retry after 30 seconds.';
          break;
      }
    }
    if (code === 'internal_error' || code === 'service_unavailable') {
      details ??= {};
      status = code === 'internal_error' ? (rng() < 0.9 ? 500 : 502) : 503;
    } else if (code !== '') {
      status = STATUS_OF.get(code) ?? status;
    }
    // A few codes the catalog does not know, and known codes with an unexpected status: stored and flagged.
    if (code !== '' && this.o.anomalies && rng() < 0.001) {
      if (rng() < 0.5) {
        code = 'payload_too_large';
        status = 413;
        message = 'The request body exceeds 10 MiB.';
        details = { limit: 10485760 };
      } else if (code === 'not_found') {
        status = 400;
      }
    }

    const route = ROUTES[ri];
    const request_id = this.requestId();
    let latency_ms: number;
    let error: ErrorEnvelope | undefined;
    let response_body: string | undefined;
    if (code === '') {
      latency_ms = this.latency(route.latency, 0.6);
    } else {
      latency_ms =
        status >= 500 && status !== 503
          ? this.latency(1500, 0.9)
          : status === 401 || status === 403 || status === 429 || status === 503
            ? this.latency(4, 0.5)
            : this.latency(route.latency * 0.4, 0.5);
      error = { code, message, details: details ?? {}, request_id };
      if (rng() < this.o.responseBodyFraction) {
        response_body = JSON.stringify({ error });
        error = undefined;
      }
    }
    // One object shape for every record (absent fields are undefined, which JSON.stringify omits): keeps it fast.
    const rec: GatewayLogRecord = {
      request_id,
      timestamp: this.timestamp(ms),
      status,
      method: route.method,
      path: this.pathFor(ri),
      route: rng() < this.o.routeOmittedFraction ? undefined : route.route,
      latency_ms,
      key_id: noKey ? undefined : key.key_id,
      account_id: noKey ? undefined : key.account_id,
      tier: noKey ? undefined : key.tier,
      error,
      response_body,
    };
    this.code = code;
    this.ms = ms;
    this.reason = details !== null && typeof details.reason === 'string' ? details.reason : '';
    return rec;
  }

  countStats(stats: TrafficStats, rec: GatewayLogRecord | Record<string, unknown>): void {
    stats.emitted++;
    if (this.kind === 'bad') {
      stats.bad++;
      return;
    }
    if (this.kind === 'duplicate') {
      stats.duplicates++;
      return;
    }
    const r = rec as GatewayLogRecord;
    stats.unique++;
    if (this.ms < stats.firstMs) stats.firstMs = this.ms;
    if (this.ms > stats.lastMs) stats.lastMs = this.ms;
    if (r.tier) stats.byTier[r.tier] = (stats.byTier[r.tier] ?? 0) + 1;
    if (r.key_id) stats.keys.add(r.key_id);
    if (r.status >= 400) {
      stats.errors++;
      stats.byCode[this.code] = (stats.byCode[this.code] ?? 0) + 1;
      if (this.reason) stats.byReason[this.reason] = (stats.byReason[this.reason] ?? 0) + 1;
    }
  }

  get count(): number {
    return this.o.count;
  }
}

// Byte-for-byte what JSON.stringify(rec) gives, without its generic cost: ids, paths and times are plain ASCII.
function serialize(r: GatewayLogRecord): string {
  let s = '{"request_id":"' + r.request_id + '","timestamp":"' + r.timestamp + '","status":' + r.status;
  s += ',"method":"' + r.method + '","path":"' + r.path + '"';
  if (r.route !== undefined) s += ',"route":"' + r.route + '"';
  s += ',"latency_ms":' + r.latency_ms;
  if (r.key_id !== undefined) s += ',"key_id":"' + r.key_id + '","account_id":"' + r.account_id + '","tier":"' + r.tier + '"';
  if (r.error !== undefined) {
    const e = r.error;
    s += ',"error":{"code":"' + e.code + '","message":' + JSON.stringify(e.message) + ',"details":' + JSON.stringify(e.details);
    s += ',"request_id":"' + e.request_id + '"}';
  }
  if (r.response_body !== undefined) s += ',"response_body":' + JSON.stringify(r.response_body);
  return s + '}';
}

/** Gateway log records as objects (bad lines are objects that fail validation). */
export function* trafficRecords(opts: TrafficOptions = {}, stats?: TrafficStats): Generator<GatewayLogRecord | Record<string, unknown>> {
  const g = new TrafficGenerator(opts);
  for (let i = 0; i < g.count; i++) {
    const rec = g.next();
    if (stats) g.countStats(stats, rec);
    yield rec;
  }
}

/** NDJSON lines without the trailing newline; duplicates repeat the earlier line byte for byte. */
export function* trafficLines(opts: TrafficOptions = {}, stats?: TrafficStats): Generator<string> {
  const g = new TrafficGenerator(opts);
  g.linesMode = true;
  for (let i = 0; i < g.count; i++) {
    const rec = g.next();
    if (stats) g.countStats(stats, rec);
    if (g.kind === 'duplicate') {
      yield g.ringLine();
    } else if (g.kind === 'bad') {
      const line = JSON.stringify(rec);
      yield g.truncate ? line.slice(0, Math.max(10, line.length >> 1)) : line;
    } else {
      const line = serialize(rec as GatewayLogRecord);
      g.rememberLine(line);
      yield line;
    }
  }
}

/** NDJSON text in chunks of `linesPerChunk` lines, each line ending in "\n". */
export function* trafficChunks(opts: TrafficOptions = {}, linesPerChunk = 5000, stats?: TrafficStats): Generator<string> {
  let buf: string[] = [];
  for (const line of trafficLines(opts, stats)) {
    buf.push(line);
    if (buf.length >= linesPerChunk) {
      yield buf.join('\n') + '\n';
      buf = [];
    }
  }
  if (buf.length > 0) yield buf.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------------------
// Client-behaviour stories for the demo: three integrations that misbehave in the ways the error reference warns
// about, each on its own key, placed in the last day before `end`. Deterministic for a seed.

export const BEHAVIOUR_STORY_KEYS = {
  /** Retries a few hundred ms after every 429, whatever Retry-After says. */
  ignoresRetryAfter: 'key_demo_hasty',
  /** A revoked key whose integration keeps retrying invalid_credentials every few seconds. */
  retriesForever: 'key_demo_revoked_loop',
  /** Reuses one Idempotency-Key for different bodies, and retries while the first is still in progress. */
  reusesIdempotencyKeys: 'key_demo_idem_reuse',
  /** For contrast: waits as asked. */
  honoursRetryAfter: 'key_demo_polite',
} as const;

export interface StoryRecord extends GatewayLogRecord {
  idempotency_key?: string;
  request_fingerprint?: string;
  idempotent_replayed?: boolean;
  user_agent?: string;
}

export function* behaviourStories(opts: { end?: number | Date | string; seed?: number | string } = {}): Generator<StoryRecord> {
  const end = opts.end !== undefined ? toMs(opts.end) : TRAFFIC_DEFAULT_END_MS;
  const rng = createRng(`${opts.seed ?? 1}/stories`);
  let seq = 0;
  const id = () => `req_story${encode(Math.floor(rng() * 62 ** 6), 6, B62)}${encode(seq++, 3, B62)}`;
  const rec = (key: string, account: string, tier: Tier, ms: number, status: number, method: string, route: string, ua: string, err?: { code: string; message: string; details?: Record<string, unknown> }): StoryRecord => {
    const request_id = id();
    const r: StoryRecord = {
      request_id,
      timestamp: new Date(ms).toISOString(),
      status,
      method,
      path: route.replace('{id}', `sub_1${encode(Math.floor(rng() * 62 ** 8), 8, B62)}`),
      route,
      latency_ms: Math.round((20 + rng() * 180) * 10) / 10,
      key_id: key,
      account_id: account,
      tier,
      user_agent: ua,
    };
    if (err) r.error = { code: err.code, message: err.message, details: err.details ?? {}, request_id };
    return r;
  };
  const out: StoryRecord[] = [];
  const K = BEHAVIOUR_STORY_KEYS;
  // 1. Ignores Retry-After: 8 episodes; each 429 asks for 30 s and is followed by retries 150-400 ms apart.
  for (let e = 0; e < 8; e++) {
    let t = end - 20 * HOUR + e * 2 * HOUR + Math.floor(rng() * 20 * MINUTE);
    const ua = 'acme-sync/2.3.1 python-requests/2.31';
    for (let i = 0; i < 5; i++) out.push(rec(K.ignoresRetryAfter, 'acct_demo_acme', 'starter', (t += 1000 + Math.floor(rng() * 800)), 200, 'POST', '/v1/submissions', ua));
    for (let i = 0; i < 41; i++) {
      out.push(rec(K.ignoresRetryAfter, 'acct_demo_acme', 'starter', (t += 150 + Math.floor(rng() * 250)), 429, 'POST', '/v1/submissions', ua, {
        code: 'rate_limited',
        message: 'Rate limit exceeded: 120 requests per minute.',
        details: { retry_after: 30, limit: 120 },
      }));
    }
    out.push(rec(K.ignoresRetryAfter, 'acct_demo_acme', 'starter', t + 31_000, 200, 'POST', '/v1/submissions', ua));
  }
  // 2. Retries invalid_credentials forever: every 5-9 s for the last 6 hours.
  for (let t = end - 6 * HOUR; t < end - MINUTE; t += 5000 + Math.floor(rng() * 4000)) {
    out.push(rec(K.retriesForever, 'acct_demo_legacy', 'pro', t, 401, 'GET', '/v1/submissions/{id}', 'legacy-poller/0.9 (cron)', {
      code: 'invalid_credentials',
      message: 'The API key is invalid, revoked or expired.',
    }));
  }
  // 3. Idempotency keys reused across bodies, and retried while in progress.
  const hex = (n: number) => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(rng() * 16)]).join('');
  const uuid = () => [8, 4, 4, 4, 12].map(hex).join('-');
  for (let e = 0; e < 6; e++) {
    const t = end - 18 * HOUR + e * 2 * HOUR + Math.floor(rng() * 30 * MINUTE);
    const key = uuid();
    const ua = 'shopfront-checkout/5.0 node-fetch/3.3';
    const first = rec(K.reusesIdempotencyKeys, 'acct_demo_shop', 'pro', t, 201, 'POST', '/v1/submissions', ua);
    const fp = (n: number) => `sha256:${encode(Math.floor(rng() * 36 ** 8), 8, B36)}${n}`;
    const fpA = fp(1);
    out.push({ ...first, idempotency_key: key, request_fingerprint: fpA, idempotent_replayed: false });
    if (e % 2 === 0) {
      out.push({ ...rec(K.reusesIdempotencyKeys, 'acct_demo_shop', 'pro', t + 120, 409, 'POST', '/v1/submissions', ua, { code: 'idempotency_key_in_progress', message: 'A request with this Idempotency-Key is still being processed.' }), idempotency_key: key, request_fingerprint: fpA });
      out.push({ ...rec(K.reusesIdempotencyKeys, 'acct_demo_shop', 'pro', t + 260, 409, 'POST', '/v1/submissions', ua, { code: 'idempotency_key_in_progress', message: 'A request with this Idempotency-Key is still being processed.' }), idempotency_key: key, request_fingerprint: fpA });
    }
    out.push({ ...rec(K.reusesIdempotencyKeys, 'acct_demo_shop', 'pro', t + 4000, 201, 'POST', '/v1/submissions', ua), idempotency_key: key, request_fingerprint: fpA, idempotent_replayed: true });
    out.push({ ...rec(K.reusesIdempotencyKeys, 'acct_demo_shop', 'pro', t + 9000, 201, 'POST', '/v1/submissions', ua), idempotency_key: key, request_fingerprint: fpA, idempotent_replayed: true });
    out.push({
      ...rec(K.reusesIdempotencyKeys, 'acct_demo_shop', 'pro', t + 60_000 + Math.floor(rng() * 60_000), 422, 'POST', '/v1/submissions', ua, {
        code: 'idempotency_key_mismatch',
        message: 'This Idempotency-Key was already used with a different request body.',
      }),
      idempotency_key: key,
      request_fingerprint: fp(2),
    });
  }
  // 4. For contrast: a client that waits as asked.
  for (let e = 0; e < 6; e++) {
    const t = end - 16 * HOUR + e * 2 * HOUR;
    const ua = 'errata-friendly-sdk/1.4';
    out.push(rec(K.honoursRetryAfter, 'acct_demo_polite', 'free', t, 429, 'POST', '/v1/submissions', ua, { code: 'rate_limited', message: 'Rate limit exceeded: 60 requests per minute.', details: { retry_after: 20, limit: 60 } }));
    out.push(rec(K.honoursRetryAfter, 'acct_demo_polite', 'free', t + 21_000 + Math.floor(rng() * 5000), 201, 'POST', '/v1/submissions', ua));
  }
  out.sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
  yield* out;
}
