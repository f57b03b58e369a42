// POST /api/v1/otlp/v1/logs against the production build (`npm run build` first), with exports built by the
// OpenTelemetry JS SDK's own serializers; every record is then looked up through the read API.
import path from 'node:path';
import zlib from 'node:zlib';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openDatabase, type Db } from '@/db/client';
import { createToken } from '@/db/queries/tokens';
import * as current from 'otlp-transformer-current';
import { contentType, otlpExport, type Encoding, type LogSpec, type SerializerVersion } from '../support/otlp';
import { startServer, tempDatabasePath, type TestServer } from '../support/server';

let server: TestServer;
let db: Db;
let ingestToken: string;
let readToken: string;
let run = 0;

beforeAll(async () => {
  const databasePath = tempDatabasePath('errata-otlp-http');
  db = openDatabase(databasePath);
  ingestToken = createToken(db, { name: 'collector', scopes: ['ingest'] }).token;
  readToken = createToken(db, { name: 'reader', scopes: ['read'] }).token;
  server = await startServer({ databasePath });
});
afterAll(async () => {
  if (process.env.ERRATA_TEST_LOG) console.log(server?.output());
  await server?.stop();
  db?.$client.close();
});

/** google.rpc.Status from the .proto file google-proto-files ships: an independent check of what errata encodes. */
const Status = protobuf
  .loadSync(path.resolve(__dirname, '../../node_modules/google-proto-files/google/rpc/status.proto'))
  .lookupType('google.rpc.Status');

const now = Date.now();
const uid = (label: string) => `${label}_${process.pid}_${++run}`;

/** The gateway's JSON line, as the Collector's filelog receiver puts it in a string body. */
function gatewayLine(id: string, over: object = {}) {
  return JSON.stringify({
    request_id: id,
    timestamp: new Date(now - run * 1000).toISOString(),
    status: 429,
    method: 'POST',
    path: '/v1/submissions/sub_8f2k3j4h',
    latency_ms: 12,
    key_id: 'key_otlp',
    account_id: 'acc_otlp',
    tier: 'free',
    response_body: JSON.stringify({ error: { code: 'rate_limited', message: 'Too many requests', details: { retry_after: 30 } } }),
    ...over,
  });
}

interface Expected {
  id: string;
  status: number;
  code: string | null;
  route: string;
  ts_ms: number;
}

/** Three records of each shape the receiver maps: a JSON line body, a kvlist body, semantic-convention attributes. */
function mixedExport() {
  const specs: LogSpec[] = [];
  const expected: Expected[] = [];
  for (let i = 0; i < 3; i++) {
    const a = uid('otlp_line');
    specs.push({ body: gatewayLine(a), timestamp: now - 60_000 });
    expected.push({ id: a, status: 429, code: 'rate_limited', route: '/v1/submissions/{id}', ts_ms: now - run * 1000 });
    const b = uid('otlp_kv');
    // No time of its own: the record's timeUnixNano is its time.
    const bTime = now - 120_000 - i;
    specs.push({ body: { request_id: b, status: 200, method: 'GET', path: '/v1/things/42', latency_ms: 3 }, timestamp: bTime });
    expected.push({ id: b, status: 200, code: null, route: '/v1/things/{id}', ts_ms: bTime });
    const c = uid('otlp_attr');
    const cTime = now - 180_000 - i;
    specs.push({
      body: 'GET /v1/widgets/77 404',
      attributes: {
        'http.request.header.x-request-id': [c],
        'http.response.status_code': 404,
        'http.request.method': 'GET',
        'url.path': '/v1/widgets/77',
        'http.route': '/v1/widgets/{widget}',
      },
      timestamp: cTime,
    });
    expected.push({ id: c, status: 404, code: null, route: '/v1/widgets/{widget}', ts_ms: cTime });
  }
  return { specs, expected };
}

async function post(body: Uint8Array, encoding: Encoding, opts: { gzip?: boolean; token?: string | null; type?: string } = {}) {
  const wire = opts.gzip ? zlib.gzipSync(body) : body;
  const token = opts.token === undefined ? ingestToken : opts.token;
  return fetch(`${server.baseUrl}/api/v1/otlp/v1/logs`, {
    method: 'POST',
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      'content-type': opts.type ?? contentType(encoding),
      ...(opts.gzip ? { 'content-encoding': 'gzip' } : {}),
    },
    body: wire as BodyInit,
  });
}

interface PartialSuccess {
  rejectedLogRecords?: number | string;
  errorMessage?: string;
}

/** Reads an ExportLogsServiceResponse with the newest SDK's own deserializer (protobuf) or as OTLP JSON. */
async function exportResponse(res: Response, encoding: Encoding): Promise<{ partialSuccess?: PartialSuccess }> {
  const bytes = new Uint8Array(await res.arrayBuffer());
  const serializer = encoding === 'json' ? current.JsonLogsSerializer : current.ProtobufLogsSerializer;
  return serializer.deserializeResponse(bytes) as { partialSuccess?: PartialSuccess };
}

async function lookup(id: string) {
  const res = await fetch(`${server.baseUrl}/api/v1/requests/${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${readToken}` } });
  if (res.status === 404) return null;
  expect(res.status).toBe(200);
  return (await res.json()) as { records: Array<{ status: number; code: string | null; route: string; ts_ms: number; method: string }> };
}

const storedRows = (ids: string[]) =>
  (db.$client.prepare(`SELECT count(*) FROM requests WHERE request_id IN (${ids.map(() => '?').join(',')})`).pluck().get(...ids) as number);

describe('OTLP/HTTP logs', () => {
  const cases: Array<[Encoding, boolean, SerializerVersion]> = [
    ['protobuf', false, 'current'],
    ['protobuf', true, 'current'],
    ['json', false, 'current'],
    ['json', true, 'current'],
    ['protobuf', true, 'pinned'],
    ['json', false, 'pinned'],
  ];
  test.each(cases)('%s export (gzip %s, %s SDK serializer): every record stored and found by lookup', async (encoding, gzip, version) => {
    const { specs, expected } = mixedExport();
    const res = await post(otlpExport(specs, encoding, version, 2), encoding, { gzip });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(contentType(encoding));
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    const answer = await exportResponse(res, encoding);
    expect(answer.partialSuccess?.rejectedLogRecords ?? 0).toBe(0);
    for (const e of expected) {
      const found = await lookup(e.id);
      expect(found, e.id).not.toBeNull();
      expect(found!.records).toHaveLength(1);
      expect(found!.records[0]).toMatchObject({ status: e.status, code: e.code, route: e.route, ts_ms: e.ts_ms });
    }
  });

  test('a record with no request id and a body that is not JSON is a partial success naming it; the rest is stored', async () => {
    for (const encoding of ['protobuf', 'json'] as const) {
      const a = uid('otlp_ok');
      const b = uid('otlp_ok');
      const specs: LogSpec[] = [{ body: gatewayLine(a) }, { body: 'connection reset by peer', attributes: { 'log.file.name': 'gw.log' } }, { body: gatewayLine(b) }];
      const res = await post(otlpExport(specs, encoding), encoding);
      expect(res.status).toBe(200);
      const answer = await exportResponse(res, encoding);
      expect(Number(answer.partialSuccess?.rejectedLogRecords)).toBe(1);
      expect(answer.partialSuccess?.errorMessage).toMatch(/^1 of 3 log records rejected: record 2: missing_field \(request_id\)/);
      expect(await lookup(a)).not.toBeNull();
      expect(await lookup(b)).not.toBeNull();
    }
  });

  test('resending the same export changes nothing', async () => {
    const { specs, expected } = mixedExport();
    const body = otlpExport(specs, 'protobuf');
    const ids = expected.map((e) => e.id);
    expect((await post(body, 'protobuf')).status).toBe(200);
    const before = await Promise.all(ids.map(lookup));
    expect(storedRows(ids)).toBe(ids.length);
    for (let i = 0; i < 2; i++) {
      const res = await post(body, 'protobuf', { gzip: i === 1 });
      expect(res.status).toBe(200);
      expect((await exportResponse(res, 'protobuf')).partialSuccess?.rejectedLogRecords ?? 0).toBe(0);
    }
    expect(storedRows(ids)).toBe(ids.length);
    expect(await Promise.all(ids.map(lookup))).toEqual(before);
  });

  test('an undecodable body is 400 with a google.rpc.Status in the request encoding', async () => {
    const garbage = new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]);
    const res = await post(garbage, 'protobuf');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    const status = Status.toObject(Status.decode(new Uint8Array(await res.arrayBuffer()))) as { code: number; message: string };
    expect(status.code).toBe(3);
    expect(status.message).toMatch(/^invalid_body: The body is not a protobuf ExportLogsServiceRequest/);

    const json = await post(new TextEncoder().encode('{"resourceLogs": ['), 'json');
    expect(json.status).toBe(400);
    expect(json.headers.get('content-type')).toBe('application/json');
    expect(await json.json()).toMatchObject({ code: 3, message: expect.stringMatching(/^invalid_body: The body is not OTLP JSON/) });

    // Field 3 with wire type 7, which does not exist.
    const wireType = await post(new Uint8Array([0x1f, 0x8b, 0x08, 0x00]), 'protobuf');
    expect(wireType.status).toBe(400);
  });

  test('credentials and content type are checked; refusals are Status messages too', async () => {
    const body = otlpExport([{ body: gatewayLine(uid('otlp_auth')) }], 'protobuf');
    const nobody = await post(body, 'protobuf', { token: null });
    expect(nobody.status).toBe(401);
    expect((Status.decode(new Uint8Array(await nobody.arrayBuffer())) as unknown as { message: string }).message).toMatch(/^missing_credentials:/);
    const reader = await post(body, 'json', { token: readToken });
    expect(reader.status).toBe(403);
    expect(await reader.json()).toMatchObject({ code: 7, message: expect.stringMatching(/^scope_required:/) });
    const text = await post(body, 'protobuf', { type: 'text/plain' });
    expect(text.status).toBe(415);
  });

  test('an empty export is a success with nothing stored', async () => {
    const res = await post(new Uint8Array(0), 'protobuf');
    expect(res.status).toBe(200);
    expect((await exportResponse(res, 'protobuf')).partialSuccess).toBeUndefined();
  });
});
