// Writes on the real 2-shard cluster (and one single server): exact dedupe across resends, overlapping senders and a
// store that died after its insert, rows on the shard the sharding key names, hostile values byte for byte, and
// ClickHouse or one shard away: a typed 503 error, then recovery with nothing lost.
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ClickHouseRequestStore, halfMD5, StoreUnavailableError } from '@/db/clickhouse/store';
import { sql } from '@/db/clickhouse/sql';
import { MIGRATIONS } from '@/db/clickhouse/schema';
import { openDatabase } from '@/db/client';
import { openRequestStore } from '@/db/open-store';
import { createToken, revokeToken } from '@/db/queries/tokens';
import type { RequestRow } from '@/db/types';
import { parseFilters } from '@/lib/filters';
import { HOSTILE } from '../support/hostile';
import { startClickHouse, startCluster, startZooKeeper, stopAndRemove, type ClickHouseCluster, type ClickHouseServer } from '../support/clickhouse';

const T0 = Date.UTC(2026, 10, 20, 10, 0, 0);
const HOUR = 3_600_000;

/** n records, request i at T0 + i s; every 4th request also has an error record (a second code). */
function rows(from: number, to: number): RequestRow[] {
  const out: RequestRow[] = [];
  for (let i = from; i < to; i++) {
    const id = `req_w_${String(i).padStart(6, '0')}`;
    const key = `key_${i % 17}`;
    out.push([id, '', T0 + i * 1000, 200, 'GET', '/v1/x', '/v1/x', 12.5, key, `acct_${i % 5}`, 'pro', null, null, null, 0, 0, null, 0, null, null, null, null]);
    if (i % 4 === 0) out.push([id, 'rate_limited', T0 + i * 1000 + 1, 429, 'GET', '/v1/x', '/v1/x', 3, key, `acct_${i % 5}`, 'pro', 'slow down', '{"reason":"burst"}', 'burst', 0, 0, null, 0, null, null, null, null]);
  }
  return out;
}
const recordsOf = (from: number, to: number) => rows(from, to).length;
const ctx = (received_ms = T0 + 10 * HOUR) => ({ token_id: 1, received_ms });
const range = parseFilters(new URLSearchParams({ from: new Date(T0 - HOUR).toISOString(), to: new Date(T0 + 48 * HOUR).toISOString() }), { now: T0 + 48 * HOUR });

async function q<T = Record<string, unknown>>(c: ClickHouseClient, text: string): Promise<T[]> {
  return (await (await c.query({ query: text, format: 'JSONEachRow' })).json()) as T[];
}

async function until(what: string, fn: () => Promise<unknown>, ms = 90_000): Promise<void> {
  const end = Date.now() + ms;
  let last: unknown;
  while (Date.now() < end) {
    try {
      await fn();
      return;
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  throw new Error(`${what}: still failing after ${ms} ms: ${String(last)}`);
}

describe('2-shard cluster', () => {
  let cluster: ClickHouseCluster;
  let store: ClickHouseRequestStore;
  const clients: ClickHouseClient[] = [];

  beforeAll(async () => {
    cluster = await startCluster();
    for (const s of cluster.servers) clients.push(createClient({ url: `http://127.0.0.1:${s.http_port}` }));
    store = await ClickHouseRequestStore.open({ url: `${cluster.servers[0].url}/errata`, cluster: cluster.name });
  }, 180_000);

  afterAll(async () => {
    await store?.close().catch(() => undefined);
    for (const c of clients) await c.close();
    await cluster?.stop();
  });

  test('hostile values: literal() and the insert keep every byte, and halfMD5 here is the servers halfMD5', async () => {
    for (const s of HOSTILE) {
      const [r] = await q<{ v: string; h: string }>(clients[1], sql`SELECT ${s} AS v, toString(halfMD5(${s})) AS h`.text);
      expect(r.v, JSON.stringify(s)).toBe(s);
      expect(BigInt(r.h), JSON.stringify(s)).toBe(halfMD5(s));
    }
    const hostileRows: RequestRow[] = HOSTILE.filter((s) => s !== '').map((s, i) => [`req_h_${s}`, '', T0 + 40 * HOUR + i, 200, s, s, s, null, s, s, s, s, s, s, 0, 0, null, 0, null, null, null, null]);
    const out = await store.writeBatch(hostileRows, ctx());
    expect(out).toEqual({ accepted: hostileRows.length, duplicates: 0 });
    for (const r of hostileRows) {
      const d = await store.getRequest(r[0]);
      expect(d?.records.map((x) => [x.request_id, x.method, x.path, x.key_id, x.message]), JSON.stringify(r[0])).toEqual([[r[0], r[4], r[5], r[8], r[11]]]);
    }
    expect((await store.writeBatch(hostileRows.map((r) => [...r] as RequestRow), ctx())).accepted).toBe(0);
  });

  test('resends, overlapping senders and a store that died between its insert and its answer: exact counts', async () => {
    const before = (await store.counts()).requests;
    const batchA = () => rows(0, 1000);
    const batchB = () => rows(500, 1500);
    // Three senders at once, two of them overlapping by half and one resending A whole.
    const [a, b, a2] = await Promise.all([store.writeBatch(batchA(), ctx()), store.writeBatch(batchB(), ctx()), store.writeBatch(batchA(), ctx())]);
    expect(a.accepted + b.accepted + a2.accepted).toBe(recordsOf(0, 1500));
    expect(a.duplicates + b.duplicates + a2.duplicates).toBe(recordsOf(0, 1000) * 2 + recordsOf(500, 1500) - recordsOf(0, 1500));
    // The node dies after ClickHouse took a batch and before the 200 (its state is gone, the rows are stored); the
    // sender resends to the restarted node.
    const crashed = await ClickHouseRequestStore.open({ url: `${cluster.servers[0].url}/errata`, cluster: cluster.name });
    expect((await crashed.writeBatch(rows(1000, 2000), ctx())).accepted).toBe(recordsOf(1500, 2000));
    const restarted = await ClickHouseRequestStore.open({ url: `${cluster.servers[0].url}/errata`, cluster: cluster.name });
    const resend = await restarted.writeBatch(rows(1000, 2000), ctx());
    expect(resend).toEqual({ accepted: 0, duplicates: recordsOf(1000, 2000) });
    // Raw rows, rollups (summary, breakdown, series) and both shards agree on the exact total.
    const total = recordsOf(0, 2000);
    expect((await restarted.counts()).requests - before).toBe(total);
    const perShard = await Promise.all(clients.map((c) => q<{ c: string }>(c, "SELECT count() AS c FROM errata.requests_local WHERE request_id LIKE 'req_w_%'")));
    expect(perShard.map((r) => Number(r[0].c)).reduce((x, y) => x + y)).toBe(total);
    expect(perShard.every((r) => Number(r[0].c) > total / 4)).toBe(true);
    const f = { ...range, route: ['/v1/x'] };
    expect((await restarted.summary(f)).requests.value).toBe(total);
    expect((await restarted.breakdown(f, { by: 'code' })).total.requests).toBe(total);
    const series = await restarted.timeseries(f, { interval: 'hour' });
    expect(series.buckets.reduce((x, b) => x + b.requests, 0)).toBe(total);
    const uniquePairs = await q<{ c: string }>(clients[0], "SELECT count() AS c FROM (SELECT request_id, code FROM errata.requests WHERE request_id LIKE 'req_w_%' GROUP BY request_id, code)");
    expect(Number(uniquePairs[0].c)).toBe(total);
    await crashed.close();
    await restarted.close();
  });

  test('every row is on the shard its halfMD5(request_id) names (the dedupe check reads only that shard)', async () => {
    for (let s = 0; s < clients.length; s++) {
      const ids = await q<{ request_id: string }>(clients[s], 'SELECT DISTINCT request_id FROM errata.requests_local');
      expect(ids.length).toBeGreaterThan(0);
      for (const { request_id } of ids) expect(Number(halfMD5(request_id) % 2n), request_id).toBe(s);
    }
  });

  test('one shard down: writes and reads fail with a 503 StoreUnavailableError; back up, nothing accepted is lost', async () => {
    const total = (await store.counts()).requests;
    await cluster.servers[1].stop('SIGKILL');
    const batch = () => rows(3000, 3400);
    const err = await store.writeBatch(batch(), ctx()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect((err as StoreUnavailableError).status).toBe(503);
    expect((err as StoreUnavailableError).headers['Retry-After']).toMatch(/^\d+$/);
    await expect(store.summary(range)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
    await cluster.servers[1].restart();
    // The restarted replica re-registers in ZooKeeper; until then its tables are read-only (also "unavailable").
    let out: Awaited<ReturnType<ClickHouseRequestStore['writeBatch']>> | undefined;
    await until('write after the shard is back', async () => {
      out = await store.writeBatch(batch(), ctx());
    });
    // Whatever the failed attempt left on the live shard counts as stored: accepted + those = the batch, exactly once.
    const now = (await store.counts()).requests;
    expect(now - total).toBe(recordsOf(3000, 3400));
    expect(out!.accepted + out!.duplicates).toBe(recordsOf(3000, 3400));
    expect((await store.summary({ ...range, from: T0 + 2900 * 1000, to: T0 + 3500 * 1000 })).requests.value).toBe(recordsOf(3000, 3400));
  }, 240_000);
});

describe('2-shard cluster without ZooKeeper', () => {
  let cluster: ClickHouseCluster;
  let store: ClickHouseRequestStore;
  beforeAll(async () => {
    cluster = await startCluster();
    store = await ClickHouseRequestStore.open({ url: `${cluster.servers[0].url}/errata`, cluster: cluster.name });
    expect((await store.writeBatch(rows(0, 200), ctx())).accepted).toBe(recordsOf(0, 200));
  }, 180_000);
  afterAll(async () => {
    await store?.close().catch(() => undefined);
    await cluster?.stop();
  });

  test('ZooKeeper down: writes fail with StoreUnavailableError (replicated tables are read-only), nothing half-counted; back: writes resume', async () => {
    const zk = cluster.zookeeper;
    await zk.stop('SIGKILL');
    let err: unknown;
    await until('a write refused without ZooKeeper', async () => {
      err = await store.writeBatch(rows(200, 300), ctx()).then(
        () => null,
        (e: unknown) => e,
      );
      if (err === null) throw new Error('the write still succeeded');
    });
    expect(err).toBeInstanceOf(StoreUnavailableError);
    // Reads of stored data keep working from the replicas' local parts.
    expect((await store.counts()).requests).toBeGreaterThanOrEqual(recordsOf(0, 200));
    cluster.zookeeper = await startZooKeeper({ port: zk.port, dir: zk.dir });
    let out: Awaited<ReturnType<ClickHouseRequestStore['writeBatch']>> | undefined;
    await until('a write after ZooKeeper is back', async () => {
      out = await store.writeBatch(rows(200, 300), ctx());
    }, 120_000);
    expect(out!.accepted + out!.duplicates).toBe(recordsOf(200, 300));
    expect((await store.counts()).requests).toBe(recordsOf(0, 300));
    expect((await store.summary(range)).requests.value).toBe(recordsOf(0, 300));
  }, 300_000);
});

describe('single server', () => {
  let server: ClickHouseServer;
  let store: ClickHouseRequestStore;
  beforeAll(async () => {
    server = await startClickHouse();
    store = await ClickHouseRequestStore.open({ url: `${server.url}/errata` });
  }, 60_000);
  afterAll(async () => {
    await store?.close().catch(() => undefined);
    if (server) await stopAndRemove(server);
  });

  test('migrations on existing data: version 2 (requests_by_key) backfills what version 1 stored', async () => {
    const old = await ClickHouseRequestStore.open({ url: `${server.url}/olddb`, migrateUpTo: 1 });
    expect((await old.writeBatch(rows(0, 300), ctx())).accepted).toBe(recordsOf(0, 300));
    await old.close();
    const migrated = await ClickHouseRequestStore.open({ url: `${server.url}/olddb` });
    const d = await migrated.getRequest('req_w_000100');
    // key_15: requests 15, 32, 49, … ; in ±7.5 min of request 100 (t = 100 s): every one of them from 0 to 550 s.
    expect(d?.around?.timeline.map((e) => e.request_id)).toEqual(
      rows(0, 300)
        .filter((r) => r[8] === 'key_15' && Math.abs(r[2] - (T0 + 100_000)) <= 450_000 && r[2] < T0 + 100_000 + 450_000)
        .map((r) => r[0]),
    );
    expect(d?.around?.previous?.request_id).toBe('req_w_000083');
    const c = createClient({ url: `http://127.0.0.1:${server.http_port}` });
    const versions = await q<{ version: number }>(c, 'SELECT version FROM olddb.schema_migrations ORDER BY version');
    await c.close();
    expect(versions.map((v) => Number(v.version))).toEqual(MIGRATIONS.map((m) => m.version));
    // New writes reach the new table through its view.
    expect((await migrated.writeBatch(rows(300, 320), ctx())).accepted).toBe(recordsOf(300, 320));
    expect((await migrated.getRequest('req_w_000310'))?.around?.previous?.request_id).toBe('req_w_000293');
    // Version 3 (refused calls, latest call per token) counts beside the batches stored before it.
    const hour = Math.floor(T0 / 3_600_000) * 3_600_000;
    await migrated.recordRefusedCalls([{ token_id: -1, hour_ms: hour, count: 4, last_ms: hour + 1 }], []);
    const totals = await migrated.ingestHealthTotals({ from_ms: hour - 86_400_000, to_ms: hour + 86_400_000 });
    expect(totals.find((t) => t.token_id === -1)).toMatchObject({ refused: 4, batches: 0, last_ms: hour + 1 });
    expect((await migrated.tokenLastCalls()).get(-1)).toBe(hour + 1);
    await migrated.close();
  });

  test('ClickHouse down: 503 StoreUnavailableError for writes and reads; it recovers by itself when the server returns', async () => {
    expect((await store.writeBatch(rows(0, 100), ctx())).accepted).toBe(recordsOf(0, 100));
    await server.stop('SIGKILL');
    const err = await store.writeBatch(rows(100, 200), ctx()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreUnavailableError);
    await expect(store.listRequests(range)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.getRequest('req_w_000001')).rejects.toBeInstanceOf(StoreUnavailableError);
    await server.restart();
    await until('ping after restart', () => store.ping());
    // An insert that failed without an answer is settled (KILL QUERY … SYNC, which 18.16 accepts) before the next write.
    (store as unknown as { unsettledInsert: string }).unsettledInsert = 'errata-never-ran';
    expect((await store.writeBatch(rows(100, 200), ctx())).accepted).toBe(recordsOf(100, 200));
    expect((await store.writeBatch(rows(0, 200), ctx())).accepted).toBe(0);
    expect((await store.counts()).requests).toBe(recordsOf(0, 200));
    expect((await store.summary(range)).requests.value).toBe(recordsOf(0, 200));
    const [r] = await store.listRequests(range, { limit: 1 }).then((p) => p.records);
    expect(r.request_id).toBe('req_w_000199');
  }, 120_000);

  test('openRequestStore with CLICKHOUSE_URL: a ClickHouse store whose ingest health names tokens from the metadata database', async () => {
    const meta = openDatabase(':memory:');
    const made = createToken(meta, { name: 'edge-eu', scopes: ['ingest'] });
    const other = createToken(meta, { name: 'old shipper', scopes: ['ingest'] });
    revokeToken(meta, other.id);
    const store = openRequestStore(meta, { CLICKHOUSE_URL: `${server.url}/metadb` } as unknown as NodeJS.ProcessEnv);
    expect(store.kind).toBe('clickhouse');
    await store.writeBatch(rows(0, 50), { token_id: made.id, received_ms: T0 });
    await store.writeBatch(rows(50, 60), { token_id: other.id, received_ms: T0 });
    await store.writeBatch(rows(60, 61), { token_id: null, received_ms: T0 });
    const totals = await store.ingestHealthTotals({ from_ms: T0 - HOUR, to_ms: T0 + HOUR });
    expect(totals.map((t) => [t.token_id, t.token_name, t.revoked, t.accepted])).toEqual([
      [made.id, 'edge-eu', false, recordsOf(0, 50)],
      [other.id, 'old shipper', true, recordsOf(50, 60)],
      [0, 'CLI (no token)', false, recordsOf(60, 61)],
    ]);
    expect(made.token.startsWith(totals[0].token_prefix!)).toBe(true);
    await store.close();
    meta.$client.close();
  });

  test('a store created while ClickHouse is down answers 503, then migrates and serves by itself once it is up', async () => {
    await server.stop('SIGKILL');
    const lazy = ClickHouseRequestStore.create({ url: `${server.url}/lazydb` });
    await expect(lazy.counts()).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(lazy.writeBatch(rows(0, 10), ctx())).rejects.toBeInstanceOf(StoreUnavailableError);
    await server.restart();
    await until('counts after restart', () => lazy.counts());
    expect((await lazy.writeBatch(rows(0, 10), ctx())).accepted).toBe(recordsOf(0, 10));
    expect((await lazy.counts()).requests).toBe(recordsOf(0, 10));
    await lazy.close();
  }, 120_000);
});
