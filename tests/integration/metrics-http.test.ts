// GET /metrics against the production build: scraped and parsed as Prometheus text; the counters move by exactly
// what the test sends (the records are counted from the ingest worker's answers, in the server's main thread).
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openDatabase, type Db } from '@/db/client';
import { createToken } from '@/db/queries/tokens';
import { otlpExport } from '../support/otlp';
import { startServer, tempDatabasePath, type TestServer } from '../support/server';

let server: TestServer;
let db: Db;
let ingest: { id: number; token: string };
let metricsToken: string;
let adminToken: string;
let readToken: string;

beforeAll(async () => {
  const databasePath = tempDatabasePath('errata-metrics-http');
  db = openDatabase(databasePath);
  ingest = createToken(db, { name: 'shipper', scopes: ['ingest'] });
  metricsToken = createToken(db, { name: 'prometheus', scopes: ['metrics'] }).token;
  adminToken = createToken(db, { name: 'admin', scopes: ['admin'] }).token;
  readToken = createToken(db, { name: 'reader', scopes: ['read'] }).token;
  server = await startServer({ databasePath });
});
afterAll(async () => {
  if (process.env.ERRATA_TEST_LOG) console.log(server?.output());
  await server?.stop();
  db?.$client.close();
});

interface Family {
  name: string;
  type: string;
  metrics: Array<{ labels?: Record<string, string>; value?: string; count?: string; sum?: string; buckets?: Record<string, string> }>;
}

async function scrape(token = metricsToken): Promise<Map<string, Family>> {
  const res = await fetch(`${server.baseUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  // The whole exposition must parse as it is (the parser throws on a malformed line) ...
  expect((parsePrometheusTextFormat(text) as Family[]).length).toBeGreaterThan(10);
  // ... but the parser keeps a histogram's _count and _sum only when it has no labels besides `le`: read labelled
  // histograms as their plain series (name_bucket, name_sum, name_count), which then come once per label set.
  const families = parsePrometheusTextFormat(text.replace(/^# TYPE (\S+) histogram$/gm, '# TYPE $1 untyped')) as Family[];
  const byName = new Map<string, Family>();
  for (const f of families) {
    const seen = byName.get(f.name);
    if (seen) seen.metrics.push(...f.metrics);
    else byName.set(f.name, f);
  }
  return byName;
}

/** The samples of `name` whose labels include `labels`, summed (0 when absent). */
function value(m: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const family = m.get(name);
  if (!family) return 0;
  let total = 0;
  for (const s of family.metrics) {
    if (!Object.entries(labels).every(([k, v]) => s.labels?.[k] === v)) continue;
    total += Number(s.value ?? 0);
  }
  return total;
}

const now = Date.now();
let n = 0;
const line = (over: object = {}) =>
  JSON.stringify({ request_id: `m_${process.pid}_${++n}`, timestamp: new Date(now - n * 1000).toISOString(), status: 200, method: 'GET', path: '/v1/x', ...over });

async function sendNdjson(body: string) {
  const res = await fetch(`${server.baseUrl}/api/v1/ingest`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ingest.token}`, 'content-type': 'application/x-ndjson' },
    body,
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { accepted: number; duplicates: number; rejected: number };
}

describe('/metrics', () => {
  test('needs a token with the metrics or admin scope; refusals are our envelope', async () => {
    const nobody = await fetch(`${server.baseUrl}/metrics`);
    expect(nobody.status).toBe(401);
    expect(await nobody.json()).toMatchObject({ error: { code: 'missing_credentials', request_id: expect.stringMatching(/^req_/) } });
    const reader = await fetch(`${server.baseUrl}/metrics`, { headers: { authorization: `Bearer ${readToken}` } });
    expect(reader.status).toBe(403);
    expect(await reader.json()).toMatchObject({ error: { code: 'scope_required', details: { scope: 'metrics' } } });
    const shipper = await fetch(`${server.baseUrl}/metrics`, { headers: { authorization: `Bearer ${ingest.token}` } });
    expect(shipper.status).toBe(403);
    const admin = await scrape(adminToken);
    expect(admin.has('errata_process_cpu_seconds_total')).toBe(true);
  });

  test('ingest counters move by exactly what was sent, per token and reason', async () => {
    const token = String(ingest.id);
    const before = await scrape();
    const good = [line(), line(), line()];
    // Three accepted, one missing its request id, one with an impossible status.
    const first = await sendNdjson([...good, JSON.stringify({ status: 200 }), line({ status: 999 })].join('\n'));
    expect(first).toMatchObject({ accepted: 3, duplicates: 0, rejected: 2 });
    // The same three again: duplicates.
    expect(await sendNdjson(good.join('\n'))).toMatchObject({ accepted: 0, duplicates: 3, rejected: 0 });
    // And over OTLP: one accepted, one rejected.
    const otlp = otlpExport([{ body: line() }, { body: 'not a gateway line' }], 'protobuf');
    const res = await fetch(`${server.baseUrl}/api/v1/otlp/v1/logs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ingest.token}`, 'content-type': 'application/x-protobuf' },
      body: otlp as BodyInit,
    });
    expect(res.status).toBe(200);

    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) => value(after, name, labels) - value(before, name, labels);
    expect(delta('errata_ingest_records_total', { token, outcome: 'accepted' })).toBe(4);
    expect(delta('errata_ingest_records_total', { token, outcome: 'duplicate' })).toBe(3);
    expect(delta('errata_ingest_records_total', { token, outcome: 'rejected', reason: 'missing_field' })).toBe(2);
    expect(delta('errata_ingest_records_total', { token, outcome: 'rejected', reason: 'invalid_field' })).toBe(1);
    expect(delta('errata_ingest_batch_duration_seconds_count', { api: 'ingest' })).toBe(2);
    expect(delta('errata_ingest_batch_duration_seconds_count', { api: 'otlp' })).toBe(1);
    expect(delta('errata_ingest_batch_records_count', { api: 'ingest' })).toBe(2);
    // The records-per-batch sum is exactly the records sent over /api/v1/ingest (5 + 3).
    expect(delta('errata_ingest_batch_records_sum', { api: 'ingest' })).toBe(8);
    expect(delta('errata_ingest_batch_records_bucket', { api: 'otlp', le: '10' })).toBe(1);
    expect(delta('errata_http_request_duration_seconds_count', { route: '/api/v1/ingest', method: 'POST', status: '200' })).toBe(2);
    expect(delta('errata_http_request_duration_seconds_count', { route: '/api/v1/otlp/v1/logs', method: 'POST', status: '200' })).toBe(1);
    expect(value(after, 'errata_writer_queue_depth')).toBe(0);
  });

  test('database size, row counts and retention runs', async () => {
    // The writer prunes when it starts (the ingest above started it); the run is reported from its thread.
    let m = await scrape();
    for (let i = 0; i < 50 && value(m, 'errata_retention_runs_total', { outcome: 'ok' }) < 1; i++) {
      await new Promise((r) => setTimeout(r, 100));
      m = await scrape();
    }
    expect(value(m, 'errata_retention_runs_total', { outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(value(m, 'errata_database_bytes', { file: 'main' })).toBeGreaterThan(0);
    // Cached for a minute, so this is at least what the first scrape after startup saw, at most what is stored.
    const stored = db.$client.prepare('SELECT count(*) FROM requests').pluck().get() as number;
    expect(value(m, 'errata_rows', { table: 'requests' })).toBeLessThanOrEqual(stored);
    expect(value(m, 'errata_rows', { table: 'tokens' })).toBe(4);
  });

  test('429 and 503 answers are counted by route and code', async () => {
    const before = await scrape();
    // Repeated bad sign-ins are locked out (429 login_locked) by the auth limiter.
    let locked = 0;
    for (let i = 0; i < 40 && locked === 0; i++) {
      const res = await fetch(`${server.baseUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: server.baseUrl },
        body: JSON.stringify({ email: 'nobody@metrics.test', password: 'wrong-password' }),
      });
      if (res.status === 429) locked++;
      await res.arrayBuffer();
    }
    expect(locked).toBe(1);
    const after = await scrape();
    const route = '/api/auth/login';
    expect(value(after, 'errata_http_refusals_total', { route, status: '429' }) - value(before, 'errata_http_refusals_total', { route, status: '429' })).toBe(1);
  });
});
