// kill -9 of errata while a batch is being written into ClickHouse (before, during or after the insert, by timing),
// then a restarted errata and the shipper's resend: every record is stored and counted exactly once.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { openDatabase, type Db } from '@/db/client';
import { createToken } from '@/db/queries/tokens';
import { startClickHouse, stopAndRemove, type ClickHouseServer } from '../support/clickhouse';
import { startServer, tempDatabasePath, type TestServer } from '../support/server';

let ch: ClickHouseServer;
let server: TestServer;
let db: Db;
let databasePath: string;
let ingest: string;
let read: string;
const now = Date.now();
const env = () => ({ CLICKHOUSE_URL: `${ch.url}/errata_kill9` });

beforeAll(async () => {
  ch = await startClickHouse();
  databasePath = tempDatabasePath('errata-ch-kill9');
  db = openDatabase(databasePath);
  ingest = createToken(db, { name: 'shipper', scopes: ['ingest'] }).token;
  read = createToken(db, { name: 'reader', scopes: ['read'] }).token;
  server = await startServer({ databasePath, env: env() });
}, 180_000);
afterAll(async () => {
  await server?.stop();
  db?.$client.close();
  if (ch) await stopAndRemove(ch);
});

const line = (i: number) =>
  JSON.stringify({
    request_id: `req_k9_${Math.floor(i / 4000)}_${i}`,
    timestamp: new Date(now - 600_000 + i).toISOString(),
    status: i % 5 === 0 ? 503 : 200,
    method: 'GET',
    path: '/v1/items',
    latency_ms: 3,
    key_id: `key_${i % 7}`,
    ...(i % 5 === 0 ? { response_body: JSON.stringify({ error: { code: 'service_unavailable', message: 'down', details: {} } }) } : {}),
  });

const post = (base: string, lines: string[]) =>
  fetch(`${base}/api/v1/ingest`, { method: 'POST', headers: { authorization: `Bearer ${ingest}`, 'content-type': 'application/x-ndjson' }, body: lines.join('\n') });

test('kill -9 at several moments of a write, restart, resend: exact counts', async () => {
  const per = 4000;
  let total = 0;
  // null: kill as soon as ClickHouse holds rows of the batch (after the insert, before or just after the 200).
  for (const [round, delayMs] of [10, 200, null, null].entries()) {
    const batch = Array.from({ length: per }, (_, i) => line(round * per + i));
    const inflight = post(server.baseUrl, batch).then(
      (r) => r.status,
      () => 'reset',
    );
    if (delayMs !== null) await new Promise((r) => setTimeout(r, delayMs));
    else {
      const q = `SELECT count() FROM errata_kill9.requests WHERE request_id LIKE 'req_k9_${round}_%'`;
      for (let i = 0; i < 4000; i++) {
        const n = await fetch(`http://127.0.0.1:${ch.http_port}/`, { method: 'POST', body: q }).then((r) => r.text(), () => '0');
        if (Number(n) > 0) break;
        await new Promise((r) => setTimeout(r, 2));
      }
    }
    await server.stop('SIGKILL');
    const answered = await inflight;
    server = await startServer({ databasePath, env: env() });
    // The shipper resends until it gets its 200; whatever the killed node stored counts as duplicates.
    let res: Response | undefined;
    for (let i = 0; i < 40; i++) {
      res = await post(server.baseUrl, batch);
      if (res.status === 200) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(res!.status).toBe(200);
    const out = (await res!.json()) as { accepted: number; duplicates: number };
    expect(out.accepted + out.duplicates).toBe(per);
    // Which moment the kill hit: duplicates > 0 means the killed node's insert had reached ClickHouse.
    console.log(`kill -9 ${delayMs === null ? 'once the rows were in ClickHouse' : `after ${delayMs} ms`} (first answer: ${answered}): the resend stored ${out.accepted}, found ${out.duplicates} already stored`);
    // Killed with the rows already in ClickHouse: the resend must find them, not store them again.
    if (delayMs === null) expect(out.duplicates).toBe(per);
    total += per;
    const from = new Date(now - 3_600_000).toISOString();
    const to = new Date(now + 60_000).toISOString();
    const s = (await (await fetch(`${server.baseUrl}/api/v1/stats/summary?from=${from}&to=${to}`, { headers: { authorization: `Bearer ${read}` } })).json()) as {
      requests: { value: number };
      errors: { value: number };
    };
    expect(s.requests.value, `round ${round} (kill after ${delayMs} ms, resend stored ${out.accepted})`).toBe(total);
    expect(s.errors.value).toBe(total / 5);
  }
}, 400_000);
