// demo/traffic.ts: the generator the demo, the e2e seed and the benchmarks rely on.
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '@/db/client';
import { sqliteStoreOn } from '@/db/sqlite/store';
import { processBatch } from '@/ingest';
import { routeFromPath } from '@/ingest/normalize';
import { CATALOG, isStatusMismatch } from '@/lib/catalog';
import {
  newTrafficStats,
  trafficChunks,
  trafficLines,
  trafficRecords,
  trafficScript,
  type ErrorEnvelope,
  type GatewayLogRecord,
  type TrafficOptions,
  type TrafficStats,
} from '@/demo/traffic';

const HOUR = 3_600_000;
const END = Date.UTC(2026, 10, 20, 6); // a Friday morning
const WEEK: TrafficOptions = { seed: 7, count: 60_000, end: END };

function envelope(r: GatewayLogRecord): ErrorEnvelope | undefined {
  if (r.error) return r.error;
  if (r.response_body) return (JSON.parse(r.response_body) as { error: ErrorEnvelope }).error;
  return undefined;
}

function digest(opts: TrafficOptions): string {
  const h = createHash('sha256');
  for (const line of trafficLines(opts)) h.update(line + '\n');
  return h.digest('hex');
}

describe('determinism', () => {
  it('gives the same bytes for the same seed and options, other bytes for another seed', () => {
    const opts = { seed: 'abc', count: 5000, duplicateFraction: 0.01, badLineFraction: 0.01 };
    expect(digest(opts)).toBe(digest(opts));
    expect(digest({ ...opts, seed: 'abd' })).not.toBe(digest(opts));
    expect(trafficScript(opts)).toEqual(trafficScript(opts));
  });

  it('keeps producing the bytes it produced when benchmarks and e2e fixtures were made from it', () => {
    // Changing the generator on purpose changes this digest: update it, and expect bench data to regenerate.
    expect(digest({ seed: 'golden', count: 3000, duplicateFraction: 0.01, badLineFraction: 0.01 })).toBe(
      'c24ea1d9975d2071b6120140e9313b051d8c117fb81975addf6312f1d4bf9cbf',
    );
  });

  it('writes each NDJSON line exactly as JSON.stringify would write the record', () => {
    const opts = { seed: 3, count: 20_000, duplicateFraction: 0.02 };
    const objects = [...trafficRecords(opts)].map((r) => JSON.stringify(r));
    expect([...trafficLines(opts)]).toEqual(objects);
  });

  it('chunks are the same lines, newline-terminated', () => {
    const opts = { seed: 5, count: 1234 };
    const chunks = [...trafficChunks(opts, 500)];
    expect(chunks).toHaveLength(3);
    expect(chunks.every((c) => c.endsWith('\n'))).toBe(true);
    expect(chunks.join('')).toBe([...trafficLines(opts)].join('\n') + '\n');
  });
});

describe('a week of traffic', () => {
  let records: GatewayLogRecord[];
  let stats: TrafficStats;
  beforeAll(() => {
    stats = newTrafficStats();
    records = [...trafficRecords(WEEK, stats)] as GatewayLogRecord[];
  });

  it('emits exactly `count` records, in time order, inside [end - 7 days, end)', () => {
    expect(records).toHaveLength(60_000);
    const times = records.map((r) => Date.parse(r.timestamp));
    expect(times.every((t, i) => i === 0 || t >= times[i - 1])).toBe(true);
    expect(times[0]).toBeGreaterThanOrEqual(END - 7 * 24 * HOUR);
    expect(times.at(-1)).toBeLessThan(END);
    expect(records.every((r) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(r.timestamp))).toBe(true);
  });

  it('uses every one of the 20 catalog codes, with the catalog status', () => {
    const seen = new Map<string, number>();
    for (const r of records) {
      const env = envelope(r);
      if (r.status >= 400) expect(env?.request_id).toBe(r.request_id);
      if (env) seen.set(env.code, (seen.get(env.code) ?? 0) + 1);
    }
    for (const entry of CATALOG) expect(seen.get(entry.code) ?? 0, entry.code).toBeGreaterThan(5);
    const mismatched = records.filter((r) => envelope(r) && isStatusMismatch(envelope(r)!.code, r.status));
    // Status mismatches are a deliberate rarity (the dashboard flags them), never the norm.
    expect(mismatched.length).toBeLessThan(records.length * 0.0005);
  });

  it('has about 5-10 % errors, hundreds of keys and all four tiers', () => {
    const errors = records.filter((r) => r.status >= 400).length;
    expect(errors / records.length).toBeGreaterThan(0.05);
    expect(errors / records.length).toBeLessThan(0.1);
    expect(stats.errors).toBe(errors);
    expect(new Set(records.map((r) => r.key_id).filter(Boolean)).size).toBeGreaterThanOrEqual(300);
    expect(new Set(records.map((r) => r.tier))).toEqual(new Set(['free', 'starter', 'pro', 'enterprise', undefined]));
  });

  it('carries per-code details: field, retry_after, used/limit, reason', () => {
    const withCode = (code: string) => records.map(envelope).filter((e): e is ErrorEnvelope => e?.code === code);
    expect(withCode('validation_failed').every((e) => typeof e.details.field === 'string')).toBe(true);
    expect(withCode('invalid_parameter').every((e) => typeof e.details.field === 'string')).toBe(true);
    expect(withCode('rate_limited').every((e) => Number(e.details.retry_after) >= 1 && Number(e.details.retry_after) <= 60)).toBe(true);
    const reasons = new Set(withCode('capacity_exceeded').map((e) => e.details.reason));
    expect(reasons).toEqual(new Set(['daily_quota', 'concurrent_submissions', 'platform_queue']));
    const quota = withCode('capacity_exceeded').filter((e) => e.details.reason === 'daily_quota');
    expect(quota.every((e) => typeof e.details.limit === 'number' && e.details.used === e.details.limit)).toBe(true);
  });

  it('logs some envelopes as response_body strings and omits some routes, as real gateways do', () => {
    const errors = records.filter((r) => r.status >= 400);
    const asBody = errors.filter((r) => r.response_body !== undefined).length / errors.length;
    expect(asBody).toBeGreaterThan(0.15);
    expect(asBody).toBeLessThan(0.35);
    expect(errors.every((r) => (r.error === undefined) !== (r.response_body === undefined))).toBe(true);
    const noRoute = records.filter((r) => r.route === undefined).length / records.length;
    expect(noRoute).toBeGreaterThan(0.1);
    expect(noRoute).toBeLessThan(0.2);
    expect(records.some((r) => /^\/v1\/submissions\/sub_[0-9A-Za-z]{10}$/.test(r.path))).toBe(true);
    // Records without a route get it derived from the path: it must come back as the template, or the
    // route breakdown would split into one row per resource id.
    const withRoute = records.filter((r) => r.route !== undefined);
    expect(withRoute.filter((r) => routeFromPath(r.path) !== r.route).map((r) => r.path)).toEqual([]);
  });

  it('is busier in working hours than at night', () => {
    const hourOf = (r: GatewayLogRecord) => new Date(r.timestamp).getUTCHours();
    const noon = records.filter((r) => hourOf(r) === 13).length;
    const night = records.filter((r) => hourOf(r) === 2).length;
    expect(noon).toBeGreaterThan(night * 2);
  });

  it('scripts the incidents: internal_error outage, quota exhaustion, revoked key, bursts, platform queue', () => {
    const s = trafficScript(WEEK);
    const t = (r: GatewayLogRecord) => Date.parse(r.timestamp);
    const inside = (r: GatewayLogRecord, w: { fromMs: number; toMs: number }) => t(r) >= w.fromMs && t(r) < w.toMs;

    // The outage sits in the last 24 hours and its error rate dwarfs the rest of the week's.
    expect(s.internalIncident.fromMs).toBeGreaterThan(END - 24 * HOUR);
    const during = records.filter((r) => inside(r, s.internalIncident));
    const rate = (rs: GatewayLogRecord[]) => rs.filter((r) => envelope(r)?.code === 'internal_error').length / rs.length;
    expect(rate(during)).toBeGreaterThan(10 * rate(records.filter((r) => !inside(r, s.internalIncident))));

    const quota = records.filter((r) => r.key_id === s.quotaKey && envelope(r)?.details.reason === 'daily_quota');
    expect(quota.length).toBeGreaterThan(50);
    expect(quota.every((r) => inside(r, s.quotaWindow) && r.status === 429)).toBe(true);

    const afterRevoke = records.filter((r) => r.key_id === s.revokedKey && t(r) >= s.revokedFromMs);
    expect(afterRevoke.length).toBeGreaterThan(200);
    expect(afterRevoke.every((r) => r.status === 401 && envelope(r)?.code === 'invalid_credentials')).toBe(true);

    for (const b of s.rateLimitBursts.slice(0, 3)) {
      const limited = records.filter((r) => inside(r, b) && r.key_id === b.key && envelope(r)?.code === 'rate_limited');
      expect(limited.length, `burst at ${new Date(b.fromMs).toISOString()}`).toBeGreaterThan(0);
    }
    for (const w of s.platformQueue) {
      expect(records.some((r) => inside(r, w) && envelope(r)?.details.reason === 'platform_queue')).toBe(true);
    }
  });
});

describe('through the ingest pipeline', () => {
  it('stores every generated record, counts resent lines as duplicates and rejects exactly the bad lines', async () => {
    const db = openDatabase(':memory:');
    const stats = newTrafficStats();
    const opts = { seed: 11, count: 20_000, end: END, duplicateFraction: 0.015, badLineFraction: 0.008 };
    let accepted = 0;
    let duplicates = 0;
    let rejected = 0;
    for (const chunk of trafficChunks(opts, 5000, stats)) {
      const r = await processBatch(sqliteStoreOn(db), Buffer.from(chunk), { token_id: null });
      accepted += r.accepted;
      duplicates += r.duplicates;
      rejected += r.rejected;
    }
    expect(stats.duplicates).toBeGreaterThan(200);
    expect(stats.bad).toBeGreaterThan(100);
    expect(accepted).toBe(stats.unique);
    expect(duplicates).toBe(stats.duplicates);
    expect(rejected).toBe(stats.bad);
    const rows = db.$client.prepare(`SELECT count(*) AS n, sum(status >= 400) AS errors, count(DISTINCT code) - 1 AS codes FROM requests`).get() as {
      n: number;
      errors: number;
      codes: number;
    };
    expect(rows.n).toBe(stats.unique);
    expect(rows.errors).toBe(stats.errors);
    expect(rows.codes).toBe(Object.keys(stats.byCode).length);
    const reasons = db.$client.prepare(`SELECT reason, count(*) AS n FROM requests WHERE reason IS NOT NULL GROUP BY reason`).all() as { reason: string; n: number }[];
    expect(Object.fromEntries(reasons.map((r) => [r.reason, r.n]))).toEqual(stats.byReason);
  });
});
