// Seeded gateway traffic for the fault suite, with the ground truth each run is checked against.
// Deterministic from (seed, count, base time): a failing run can be replayed exactly.
import { CATALOG, CAPACITY_REASONS } from '@/lib/catalog';

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface TruthRecord {
  /** The record as a gateway would log it (canonical names; a few aliases and forms for variety). */
  wire: Record<string, unknown>;
  request_id: string;
  /** '' for a success record. */
  code: string;
  status: number;
  ts_ms: number;
  key_id: string | null;
  account_id: string | null;
}

export const HOUR_MS = 3_600_000;
const ROUTES: Array<[string, string, (n: number) => string]> = [
  ['POST', '/v1/submissions', () => '/v1/submissions'],
  ['GET', '/v1/submissions/{id}', (n) => `/v1/submissions/sub_${n}`],
  ['GET', '/v1/models', () => '/v1/models'],
  ['DELETE', '/v1/keys/{id}', (n) => `/v1/keys/k${n}`],
];
const TIERS = ['free', 'pro', 'enterprise'];

/**
 * `count` records with unique (request_id, code) keys, timestamps within the `hours` before `baseMs`.
 * About 12 % are errors over every catalog code; 1 % reuse an earlier request id with another code
 * (stored as a second row); 10 % carry no key.
 */
export function generateTraffic(count: number, seed: number, baseMs: number, hours = 6): TruthRecord[] {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const out: TruthRecord[] = [];
  const start = Math.floor(baseMs / HOUR_MS) * HOUR_MS - hours * HOUR_MS;
  const reused = new Set<string>();
  for (let i = 0; i < count; i++) {
    let reuse = i > 10 && rnd() < 0.01 ? out[Math.floor(rnd() * out.length)] : null;
    // Each id gets at most two rows (a success and an error), so a reuse never collides.
    if (reuse && reused.has(reuse.request_id)) reuse = null;
    if (reuse) reused.add(reuse.request_id);
    const isError = reuse ? reuse.code === '' : rnd() < 0.12;
    const request_id = reuse ? reuse.request_id : `req_f${seed.toString(36)}_${i.toString(36)}_${Math.floor(rnd() * 1e9).toString(36)}`;
    // Whole seconds so every timestamp form (RFC 3339, epoch s, epoch ms) names the same instant.
    const ts_ms = start + Math.floor(rnd() * hours * 3600) * 1000;
    const keyed = rnd() >= 0.1;
    const k = Math.floor(rnd() * 40);
    const key_id = keyed ? `key_${k}` : null;
    const account_id = keyed ? `acct_${k % 13}` : null;
    const tier = keyed ? TIERS[k % 3] : null;
    const [method, route, path] = pick(ROUTES);
    const form = rnd();
    const timestamp = form < 0.6 ? new Date(ts_ms).toISOString() : form < 0.8 ? ts_ms : ts_ms / 1000;
    const wire: Record<string, unknown> = {
      request_id,
      timestamp,
      method,
      path: path(i),
      route,
      latency_ms: Math.round(rnd() * 900 * 10) / 10,
    };
    if (key_id) Object.assign(wire, { key_id, account_id, tier });
    let code = '';
    let status = 200 + (rnd() < 0.2 ? 1 : 0);
    if (isError) {
      let entry = pick(CATALOG);
      // A reused id must get a different code than its first row, or it would be a duplicate.
      while (reuse && entry.code === reuse.code) entry = pick(CATALOG);
      code = entry.code;
      status = entry.status;
      const details: Record<string, unknown> = {};
      if (code === 'capacity_exceeded') details.reason = pick(CAPACITY_REASONS);
      if (code === 'rate_limited') details.retry_after = 1 + Math.floor(rnd() * 60);
      if (code === 'invalid_parameter') details.field = 'limit';
      const error = { code, message: `${code} happened`, details, request_id };
      if (rnd() < 0.3) wire.response_body = JSON.stringify({ error });
      else wire.error = error;
    }
    wire.status = status;
    out.push({ wire, request_id, code, status, ts_ms, key_id, account_id });
  }
  return out;
}

export function truthKey(r: { request_id: string; code: string }): string {
  return `${r.request_id}\u0000${r.code}`;
}

export interface Truth {
  rows: number;
  keyedRows: number;
  keys: Set<string>;
  /** count per `${hour_bucket}|${status}|${code}` */
  byHourStatusCode: Map<string, number>;
}

export function truthOf(records: readonly TruthRecord[]): Truth {
  const keys = new Set<string>();
  const byHourStatusCode = new Map<string, number>();
  let keyedRows = 0;
  for (const r of records) {
    const k = truthKey(r);
    if (keys.has(k)) continue;
    keys.add(k);
    if (r.key_id !== null || r.account_id !== null) keyedRows++;
    const g = `${Math.floor(r.ts_ms / HOUR_MS) * HOUR_MS}|${r.status}|${r.code}`;
    byHourStatusCode.set(g, (byHourStatusCode.get(g) ?? 0) + 1);
  }
  return { rows: keys.size, keyedRows, keys, byHourStatusCode };
}

export function ndjson(records: readonly { wire: Record<string, unknown> }[]): string {
  return records.map((r) => JSON.stringify(r.wire)).join('\n') + '\n';
}

/** Splits into batches of random sizes in [min, max], in order. */
export function chunk<T>(items: readonly T[], rnd: () => number, min: number, max: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; ) {
    const n = min + Math.floor(rnd() * (max - min + 1));
    out.push(items.slice(i, i + n));
    i += n;
  }
  return out;
}

export function shuffle<T>(items: readonly T[], rnd: () => number): T[] {
  const a = items.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}
