// The read API over HTTP against the production build (NEXT_DIST_DIR), with its own database file.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openDatabase, type Db } from '@/db/client';
import { listAudit } from '@/db/queries/audit';
import { getBreakdown, getTimeseries } from '@/db/queries/stats';
import { createToken } from '@/db/queries/tokens';
import { BREAKDOWN_DIMENSIONS, parseFilters, STATS_BREAKDOWN_DIMENSIONS } from '@/lib/filters';
import {
  breakdownSchema,
  errorEnvelopeSchema,
  lookupResultSchema,
  requestDetailSchema,
  requestPageSchema,
  summarySchema,
  timeseriesSchema,
} from '@/lib/wire';
import { formatPercent } from '@/components/ui/format';
import { allowedParams, ENDPOINT_QUERY } from '@/lib/query-params';
import { OTHER_GROUP } from '@/lib/groups';
import { insertRecords, makeRecord } from '../support/factories';
import { startServer, type TestServer } from '../support/server';

const M = 60_000;
const H = 60 * M;
let server: TestServer;
let db: Db;
let read: string;
let ingestOnly: string;
// A fixed window in the past so "now" moving during the test changes nothing.
const TO = Math.floor(Date.now() / H) * H - 2 * H + 17 * M + 3_000;
const FROM = TO - 30 * H - 41 * M;
const RANGE = `from=${FROM}&to=${TO}`;

const formula = makeRecord({ ts_ms: TO - 5 * M, code: 'invalid_body', key_id: '-key-dash', message: '=HYPERLINK("http://evil.example","click")', details: { field: '@cmd' } });
const slashy = makeRecord({ request_id: 'gw/2026:a?b#c%41+d', ts_ms: TO - 90 * M, code: 'not_found', key_id: 'k_http' });
const records = [
  formula,
  slashy,
  ...Array.from({ length: 120 }, (_, i) =>
    makeRecord({
      ts_ms: FROM + 1 + i * 14 * M,
      code: i % 4 === 0 ? 'rate_limited' : i % 9 === 0 ? 'internal_error' : '',
      status: i % 4 === 0 ? 429 : i % 9 === 0 ? 503 : 200,
      tier: i % 3 === 0 ? 'pro' : 'free',
      key_id: `k_${i % 5}`,
      account_id: `a_${i % 2}`,
      route: i % 2 ? '/v1/submissions' : '/v1/submissions/{id}',
      method: i % 2 ? 'POST' : 'GET',
      message: i === 7 ? 'comma, "quote" and\nnewline ✓' : null,
    }),
  ),
  makeRecord({ ts_ms: TO - 7 * M, code: 'capacity_exceeded', reason: 'daily_quota', details: { reason: 'daily_quota' }, key_id: 'k_1', tier: 'pro' }),
  makeRecord({ ts_ms: FROM - H, code: 'rate_limited' }),
];

beforeAll(async () => {
  server = await startServer();
  db = openDatabase(server.databasePath, { migrate: false });
  read = createToken(db, { name: 'read test', scopes: ['read'] }).token;
  ingestOnly = createToken(db, { name: 'ingest test', scopes: ['ingest'] }).token;
  insertRecords(db, records);
});

afterAll(async () => {
  db?.$client.close();
  await server?.stop();
});

async function call(path: string, init: RequestInit & { token?: string | null } = {}) {
  const { token = read, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  const res = await fetch(server.baseUrl + path, { ...rest, headers });
  expect(res.headers.get('x-request-id'), `${path} must carry X-Request-Id`).toMatch(/^\S+$/);
  return res;
}

async function getJson(path: string, init: RequestInit & { token?: string | null } = {}) {
  const res = await call(path, init);
  return { res, body: (await res.json()) as Record<string, any> };
}

async function expectError(path: string, status: number, code: string, field?: string, init: RequestInit & { token?: string | null } = {}) {
  const { res, body } = await getJson(path, init);
  expect(res.status, `${path}: ${JSON.stringify(body)}`).toBe(status);
  errorEnvelopeSchema.parse(body);
  expect(body.error.code).toBe(code);
  expect(body.error.request_id).toBe(res.headers.get('x-request-id'));
  if (field) expect(body.error.details.field).toBe(field);
}

describe('access', () => {
  test('no token → 401 missing_credentials; an ingest-only token → 403 scope_required', async () => {
    await expectError(`/api/v1/requests?${RANGE}`, 401, 'missing_credentials', undefined, { token: null });
    await expectError(`/api/v1/stats/summary?${RANGE}`, 403, 'scope_required', undefined, { token: ingestOnly });
    await expectError(`/api/v1/export/requests.csv?${RANGE}`, 401, 'invalid_credentials', undefined, { token: 'errata_nope' });
  });
});

describe('requests', () => {
  test('GET /requests/{id}: the records with catalog and the key around it', async () => {
    const { res, body } = await getJson(`/api/v1/requests/${encodeURIComponent(formula.request_id)}`);
    expect(res.status).toBe(200);
    const d = requestDetailSchema.parse(body);
    expect(d.records[0]).toMatchObject({ code: 'invalid_body', key_id: '-key-dash', catalog: { code: 'invalid_body' } });
    expect(d.around?.key_id).toBe('-key-dash');
  });

  test('an id with URL-special characters round-trips through the path', async () => {
    const { res, body } = await getJson(`/api/v1/requests/${encodeURIComponent(slashy.request_id)}`);
    expect(res.status).toBe(200);
    expect(body.request_id).toBe(slashy.request_id);
  });

  test('unknown id → 404 not_found in the envelope; an impossible id → 400', async () => {
    await expectError('/api/v1/requests/req_unknown_123', 404, 'not_found');
    await expectError(`/api/v1/requests/${'x'.repeat(129)}`, 400, 'invalid_parameter', 'request_id');
    await expectError('/api/v1/requests/lookup', 405, 'method_not_allowed');
  });

  test('POST /requests/lookup: JSON or plain text, found and missing in one answer', async () => {
    const text = `Customer wrote: request id: ${formula.request_id}; also X-Request-Id: req_missing_4242.`;
    for (const init of [
      { body: JSON.stringify({ text }), headers: { 'content-type': 'application/json' } },
      { body: text, headers: { 'content-type': 'text/plain' } },
    ]) {
      const { res, body } = await getJson('/api/v1/requests/lookup', { method: 'POST', ...init });
      expect(res.status).toBe(200);
      const r = lookupResultSchema.parse(body);
      expect(r.found.map((f) => f.request_id)).toEqual([formula.request_id]);
      expect(r.missing).toEqual([{ id: 'req_missing_4242', did_you_mean: [] }]);
    }
    await expectError('/api/v1/requests/lookup', 400, 'invalid_body', 'text', { method: 'POST', body: '{"text": 5}' });
  });

  test('GET /requests: newest first, every page followed exactly once while new records arrive', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    const open = `from=${FROM}`;
    do {
      const { res, body } = await getJson(`/api/v1/requests?${open}&limit=25${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      const page = requestPageSchema.parse(body);
      seen.push(...page.records.map((r) => r.request_id));
      cursor = page.next_cursor;
      insertRecords(db, [makeRecord({ ts_ms: Date.now() - 1000, key_id: 'k_late' })]);
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    for (const r of records.filter((x) => x.ts_ms >= FROM)) expect(seen).toContain(r.request_id);
  });

  const inRange = (r: (typeof records)[number]) => r.ts_ms >= FROM && r.ts_ms < TO;
  test.each([
    ['status=5xx&status=404', (r: (typeof records)[number]) => r.status >= 500 || r.status === 404],
    ['status=429', (r: (typeof records)[number]) => r.status === 429],
    ['code=rate_limited&code=not_found', (r: (typeof records)[number]) => r.code === 'rate_limited' || r.code === 'not_found'],
    ['tier=pro', (r: (typeof records)[number]) => r.tier === 'pro'],
    ['key=k_1', (r: (typeof records)[number]) => r.key_id === 'k_1'],
    ['account=a_0', (r: (typeof records)[number]) => r.account_id === 'a_0'],
    ['route=%2Fv1%2Fsubmissions%2F%7Bid%7D', (r: (typeof records)[number]) => r.route === '/v1/submissions/{id}'],
    ['method=GET', (r: (typeof records)[number]) => r.method === 'GET'],
    ['reason=daily_quota', (r: (typeof records)[number]) => r.reason === 'daily_quota'],
    ['tier=free&status=4xx', (r: (typeof records)[number]) => r.tier === 'free' && r.status >= 400 && r.status < 500],
  ])('GET /requests?%s returns exactly the matching records', async (q, keep) => {
    const { res, body } = await getJson(`/api/v1/requests?${RANGE}&${q}&limit=1000`);
    expect(res.status).toBe(200);
    const want = records.filter((r) => inRange(r) && keep(r));
    expect(want.length).toBeGreaterThan(0);
    expect(body.records.map((r: { request_id: string }) => r.request_id).sort()).toEqual(want.map((r) => r.request_id).sort());
  });
});

describe('stats', () => {
  test('summary', async () => {
    const { res, body } = await getJson(`/api/v1/stats/summary?${RANGE}`);
    expect(res.status).toBe(200);
    const s = summarySchema.parse(body);
    expect(s.requests.value).toBe(records.length - 1);
    expect(s.requests.previous).toBe(1);
  });

  test.each(BREAKDOWN_DIMENSIONS)('breakdown by %s equals the query module for the same filters', async (by) => {
    const q = `${RANGE}&by=${by}&status=4xx&status=5xx&status=200`;
    const { res, body } = await getJson(`/api/v1/stats/breakdown?${q}`);
    expect(res.status).toBe(200);
    expect(breakdownSchema.parse(body)).toEqual(getBreakdown(db, parseFilters(new URLSearchParams(q)), { by, limit: 50 }));
  });

  test('timeseries: auto interval, zero-filled, split by tier', async () => {
    const { res, body } = await getJson(`/api/v1/stats/timeseries?${RANGE}&by=tier`);
    expect(res.status).toBe(200);
    const t = timeseriesSchema.parse(body);
    expect(t).toMatchObject({ interval: 'hour', auto: true, by: 'tier' });
    expect(t.buckets).toHaveLength(32);
    expect(t.buckets.reduce((n, b) => n + b.requests, 0)).toBe(records.length - 1);
  });

  test.each([
    ['/api/v1/requests?from=yesterday', 'from'],
    ['/api/v1/requests?status=9xx', 'status'],
    ['/api/v1/requests?limit=1001', 'limit'],
    ['/api/v1/requests?cursor=Zm9v', 'cursor'],
    ['/api/v1/stats/summary?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z', 'from'],
    ['/api/v1/stats/breakdown', 'by'],
    ['/api/v1/stats/breakdown?by=colour', 'by'],
    ['/api/v1/stats/timeseries?interval=week', 'interval'],
    ['/api/v1/stats/timeseries?interval=minute&from=now-30d', 'interval'],
    ['/api/v1/stats/timeseries?interval=minute&from=now-12h&key=k_1', 'interval'],
    ['/api/v1/export/breakdown.csv?by=nope', 'by'],
    ['/api/v1/export/requests.csv?tier=' + 'x'.repeat(300), 'tier'],
  ])('%s → 400 invalid_parameter on %s', async (path, field) => {
    await expectError(path, 400, 'invalid_parameter', field);
  });
});

describe('CSV exports', () => {
  test('requests.csv parses back to the JSON answer for the same filters, with formula cells neutralised', async () => {
    const q = `${RANGE}&status=4xx&status=200`;
    const res = await call(`/api/v1/export/requests.csv?${q}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    const from = new Date(FROM).toISOString().slice(0, 16).replace(/[-:]/g, '');
    expect(res.headers.get('content-disposition')).toContain(`filename="errata-requests_status-4xx+200_${from}Z_`);
    const rows: Record<string, string>[] = parse(await res.text(), { columns: true });
    const { body } = await getJson(`/api/v1/requests?${q}&limit=1000`);
    expect(rows).toHaveLength(body.records.length);
    expect(rows.length).toBeGreaterThan(100);
    const cell = (v: unknown) => {
      const s = v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
      return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
    };
    body.records.forEach((r: Record<string, unknown>, i: number) => {
      for (const [k, v] of Object.entries(rows[i])) expect(v, `row ${i} ${k}`).toBe(cell(r[k]));
    });
    const evil = rows.find((r) => r.request_id === formula.request_id)!;
    expect(evil.message).toBe(`'=HYPERLINK("http://evil.example","click")`);
    expect(evil.key_id).toBe(`'-key-dash`);
    expect(rows.some((r) => r.message === 'comma, "quote" and\nnewline ✓')).toBe(true);
    expect(listAudit(db, { action: 'export' }).some((a) => a.target === 'requests.csv')).toBe(true);
  });

  test('breakdown.csv is the card: the column named after the dimension, the rate and share as the screen rounds them, the exact ratios, the filters in the filename', async () => {
    const q = `${RANGE}&by=key&limit=3&code=internal_error`;
    const res = await call(`/api/v1/export/breakdown.csv?${q}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('filename="errata-breakdown-by-key_code-internal_error_');
    const text = await res.text();
    expect(text.split('\r\n')[0]).toBe('key,requests,errors,error_rate_pct,error_rate,share_pct,share,records');
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    const { body } = await getJson(`/api/v1/stats/breakdown?${q}`);
    const expected = [...body.rows, ...(body.other ? [{ ...body.other, value: OTHER_GROUP }] : [])];
    expect(rows).toEqual(
      expected.map((r) => ({
        key: r.value === null ? '' : /^-/.test(r.value) ? `'${r.value}` : r.value,
        requests: String(r.requests),
        errors: String(r.errors),
        error_rate_pct: r.error_rate === null ? '' : formatPercent(r.error_rate).replace(' %', ''),
        error_rate: r.error_rate === null ? '' : String(r.error_rate),
        share_pct: r.share === null ? '' : formatPercent(r.share).replace(' %', ''),
        share: r.share === null ? '' : String(r.share),
        records: String(r.records),
      })),
    );
    // A key's rate under code=internal_error is its share of requests that failed so, never the 1 of "every row is an error".
    expect(rows.length).toBeGreaterThan(1);
    for (const r of rows) expect(Number(r.error_rate)).toBeLessThan(0.5);
  });

  test('breakdown.csv by an error dimension lists the values that failed, each over the whole population', async () => {
    const q = `${RANGE}&by=code&tier=free`;
    const rows = parse(await (await call(`/api/v1/export/breakdown.csv?${q}`)).text(), { columns: true }) as Record<string, string>[];
    const { body } = await getJson(`/api/v1/stats/summary?${RANGE}&tier=free`);
    const failed = records.filter((r) => r.ts_ms >= FROM && r.ts_ms < TO && r.tier === 'free' && r.status >= 400);
    expect(rows.map((r) => r.code).sort()).toEqual([...new Set(failed.map((r) => r.code))].sort());
    expect(rows.length).toBeGreaterThan(2);
    for (const r of rows) {
      expect(Number(r.requests)).toBe(body.requests.value);
      expect(Number(r.error_rate)).toBeCloseTo(Number(r.errors) / body.requests.value, 12);
    }
    expect(rows.reduce((n, r) => n + Number(r.share), 0)).toBeCloseTo(1, 12);
  });

  test('timeseries.csv equals the series JSON (one row per bucket and group), the group column named after `by`', async () => {
    const q = `${RANGE}&interval=hour&by=status_class`;
    const res = await call(`/api/v1/export/timeseries.csv?${q}`);
    const rows = parse(await res.text(), { columns: true }) as Record<string, string>[];
    const t = getTimeseries(db, parseFilters(new URLSearchParams(q)), { interval: 'hour', by: 'status_class' });
    expect(rows).toHaveLength(t.buckets.length * t.groups.length);
    const { body } = await getJson(`/api/v1/stats/timeseries?${q}`);
    let i = 0;
    for (const b of body.buckets) {
      for (const g of body.groups) {
        const c = b.groups[g.key];
        const rate = b.no_totals || !c.requests ? null : c.errors / c.requests;
        expect(rows[i++]).toEqual({
          ts: b.ts,
          ts_ms: String(b.ts_ms),
          status_class: g.key,
          requests: String(c.requests),
          errors: String(c.errors),
          error_rate_pct: rate === null ? '' : formatPercent(rate).replace(' %', ''),
          error_rate: rate === null ? '' : String(rate),
          no_totals: String(b.no_totals),
        });
      }
    }
  });

  test('requests.csv with cols= has those columns in that order, cell for cell the full export', async () => {
    const q = `${RANGE}&status=4xx&status=5xx`;
    const all = parse(await (await call(`/api/v1/export/requests.csv?${q}`)).text(), { columns: true }) as Record<string, string>[];
    const cols = ['ts', 'request_id', 'status', 'code', 'route', 'key_id', 'tier', 'message'];
    const res = await call(`/api/v1/export/requests.csv?${q}&cols=${cols.join(',')}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('filename="errata-requests_status-4xx+5xx_');
    const text = await res.text();
    expect(text.split('\r\n')[0]).toBe(cols.join(','));
    const some = parse(text, { columns: true }) as Record<string, string>[];
    expect(some.length).toBe(all.length);
    some.forEach((r, i) => expect(r).toEqual(Object.fromEntries(cols.map((c) => [c, all[i][c]]))));
    await expectError(`/api/v1/export/requests.csv?${q}&cols=ts,key`, 400, 'invalid_parameter', 'cols');
  });

  test('filenames carry the filters, filename-safe', async () => {
    const res = await call(`/api/v1/export/breakdown.csv?${RANGE}&by=route&route=${encodeURIComponent('/v1/submissions/{id}')}&tier=free&tier=pro`);
    const cd = res.headers.get('content-disposition')!;
    expect(cd).toMatch(/^attachment; filename="errata-breakdown-by-route_tier-free\+pro_route-v1-submissions-id_\d{8}T\d{4}Z_\d{8}T\d{4}Z\.csv"$/);
  });
});

describe('the error-rate rule over HTTP', () => {
  test('code=internal_error: matching failures over the population, per tier not 100 %', async () => {
    const inPop = records.filter((r) => r.ts_ms >= FROM && r.ts_ms < TO);
    const ie = inPop.filter((r) => r.code === 'internal_error');
    const { body: s } = await getJson(`/api/v1/stats/summary?${RANGE}&code=internal_error`);
    expect(s.requests.value).toBe(inPop.length);
    expect(s.errors.value).toBe(ie.length);
    expect(s.error_rate.value).toBeCloseTo(ie.length / inPop.length, 12);
    expect(s.no_totals).toBe(false);
    const { body: b } = await getJson(`/api/v1/stats/breakdown?${RANGE}&code=internal_error&by=tier`);
    for (const row of b.rows) {
      const pop = inPop.filter((r) => r.tier === row.value);
      expect(row.requests).toBe(pop.length);
      expect(row.errors).toBe(pop.filter((r) => r.code === 'internal_error').length);
      expect(row.error_rate).toBeLessThan(1);
    }
  });
});

describe('unknown query parameters: a 400 naming the parameter and the nearest valid one', () => {
  let admin: string;
  beforeAll(() => {
    admin = createToken(db, { name: 'admin test', scopes: ['admin', 'read'] }).token;
  });
  // Every route that reads a query string (lib/query-params.ts ENDPOINT_QUERY), with a request that is otherwise valid.
  const ROUTES: [keyof typeof ENDPOINT_QUERY, string, 'GET' | 'POST'][] = [
    ['/api/v1/requests', `/api/v1/requests?${RANGE}`, 'GET'],
    ['/api/v1/requests/{request_id}', `/api/v1/requests/req_x?`, 'GET'],
    ['/api/v1/requests/lookup', '/api/v1/requests/lookup?', 'POST'],
    ['/api/v1/stats/summary', `/api/v1/stats/summary?${RANGE}`, 'GET'],
    ['/api/v1/stats/breakdown', `/api/v1/stats/breakdown?${RANGE}&by=tier`, 'GET'],
    ['/api/v1/stats/timeseries', `/api/v1/stats/timeseries?${RANGE}`, 'GET'],
    ['/api/v1/stats/expected', `/api/v1/stats/expected?${RANGE}`, 'GET'],
    ['/api/v1/stats/values', `/api/v1/stats/values?${RANGE}&field=code&q=rate`, 'GET'],
    ['/api/v1/export/requests.csv', `/api/v1/export/requests.csv?${RANGE}`, 'GET'],
    ['/api/v1/export/breakdown.csv', `/api/v1/export/breakdown.csv?${RANGE}&by=tier`, 'GET'],
    ['/api/v1/export/timeseries.csv', `/api/v1/export/timeseries.csv?${RANGE}`, 'GET'],
    ['/api/v1/admin/audit', '/api/v1/admin/audit?', 'GET'],
    ['/lookup/results.csv', '/lookup/results.csv?q=req_x', 'GET'],
    ['/ingest/rejections.csv', `/ingest/rejections.csv?${RANGE}`, 'GET'],
    ['/ingest/tokens.csv', `/ingest/tokens.csv?${RANGE}`, 'GET'],
    ['/api/v1/behaviour/keys', `/api/v1/behaviour/keys?${RANGE}`, 'GET'],
    ['/api/v1/behaviour/keys/{key_id}', `/api/v1/behaviour/keys/key_x?${RANGE}`, 'GET'],
    ['/api/v1/behaviour/retries', `/api/v1/behaviour/retries?${RANGE}`, 'GET'],
    ['/api/v1/export/behaviour.csv', `/api/v1/export/behaviour.csv?${RANGE}`, 'GET'],
  ];

  test('the table covers every endpoint that declares its parameters', () => {
    expect(ROUTES.map((r) => r[0]).sort()).toEqual(Object.keys(ENDPOINT_QUERY).sort());
  });

  test.each(ROUTES)('%s', async (_endpoint, url, method) => {
    const init = { method, token: admin, ...(method === 'POST' ? { body: 'req_x', headers: { 'content-type': 'text/plain' } } : {}) };
    const sep = url.endsWith('?') ? '' : '&';
    // Without the stray parameter the request is fine (200, or 404 for an unknown id)...
    const good = await call(url.replace(/\?$/, ''), init);
    expect([200, 404], `${url}: ${good.status}`).toContain(good.status);
    // ...with it, a 400 in the envelope naming it and what was meant.
    const { res, body } = await getJson(`${url}${sep}key_id=k_1`, init);
    expect(res.status, JSON.stringify(body)).toBe(400);
    errorEnvelopeSchema.parse(body);
    expect(body.error).toMatchObject({ code: 'invalid_parameter', details: { field: 'key_id' } });
    const key = allowedParams(_endpoint).includes('key');
    expect(body.error.details.did_you_mean).toBe(key ? 'key' : null);
    if (key) expect(body.error.message).toContain('Did you mean `key`?');
  });

  // (`__proto__` never reaches the handler: the framework drops it while parsing the URL.)
  test.each(['constructor', 'toString', 'hasOwnProperty'])('/api/v1/requests?%s=y is a 400, not a 500', async (name) => {
    await expectError(`/api/v1/requests?${RANGE}&${name}=y`, 400, 'invalid_parameter', name);
  });
});

test('GET /api/v1/openapi.json: OpenAPI 3.1 with every read endpoint and the filter parameters', async () => {
  const { res, body } = await getJson('/api/v1/openapi.json', { token: null });
  expect(res.status).toBe(200);
  expect(body.openapi).toBe('3.1.0');
  for (const p of ['/api/v1/requests/{request_id}', '/api/v1/requests/lookup', '/api/v1/requests', '/api/v1/stats/summary', '/api/v1/stats/breakdown', '/api/v1/stats/timeseries', '/api/v1/export/requests.csv', '/api/v1/export/breakdown.csv', '/api/v1/export/timeseries.csv']) {
    expect(body.paths[p], p).toBeDefined();
  }
  const names = body.paths['/api/v1/stats/breakdown'].get.parameters.map((p: { name: string }) => p.name);
  expect(names).toEqual(['from', 'to', 'status', 'code', 'tier', 'key', 'account', 'route', 'method', 'reason', 'idempotency_key', 'user_agent', 'by', 'limit']);
  expect(body.components.schemas.Breakdown.properties.by.enum).toEqual([...STATS_BREAKDOWN_DIMENSIONS]);
  expect(body.info.description).toContain('Error rate = matching failures ÷ matching requests');
  expect(body.paths['/api/v1/stats/summary'].get.summary).toContain('filters on the population');
  expect(body.paths['/api/v1/export/requests.csv'].get.parameters.map((p: { name: string }) => p.name)).toContain('cols');
});
