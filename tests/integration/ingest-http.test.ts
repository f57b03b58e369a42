// POST /api/v1/ingest against the production build (`NEXT_DIST_DIR=... npm run build` first).
import { encode, ExtData } from '@msgpack/msgpack';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openDatabase, type Db } from '@/db/client';
import { createToken } from '@/db/queries/tokens';
import { startServer, tempDatabasePath, type TestServer } from '../support/server';
import { zstdCompress } from '../support/zstd';

let server: TestServer;
let db: Db;
let ingestToken: string;
let readToken: string;
let revokedToken: string;
let run = 0;

beforeAll(async () => {
  const databasePath = tempDatabasePath('errata-ingest-http');
  db = openDatabase(databasePath);
  ingestToken = createToken(db, { name: 'shipper', scopes: ['ingest'] }).token;
  readToken = createToken(db, { name: 'reader', scopes: ['read'] }).token;
  const revoked = createToken(db, { name: 'old', scopes: ['ingest'] });
  revokedToken = revoked.token;
  db.$client.prepare('UPDATE tokens SET revoked_ms = ? WHERE id = ?').run(Date.now(), revoked.id);
  server = await startServer({ databasePath });
});
afterAll(async () => {
  if (process.env.ERRATA_TEST_LOG) console.log(server?.output());
  await server?.stop();
  db?.$client.close();
});

const now = Date.now();
/** A gateway record with a request id unique to this test run. */
function gw(label: string, over: object = {}) {
  return {
    request_id: `${label}_${process.pid}_${++run}`,
    timestamp: new Date(now - run * 1000).toISOString(),
    status: 429,
    method: 'POST',
    path: '/v1/submissions',
    latency_ms: 12,
    key_id: 'key_a',
    account_id: 'acc_a',
    tier: 'free',
    response_body: JSON.stringify({ error: { code: 'rate_limited', message: 'Too many requests', details: { retry_after: 30 } } }),
    ...over,
  };
}

async function ingest(body: BodyInit | Uint8Array, headers: Record<string, string> = {}, token: string | null = ingestToken) {
  const send = () =>
    fetch(`${server.baseUrl}/api/v1/ingest`, {
      method: 'POST',
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json', ...headers },
      body: body as BodyInit,
      // Needed by undici for stream bodies.
      ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
    } as RequestInit);
  // A pooled keep-alive socket can be closed by the server's idle timer just as a slow-to-build body is sent:
  // resend once, as shippers do (dedupe makes it safe).
  const res = await send().catch((err: { cause?: { code?: string } }) => {
    if (body instanceof ReadableStream || !['EPIPE', 'ECONNRESET'].includes(err.cause?.code ?? '')) throw err;
    return send();
  });
  const json = (await res.json()) as Record<string, any>;
  expect(res.headers.get('x-request-id')).toMatch(/^req_/);
  return { status: res.status, json, headers: res.headers };
}

const stored = (id: string) => db.$client.prepare('SELECT * FROM requests WHERE request_id = ?').all(id) as Record<string, unknown>[];
const ndjson = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n');

function eventTime(ms: number): ExtData {
  const b = Buffer.alloc(8);
  b.writeUInt32BE(Math.floor(ms / 1000), 0);
  b.writeUInt32BE((ms % 1000) * 1e6, 4);
  return new ExtData(0, b);
}

describe('authentication', () => {
  test.each([
    ['no Authorization header', null, 401, 'missing_credentials'],
    ['an unknown token', 'errata_nope', 401, 'invalid_credentials'],
    ['a revoked token', 'REVOKED', 401, 'invalid_credentials'],
    ['a token without the ingest scope', 'READ', 403, 'scope_required'],
  ])('%s → %i %s', async (_n, token, status, code) => {
    const t = token === 'READ' ? readToken : token === 'REVOKED' ? revokedToken : token;
    const r = await ingest(ndjson([gw('auth')]), {}, t);
    expect(r.status).toBe(status);
    expect(r.json.error).toMatchObject({ code, request_id: r.headers.get('x-request-id') });
  });
});

describe('every body form and encoding', () => {
  const forms: [string, (rows: object[]) => Uint8Array | string, string][] = [
    ['NDJSON', (rows) => ndjson(rows) + '\n', 'application/x-ndjson'],
    ['a JSON array', (rows) => JSON.stringify(rows), 'application/json'],
    ['concatenated objects', (rows) => rows.map((r) => JSON.stringify(r)).join(''), 'application/json'],
    ['MessagePack', (rows) => Buffer.concat(rows.map((r) => encode([[eventTime(now), {}], r]))), 'application/msgpack'],
    ['NDJSON sent as a form by curl', (rows) => ndjson(rows), 'application/x-www-form-urlencoded'],
  ];
  test.each(forms)('%s', async (label, make, type) => {
    const rows = [gw('form'), gw('form', { status: 200, response_body: undefined }), gw('form')];
    const r = await ingest(make(rows), { 'content-type': type });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ accepted: 3, duplicates: 0, rejected: 0, errors: [] });
    expect(stored(rows[0].request_id)[0]).toMatchObject({ code: 'rate_limited', status: 429, key_id: 'key_a', route: '/v1/submissions' });
    expect(stored(rows[1].request_id)[0]).toMatchObject({ code: '', status: 200 });
    void label;
  });

  test('one object', async () => {
    const row = gw('single');
    const r = await ingest(JSON.stringify(row, null, 2));
    expect(r.json).toMatchObject({ accepted: 1 });
  });

  const encodings: [string, string, (b: Buffer) => Uint8Array][] = [
    ['gzip', 'gzip', (b) => zlib.gzipSync(b)],
    ['deflate (zlib)', 'deflate', (b) => zlib.deflateSync(b)],
    ['deflate (raw)', 'deflate', (b) => zlib.deflateRawSync(b)],
    ['zstd', 'zstd', (b) => zstdCompress(b)],
  ];
  test.each(encodings)('Content-Encoding %s', async (_n, header, compress) => {
    const rows = Array.from({ length: 50 }, () => gw('enc'));
    const r = await ingest(compress(Buffer.from(ndjson(rows))), { 'content-encoding': header });
    expect(r.json).toMatchObject({ accepted: 50, rejected: 0 });
  });

  test('an unsupported Content-Encoding is 415 in the envelope', async () => {
    const r = await ingest(ndjson([gw('br')]), { 'content-encoding': 'br' });
    expect(r.status).toBe(415);
    expect(r.json.error.code).toBe('unsupported_encoding');
  });

  test('corrupt gzip is 400 invalid_body', async () => {
    const r = await ingest('definitely not gzip', { 'content-encoding': 'gzip' });
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('invalid_body');
  });

  test('an empty body is 400 invalid_body', async () => {
    const r = await ingest('');
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('invalid_body');
  });

  test('PUT (Fluent Bit http_method PUT) ingests too; GET is 405 in the envelope', async () => {
    const row = gw('put');
    const put = await fetch(`${server.baseUrl}/api/v1/ingest`, { method: 'PUT', headers: { authorization: `Bearer ${ingestToken}` }, body: JSON.stringify(row) });
    expect(await put.json()).toMatchObject({ accepted: 1 });
    const get = await fetch(`${server.baseUrl}/api/v1/ingest`, { headers: { authorization: `Bearer ${ingestToken}` } });
    expect(get.status).toBe(405);
    expect(get.headers.get('x-request-id')).toMatch(/^req_/);
    expect(((await get.json()) as { error: { code: string } }).error.code).toBe('method_not_allowed');
  });

  test('refused batches are recorded for the ingest health page', async () => {
    await ingest(ndjson([gw('refused')]), { 'content-encoding': 'snappy' });
    await expect
      .poll(() => db.$client.prepare("SELECT count(*) FROM ingest_rejections WHERE line = 0 AND code = 'unsupported_encoding'").pluck().get(), { timeout: 5000 })
      .toBe(1);
  });
});

// Request shapes as each shipper sends them by default (headers, framing, compression, enrichment).
describe('log shippers', () => {
  test("Vector http sink, codec json (default framing: a JSON array), docker_logs source, gzip", async () => {
    const lines = [gw('vector'), gw('vector')];
    const events = lines.map((l) => ({
      container_created_at: '2026-11-20T10:00:00Z',
      container_id: 'abc123',
      container_name: 'gateway',
      host: 'node-1',
      image: 'gateway:1.4',
      label: {},
      message: JSON.stringify(l),
      source_type: 'docker_logs',
      stream: 'stdout',
      timestamp: '2026-01-01T00:00:00.000000001Z',
    }));
    const r = await ingest(zlib.gzipSync(JSON.stringify(events)), { 'content-type': 'application/json', 'content-encoding': 'gzip', 'user-agent': 'Vector/0.50.0' });
    expect(r.json).toMatchObject({ accepted: 2, rejected: 0 });
    // The gateway's own time wins over the collector's.
    expect(stored(lines[0].request_id)[0].ts_ms).toBe(Date.parse(lines[0].timestamp));
  });

  test('Vector http sink, framing newline_delimited (no final newline), zstd', async () => {
    const lines = [gw('vector-nd'), gw('vector-nd')];
    const body = lines.map((l) => JSON.stringify({ message: JSON.stringify(l), source_type: 'file', file: '/var/log/gw.log', host: 'h', timestamp: '2026-01-01T00:00:00Z' })).join('\n');
    const r = await ingest(zstdCompress(Buffer.from(body)), { 'content-type': 'application/x-ndjson', 'content-encoding': 'zstd' });
    expect(r.json).toMatchObject({ accepted: 2, rejected: 0 });
  });

  const dockerTime = new Date(now - 5000).toISOString().replace('Z', '456789Z');
  const docker = (l: object) => ({ log: JSON.stringify(l) + '\n', stream: 'stdout', time: dockerTime });

  test('Fluent Bit http output, format json (array, date as a float), gzip', async () => {
    const lines = [gw('fb-json'), gw('fb-json')];
    const records = lines.map((l) => ({ date: now / 1000, log: JSON.stringify(l), stream: 'stdout' }));
    const r = await ingest(zlib.gzipSync(JSON.stringify(records)), { 'content-type': 'application/json', 'content-encoding': 'gzip', 'user-agent': 'Fluent-Bit' });
    expect(r.json).toMatchObject({ accepted: 2, rejected: 0 });
  });

  test('Fluent Bit http output, format json_lines, a Docker line inside the record (two levels)', async () => {
    const lines = [gw('fb-lines'), gw('fb-lines', { timestamp: undefined })];
    const body = lines.map((l) => JSON.stringify({ date: 1764057600.5, log: JSON.stringify(docker(l)) }) + '\n').join('');
    const r = await ingest(body, { 'content-type': 'application/x-ndjson', 'user-agent': 'Fluent-Bit' });
    expect(r.json).toMatchObject({ accepted: 2, rejected: 0 });
    // No gateway time: the Docker line's time comes before Fluent Bit's date.
    expect(stored(lines[1].request_id)[0].ts_ms).toBe(now - 5000);
  });

  test('Fluent Bit http output, format json_stream (no separator)', async () => {
    const lines = [gw('fb-stream'), gw('fb-stream'), gw('fb-stream')];
    const body = lines.map((l) => JSON.stringify({ date: now / 1000, log: JSON.stringify(l) })).join('');
    const r = await ingest(body, { 'content-type': 'application/json' });
    expect(r.json).toMatchObject({ accepted: 3, rejected: 0 });
  });

  test('Fluent Bit http output, format msgpack (the old default): [[EventTime, {}], record], tail of a Docker log file', async () => {
    const lines = [gw('fb-msgpack'), gw('fb-msgpack', { timestamp: undefined })];
    const body = Buffer.concat([
      encode([[eventTime(now), {}], { log: JSON.stringify(docker(lines[0])) }]),
      encode([eventTime(now), { log: JSON.stringify(lines[1]) + '\n' }]),
    ]);
    const r = await ingest(body, { 'content-type': 'application/msgpack', 'user-agent': 'Fluent-Bit' });
    expect(r.json).toMatchObject({ accepted: 2, rejected: 0 });
    // No time anywhere but the event time: it is used.
    expect(Math.abs((stored(lines[1].request_id)[0].ts_ms as number) - now)).toBeLessThan(1000);
  });

  test('Logstash http output, format json_batch (ECS event: message, @timestamp, log.file.path), http_compression', async () => {
    const lines = [gw('logstash'), gw('logstash')];
    const events = lines.map((l) => ({
      '@timestamp': '2026-01-01T00:00:00.000Z',
      '@version': '1',
      message: JSON.stringify(l),
      event: { original: JSON.stringify(l) },
      host: { name: 'node-1' },
      log: { file: { path: '/var/log/gateway/access.log' } },
    }));
    const r = await ingest(zlib.gzipSync(JSON.stringify(events)), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(r.json).toMatchObject({ accepted: 2, rejected: 0 });
  });

  test('Docker json-file lines as NDJSON', async () => {
    const lines = [gw('docker'), gw('docker')];
    const r = await ingest(lines.map((l) => JSON.stringify(docker(l))).join('\n'), { 'content-type': 'text/plain' });
    expect(r.json).toMatchObject({ accepted: 2, rejected: 0 });
  });
});

describe('dedupe', () => {
  test('re-sending a batch is all duplicates', async () => {
    const body = ndjson(Array.from({ length: 100 }, () => gw('resend')));
    expect((await ingest(body)).json).toMatchObject({ accepted: 100, duplicates: 0 });
    expect((await ingest(body)).json).toMatchObject({ accepted: 0, duplicates: 100 });
  });

  test('two concurrent senders of overlapping batches store each record once', async () => {
    const rows = Array.from({ length: 6000 }, () => gw('concurrent'));
    const batches = (offset: number) => Array.from({ length: 6 }, (_, i) => rows.slice(i * 1000, i * 1000 + 1000 + offset));
    const sender = async (list: object[][]) => {
      let accepted = 0;
      let duplicates = 0;
      for (const b of list) {
        const r = await ingest(zlib.gzipSync(ndjson(b)), { 'content-encoding': 'gzip' });
        expect(r.status).toBe(200);
        accepted += r.json.accepted;
        duplicates += r.json.duplicates;
      }
      return { accepted, duplicates };
    };
    // Sender B's batches overlap A's and each other's (500 extra records each).
    const listA = batches(0);
    const listB = batches(500).reverse();
    const [a, b] = await Promise.all([sender(listA), sender(listB)]);
    expect(a.accepted + b.accepted).toBe(6000);
    const sent = [...listA, ...listB].reduce((n, l) => n + l.length, 0);
    expect(a.accepted + b.accepted + a.duplicates + b.duplicates).toBe(sent);
    expect(db.$client.prepare("SELECT count(*) FROM requests WHERE request_id LIKE 'concurrent_%'").pluck().get()).toBe(6000);
  });
});

describe('bad records beside good ones', () => {
  test('each bad record is rejected with line, code, message and field; the good ones are kept', async () => {
    const good = [gw('mixed'), gw('mixed')];
    const body = [
      JSON.stringify(good[0]),
      '{"request_id": "x", "status": ',
      JSON.stringify({ ...gw('mixed'), request_id: 'has space' }),
      JSON.stringify({ ...gw('mixed'), timestamp: 'yesterday' }),
      JSON.stringify({ ...gw('mixed'), status: undefined }),
      JSON.stringify({ ...gw('mixed'), pad: 'x'.repeat(300 * 1024) }),
      JSON.stringify({ ...gw('mixed'), status: 418, response_body: JSON.stringify({ error: { code: 'brand_new', message: 'x' } }) }),
      JSON.stringify(good[1]),
    ].join('\n');
    const r = await ingest(body);
    expect(r.status).toBe(200);
    expect(r.json.accepted).toBe(3);
    expect(r.json.rejected).toBe(5);
    expect(r.json.errors).toEqual([
      { line: 2, code: 'invalid_json', message: expect.any(String) },
      { line: 3, code: 'invalid_field', field: 'request_id', message: expect.stringContaining('visible ASCII') },
      { line: 4, code: 'invalid_field', field: 'timestamp', message: expect.stringContaining('RFC 3339') },
      { line: 5, code: 'missing_field', field: 'status', message: 'status is required.' },
      { line: 6, code: 'record_too_large', message: expect.any(String) },
    ]);
    const rows = db.$client.prepare("SELECT code, unknown_code FROM requests WHERE code = 'brand_new'").all();
    expect(rows).toEqual([{ code: 'brand_new', unknown_code: 1 }]);
  });
});

/** Peak resident memory (VmHWM) of the server's processes, in MiB. */
function serverPeakRssMiB(): number {
  let peak = 0;
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      if (pgrp !== server.process.pid) continue;
      const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (hwm) peak = Math.max(peak, Number(hwm[1]) / 1024);
    } catch {
      /* exited */
    }
  }
  return peak;
}

describe('limits', () => {
  test('a body over 16 MiB is 413 payload_too_large (declared length)', async () => {
    const r = await ingest(Buffer.alloc(16 * 1024 * 1024 + 1, 0x20));
    expect(r.status).toBe(413);
    expect(r.json.error.code).toBe('payload_too_large');
  });

  test('a chunked body over 16 MiB is cut off while streaming', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent >= 40) return c.close();
        sent++;
        c.enqueue(chunk);
      },
    });
    const r = await ingest(stream);
    expect(r.status).toBe(413);
    expect(r.json.error.code).toBe('payload_too_large');
  });

  test('a gzip bomb is 413 decompressed_too_large, rejected without inflating it all', async () => {
    // 1 GiB of zeros as 16 gzip members of 64 MiB (~1 MiB on the wire), quicker to build than one member.
    const member = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
    const bomb = Buffer.concat(Array.from({ length: 16 }, () => member));
    const t = performance.now();
    const r = await ingest(bomb, { 'content-encoding': 'gzip' });
    expect(r.status).toBe(413);
    expect(r.json.error.code).toBe('decompressed_too_large');
    expect(performance.now() - t).toBeLessThan(5000);
    if (process.env.ERRATA_TEST_LOG) console.log(`gzip bomb: ${Math.round(performance.now() - t)} ms, server peak RSS ${Math.round(serverPeakRssMiB())} MiB`);
    expect(serverPeakRssMiB()).toBeLessThan(500);
  });

  test('more than 100,000 records is 413 too_many_records and nothing is stored', async () => {
    const body = Buffer.from('{}\n'.repeat(100_001));
    const r = await ingest(zlib.gzipSync(body), { 'content-encoding': 'gzip' });
    expect(r.status).toBe(413);
    expect(r.json.error.code).toBe('too_many_records');
  });

  test('a 64 MiB decompressed batch of 100,000 records is accepted with bounded memory', async () => {
    const pad = 'p'.repeat(300);
    const lines: string[] = [];
    for (let i = 0; i < 100_000; i++) lines.push(JSON.stringify({ ...gw('big'), pad }));
    let body = lines.join('\n');
    body += ' '.repeat(Math.max(0, 64 * 1024 * 1024 - Buffer.byteLength(body)));
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(64 * 1024 * 1024);
    expect(Buffer.byteLength(body)).toBeGreaterThan(60 * 1024 * 1024);
    const r = await ingest(zlib.gzipSync(body, { level: 1 }), { 'content-encoding': 'gzip' });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ accepted: 100_000, rejected: 0 });
    if (process.env.ERRATA_TEST_LOG) console.log(`64 MiB batch: server peak RSS ${Math.round(serverPeakRssMiB())} MiB`);
    expect(serverPeakRssMiB()).toBeLessThan(1200);
  }, 120_000);
});

describe('saturation and shutdown', () => {
  let small: TestServer;
  let token: string;
  beforeAll(async () => {
    const databasePath = tempDatabasePath('errata-ingest-queue');
    const d = openDatabase(databasePath);
    token = createToken(d, { name: 'flood', scopes: ['ingest'] }).token;
    d.$client.close();
    small = await startServer({ databasePath, env: { ERRATA_WRITER_QUEUE: '1' } });
  });
  afterAll(async () => {
    await small?.stop();
  });

  const post = (body: Uint8Array) =>
    fetch(`${small.baseUrl}/api/v1/ingest`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-encoding': 'gzip' }, body: body as BodyInit });

  test('a full writer queue answers 503 with Retry-After within 10 s, never a hang; every 200 was stored', async () => {
    const batches = Array.from({ length: 8 }, (_, b) => zlib.gzipSync(ndjson(Array.from({ length: 20_000 }, (_, i) => ({ ...gw('flood'), request_id: `flood_${b}_${i}` })))));
    const started = performance.now();
    const results = await Promise.all(
      batches.map(async (body) => {
        const res = await post(body);
        const json = (await res.json()) as Record<string, any>;
        return { status: res.status, retry: res.headers.get('retry-after'), json, ms: performance.now() - started, rid: res.headers.get('x-request-id') };
      }),
    );
    const busy = results.filter((r) => r.status === 503);
    const ok = results.filter((r) => r.status === 200);
    expect(busy.length).toBeGreaterThan(0);
    expect(ok.length).toBeGreaterThan(0);
    for (const r of busy) {
      expect(r.json.error.code).toBe('service_unavailable');
      expect(Number(r.retry)).toBeGreaterThanOrEqual(1);
      expect(Number(r.retry)).toBeLessThanOrEqual(10);
    }
    for (const r of results) {
      expect(r.rid).toMatch(/^req_/);
      expect(r.ms).toBeLessThan(10_000 + 5_000);
    }
    const d = openDatabase(small.databasePath, { migrate: false });
    expect(d.$client.prepare("SELECT count(*) FROM requests WHERE request_id LIKE 'flood_%'").pluck().get()).toBe(ok.length * 20_000);
    d.$client.close();
  }, 60_000);

  test('SIGTERM lets an in-flight batch finish and answer 200 before the server exits', async () => {
    const body = zlib.gzipSync(ndjson(Array.from({ length: 30_000 }, (_, i) => ({ ...gw('term'), request_id: `term_${i}` }))));
    const pending = post(body);
    await new Promise((r) => setTimeout(r, 150));
    const stopped = small.stop('SIGTERM');
    const res = await pending;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { accepted: number }).accepted).toBe(30_000);
    await stopped;
    const d = openDatabase(small.databasePath, { migrate: false });
    expect(d.$client.prepare("SELECT count(*) FROM requests WHERE request_id LIKE 'term_%'").pluck().get()).toBe(30_000);
    d.$client.close();
  }, 60_000);
});
