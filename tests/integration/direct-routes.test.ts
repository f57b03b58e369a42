// The lookup by request id and the health probe are answered outside the Next.js pipeline (app/_direct/serve.ts,
// wired in scripts/start.mjs). Against the production build: the answers are the ones the Next route gave (body,
// status, envelope, security headers, compression, access checks, metrics), and whatever the direct path does not
// take (percent-escaped ids, HEAD, the static sibling `lookup`) still reaches Next.
import { gunzipSync } from 'node:zlib';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openDatabase, type Db } from '@/db/client';
import { createSession } from '@/db/queries/sessions';
import { createToken } from '@/db/queries/tokens';
import { createUser } from '@/db/queries/users';
import { SESSION_COOKIE } from '@/lib/auth/cookies';
import { errorEnvelopeSchema, requestDetailSchema } from '@/lib/wire';
import { API_CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from '@/lib/security-headers';
import { insertRecords, makeRecord } from '../support/factories';
import { startServer, type TestServer } from '../support/server';

const M = 60_000;
const NOW = Date.now();
let server: TestServer;
let db: Db;
let read: string;
let ingestOnly: string;
let metricsToken: string;
let cookie: string;

const anchor = makeRecord({ request_id: 'req_Direct0001abc', key_id: 'key_direct', code: 'rate_limited', status: 429, ts_ms: NOW - 30 * M });
const neighbours = Array.from({ length: 12 }, (_, i) => makeRecord({ key_id: 'key_direct', ts_ms: NOW - 31 * M + i * 10_000 }));

beforeAll(async () => {
  server = await startServer();
  db = openDatabase(server.databasePath, { migrate: false });
  read = createToken(db, { name: 'direct read', scopes: ['read'] }).token;
  ingestOnly = createToken(db, { name: 'direct ingest', scopes: ['ingest'] }).token;
  metricsToken = createToken(db, { name: 'direct metrics', scopes: ['metrics'] }).token;
  const { user } = await createUser(db, { email: 'direct-support@errata.test', role: 'support', password: 'direct-support-password-1' });
  cookie = `${SESSION_COOKIE}=${createSession(db, user.id).token}`;
  insertRecords(db, [anchor, ...neighbours]);
});

afterAll(async () => {
  db?.$client.close();
  await server?.stop();
});

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A plain HTTP/1.1 request (fetch would hide Content-Encoding and Content-Length). */
function raw(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${server.baseUrl}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const json = (r: Raw) => JSON.parse((r.headers['content-encoding'] === 'gzip' ? gunzipSync(r.body) : r.body).toString('utf8'));
/** Next marks every answer of its own with its router's Vary; the direct path varies on the encoding only. */
const servedByNext = (r: Raw) => String(r.headers.vary ?? '').includes('rsc');

function expectApiHeaders(r: Raw) {
  for (const { key, value } of SECURITY_HEADERS) expect(r.headers[key.toLowerCase()], key).toBe(value);
  expect(r.headers['content-security-policy']).toBe(API_CONTENT_SECURITY_POLICY);
  expect(r.headers['cache-control']).toBe('no-store');
  expect(r.headers['content-type']).toBe('application/json');
  expect(r.headers['x-request-id']).toMatch(/^req_[0-9a-f]{32}$/);
}

describe('GET /api/v1/requests/{request_id} outside Next', () => {
  test('answers the record and its key neighbourhood with the API headers, compressed when asked', async () => {
    const plain = await raw(`/api/v1/requests/${anchor.request_id}`, bearer(read));
    expect(plain.status).toBe(200);
    expect(servedByNext(plain)).toBe(false);
    expectApiHeaders(plain);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(Number(plain.headers['content-length'])).toBe(plain.body.length);
    const detail = requestDetailSchema.parse(json(plain));
    expect(detail.records).toHaveLength(1);
    expect(detail.records[0]).toMatchObject({ request_id: anchor.request_id, code: 'rate_limited', status: 429, key_id: 'key_direct' });
    expect(detail.around?.total).toBe(13);

    const zipped = await raw(`/api/v1/requests/${anchor.request_id}`, { ...bearer(read), 'accept-encoding': 'br;q=1, gzip;q=0.5' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toBe('Accept-Encoding');
    expect(zipped.body.length).toBeLessThan(plain.body.length);
    expect(json(zipped)).toEqual({ ...json(plain) });
    const refused = await raw(`/api/v1/requests/${anchor.request_id}`, { ...bearer(read), 'accept-encoding': 'gzip;q=0' });
    expect(refused.headers['content-encoding']).toBeUndefined();
  });

  test('a support user signed in reads it with the session cookie', async () => {
    const r = await raw(`/api/v1/requests/${anchor.request_id}`, { cookie });
    expect(r.status).toBe(200);
    expect(servedByNext(r)).toBe(false);
    expect(json(r).request_id).toBe(anchor.request_id);
  });

  test('refusals and unknown ids are the envelope, as through Next', async () => {
    const cases: [string, Record<string, string>, number, string][] = [
      [`/api/v1/requests/req_NoSuchDirect01`, bearer(read), 404, 'not_found'],
      [`/api/v1/requests/${anchor.request_id}?expand=1`, bearer(read), 400, 'invalid_parameter'],
      [`/api/v1/requests/${'x'.repeat(129)}`, bearer(read), 400, 'invalid_parameter'],
      [`/api/v1/requests/${anchor.request_id}`, {}, 401, 'missing_credentials'],
      [`/api/v1/requests/${anchor.request_id}`, bearer('errata_not_a_real_token'), 401, 'invalid_credentials'],
      [`/api/v1/requests/${anchor.request_id}`, bearer(ingestOnly), 403, 'scope_required'],
    ];
    for (const [path, headers, status, code] of cases) {
      const r = await raw(path, headers);
      expect([path, r.status]).toEqual([path, status]);
      expect(servedByNext(r)).toBe(false);
      expectApiHeaders(r);
      const body = errorEnvelopeSchema.parse(json(r));
      expect(body.error.code).toBe(code);
      expect(body.error.request_id).toBe(r.headers['x-request-id']);
    }
  });

  test('what the direct path does not take still reaches Next: escaped ids, HEAD, the lookup route', async () => {
    const escaped = await raw(`/api/v1/requests/${encodeURIComponent(anchor.request_id).replace('_', '%5F')}`, bearer(read));
    expect(escaped.status).toBe(200);
    expect(servedByNext(escaped)).toBe(true);
    expect(json(escaped).records[0].request_id).toBe(anchor.request_id);

    const head = await raw(`/api/v1/requests/${anchor.request_id}`, bearer(read), 'HEAD');
    expect(head.status).toBe(200);
    expect(servedByNext(head)).toBe(true);

    const lookup = await raw('/api/v1/requests/lookup', bearer(read));
    expect(lookup.status).toBe(405);
    expect(json(lookup).error.code).toBe('method_not_allowed');
  });

  test('direct answers are counted in /metrics under the route template', async () => {
    const count = async () => {
      const r = await raw('/metrics', bearer(metricsToken));
      const line = r.body
        .toString('utf8')
        .split('\n')
        .find((l) => l.startsWith('errata_http_request_duration_seconds_count{') && l.includes('route="/api/v1/requests/{request_id}"') && l.includes('status="200"'));
      return line ? Number(line.split(' ').at(-1)) : 0;
    };
    const before = await count();
    for (let i = 0; i < 3; i++) expect((await raw(`/api/v1/requests/${anchor.request_id}`, bearer(read))).status).toBe(200);
    expect(await count()).toBe(before + 3);
  });
});

describe('GET /api/v1/health outside Next', () => {
  test('answers ok with the API headers, without credentials', async () => {
    const r = await raw('/api/v1/health');
    expect(r.status).toBe(200);
    expect(servedByNext(r)).toBe(false);
    expectApiHeaders(r);
    expect(json(r)).toEqual({ status: 'ok' });
  });
});
