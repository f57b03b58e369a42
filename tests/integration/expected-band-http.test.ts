// GET /api/v1/stats/expected over HTTP against the production build: the band from rollups, the incident with its
// code and tiers, the filters applied by the one error-rate rule, bad input in our envelope.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openDatabase, type Db } from '@/db/client';
import { createToken } from '@/db/queries/tokens';
import { expectedBandSchema, type ExpectedBand } from '@/lib/expected-band';
import { errorEnvelopeSchema } from '@/lib/wire';
import { insertRecords, makeRecord } from '../support/factories';
import { startServer, type TestServer } from '../support/server';

const M = 60_000;
const H = 60 * M;
let server: TestServer;
let db: Db;
let read: string;
// Three days of steady traffic ending two hours ago; a 20-minute internal_error burst on the pro tier 8 hours ago.
const END = Math.floor(Date.now() / H) * H - 2 * H;
const START = END - 72 * H;
const BURST = END - 8 * H + 10 * M;
const RANGE = `from=${END - 24 * H}&to=${END}`;

function traffic() {
  const out = [];
  for (let h = START; h < END; h += H) {
    for (let i = 0; i < 30; i++) out.push(makeRecord({ ts_ms: h + i * 2 * M, tier: i % 2 ? 'pro' : 'free' }));
    for (let i = 0; i < 6; i++) out.push(makeRecord({ ts_ms: h + i * 10 * M + M, code: 'rate_limited', status: 429, tier: i % 2 ? 'pro' : 'free' }));
    out.push(makeRecord({ ts_ms: h + 33 * M, code: 'internal_error', status: 500, tier: 'free' }));
  }
  for (let i = 0; i < 400; i++) out.push(makeRecord({ ts_ms: BURST + i * 3_000, code: 'internal_error', status: 500, tier: 'pro', key_id: `key_burst_${i % 3}` }));
  return out;
}

beforeAll(async () => {
  server = await startServer();
  db = openDatabase(server.databasePath, { migrate: false });
  read = createToken(db, { name: 'band test', scopes: ['read'] }).token;
  insertRecords(db, traffic());
}, 120_000);

afterAll(async () => {
  db?.$client.close();
  await server?.stop();
});

async function get(query: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.baseUrl}/api/v1/stats/expected?${query}`, { headers: { authorization: `Bearer ${read}` } });
  return { status: res.status, body: await res.json() };
}

async function band(query: string): Promise<ExpectedBand> {
  const { status, body } = await get(query);
  expect(status, JSON.stringify(body)).toBe(200);
  return expectedBandSchema.parse(body);
}

describe('GET /api/v1/stats/expected', () => {
  test('a day at hour buckets: the band holds the ordinary hours and the burst is one incident with its code, count and tier', async () => {
    const b = await band(RANGE);
    expect(b.interval).toBe('hour');
    // Three days of history: the trailing day stands in for past weeks, and the answer says so.
    expect(b.source).toBe('trailing_day');
    expect(b.points).toHaveLength(24);
    const burstHour = Math.floor(BURST / H) * H;
    for (const p of b.points) {
      expect(p.expected).not.toBeNull();
      if (p.ts_ms === burstHour) expect(p.observed).toBeGreaterThan(p.upper!);
      else expect(p.observed).toBeLessThanOrEqual(p.upper!);
    }
    const ordinary = b.points.find((p) => p.ts_ms !== burstHour)!;
    expect(ordinary.expected).toBeGreaterThan(5);
    expect(ordinary.expected).toBeLessThan(9);
    expect(b.incidents).toHaveLength(1);
    const [inc] = b.incidents;
    expect(inc).toMatchObject({ from_ms: burstHour, to_ms: burstHour + H, code: 'internal_error', tiers: ['pro'] });
    // The burst and the hour's one ordinary internal_error (free tier: under 5 % of the code's errors, not "touched").
    expect(inc.code_errors).toBe(401);
    expect(inc.also).toEqual([]);
    expect(inc.errors).toBe(407);
  });

  test('minute buckets around the burst: the stretch is its own twenty minutes', async () => {
    const b = await band(`from=${BURST - 60 * M}&to=${BURST + 60 * M}&interval=minute`);
    expect(b.interval).toBe('minute');
    expect(b.incidents).toHaveLength(1);
    const [inc] = b.incidents;
    expect(inc.from_ms).toBe(BURST);
    expect(inc.to_ms).toBe(BURST + 20 * M);
    expect(inc.code).toBe('internal_error');
    expect(inc.code_errors).toBe(400);
  });

  test('filters count by the error-rate rule: the free tier and the rate_limited code saw nothing unusual', async () => {
    const free = await band(`${RANGE}&tier=free`);
    expect(free.incidents).toEqual([]);
    expect(free.points.reduce((a, p) => a + p.observed, 0)).toBe(24 * 4);
    const limited = await band(`${RANGE}&code=rate_limited`);
    expect(limited.incidents).toEqual([]);
    const pro = await band(`${RANGE}&tier=pro`);
    expect(pro.incidents.map((i) => [i.code, i.code_errors, i.tiers])).toEqual([['internal_error', 400, ['pro']]]);
  });

  test('bad input is a 400 in our envelope', async () => {
    const unknown = await get(`${RANGE}&window=1h`);
    expect(unknown.status).toBe(400);
    expect(errorEnvelopeSchema.parse(unknown.body).error.details.field).toBe('window');
    const bad = await get(`${RANGE}&interval=week`);
    expect(bad.status).toBe(400);
    expect(errorEnvelopeSchema.parse(bad.body).error.details.field).toBe('interval');
    const tooMany = await get(`from=${END - 10 * 24 * H}&to=${END}&interval=minute`);
    expect(tooMany.status).toBe(400);
  });

  test('the OpenAPI document lists the endpoint with its parameters', async () => {
    const res = await fetch(`${server.baseUrl}/api/v1/openapi.json`);
    const doc = (await res.json()) as any;
    const op = doc.paths['/api/v1/stats/expected'].get;
    const names = op.parameters.map((p: { name: string }) => p.name);
    expect(names).toEqual(expect.arrayContaining(['from', 'to', 'code', 'tier', 'interval']));
    expect(names).not.toContain('by');
    expect(doc.components.schemas.ExpectedBand).toBeDefined();
  });
});
