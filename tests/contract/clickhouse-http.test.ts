// The production server with CLICKHOUSE_URL (needs `npm run build`): ingest through the writer worker into a Debian
// clickhouse-server 18.16, resends counted as duplicates, reads through the API; ClickHouse killed: ingest answers
// 503 with Retry-After and reads our envelope; ClickHouse back: both work again without a restart of errata.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { openDatabase, type Db } from '@/db/client';
import { createToken } from '@/db/queries/tokens';
import { startClickHouse, stopAndRemove, type ClickHouseServer } from '../support/clickhouse';
import { startServer, tempDatabasePath, type TestServer } from '../support/server';

let ch: ClickHouseServer;
let server: TestServer;
let db: Db;
let ingest: string;
let read: string;
const now = Date.now();

beforeAll(async () => {
  ch = await startClickHouse();
  const databasePath = tempDatabasePath('errata-ch-http');
  db = openDatabase(databasePath);
  ingest = createToken(db, { name: 'shipper', scopes: ['ingest'] }).token;
  read = createToken(db, { name: 'reader', scopes: ['read'] }).token;
  server = await startServer({ databasePath, env: { CLICKHOUSE_URL: `${ch.url}/errata_http` } });
}, 180_000);
afterAll(async () => {
  if (process.env.ERRATA_TEST_LOG) console.log(server?.output());
  await server?.stop();
  db?.$client.close();
  if (ch) await stopAndRemove(ch);
});

const line = (i: number) =>
  JSON.stringify({
    request_id: `req_chhttp_${i}`,
    timestamp: new Date(now - 60_000 + i * 10).toISOString(),
    status: i % 3 === 0 ? 429 : 200,
    method: 'POST',
    path: '/v1/submissions',
    latency_ms: 12,
    key_id: 'key_ch',
    account_id: 'acc_ch',
    tier: 'free',
    ...(i % 3 === 0 ? { response_body: JSON.stringify({ error: { code: 'rate_limited', message: 'Too many requests', details: { retry_after: 30 } } }) } : {}),
  });

const post = (lines: string[]) =>
  fetch(`${server.baseUrl}/api/v1/ingest`, { method: 'POST', headers: { authorization: `Bearer ${ingest}`, 'content-type': 'application/x-ndjson' }, body: lines.join('\n') });
const get = (path: string) => fetch(`${server.baseUrl}${path}`, { headers: { authorization: `Bearer ${read}` } });

test('ingest, resend and read through the API on ClickHouse; ClickHouse down: 503 + Retry-After, then recovery', async () => {
  const batch = Array.from({ length: 300 }, (_, i) => line(i));
  const first = await post(batch);
  expect(first.status, await first.clone().text()).toBe(200);
  expect(await first.json()).toMatchObject({ accepted: 300, duplicates: 0 });
  const again = await post([...batch.slice(0, 100), line(300)]);
  expect(await again.json()).toMatchObject({ accepted: 1, duplicates: 100 });

  const one = await get('/api/v1/requests/req_chhttp_3');
  expect(one.status).toBe(200);
  const body = (await one.json()) as { records: { code: string | null; status: number }[] };
  expect(body.records.map((r) => [r.code, r.status])).toEqual([['rate_limited', 429]]);
  const from = new Date(now - 3_600_000).toISOString();
  const to = new Date(now + 60_000).toISOString();
  const summary = (await (await get(`/api/v1/stats/summary?from=${from}&to=${to}`)).json()) as { requests: { value: number }; errors: { value: number } };
  expect(summary.requests.value).toBe(301);
  expect(summary.errors.value).toBe(101);

  await ch.stop('SIGKILL');
  const down = await post([line(400)]);
  expect(down.status).toBe(503);
  expect(down.headers.get('retry-after')).toMatch(/^\d+$/);
  expect(((await down.json()) as { error: { code: string } }).error.code).toBe('storage_unavailable');
  const readDown = await get(`/api/v1/stats/summary?from=${from}&to=${to}`);
  expect(readDown.status).toBe(503);
  expect(((await readDown.json()) as { error: { code: string } }).error.code).toBe('storage_unavailable');

  await ch.restart();
  let back: Response | undefined;
  for (let i = 0; i < 60; i++) {
    back = await post([line(400)]);
    if (back.status === 200) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  expect(await back!.json()).toMatchObject({ accepted: 1, duplicates: 0 });
  const after = (await (await get(`/api/v1/stats/summary?from=${from}&to=${to}`)).json()) as { requests: { value: number } };
  expect(after.requests.value).toBe(302);
}, 240_000);
