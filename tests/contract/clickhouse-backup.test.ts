// The ClickHouse backup and restore of docs/operations.md, step by step on Debian's clickhouse-server 18.16: FREEZE
// every table, copy the shadow folder away, restore into a new server by attaching the frozen parts to the tables
// errata creates, and check that every answer is what it was before (rollups included: an attach does not run the
// materialized views, so the rollups come back from their own parts, neither lost nor counted twice).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { ClickHouseRequestStore } from '@/db/clickhouse/store';
import type { RequestStore } from '@/db/store';
import { parseFilters } from '@/lib/filters';
import { startClickHouse, stopAndRemove, type ClickHouseServer } from '../support/clickhouse';
import { CONTRACT_END_MS, CONTRACT_START_MS, contractBatches } from './store-contract';

const DATABASE = 'errata';
const servers: ClickHouseServer[] = [];
let backupDir = '';

afterAll(async () => {
  for (const s of servers) await stopAndRemove(s);
  if (backupDir) fs.rmSync(backupDir, { recursive: true, force: true });
});

async function sql(server: ClickHouseServer, query: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${server.http_port}/?database=${DATABASE}`, { method: 'POST', body: query });
  const text = await res.text();
  if (!res.ok) throw new Error(`${query}: HTTP ${res.status} ${text}`);
  return text;
}

/** What a user would see: counts, the summary, breakdowns, a series, lookups and a list page. */
async function answers(store: RequestStore, ids: string[]) {
  const iso = (ms: number) => new Date(ms).toISOString();
  const filters = parseFilters(new URLSearchParams({ from: iso(CONTRACT_START_MS - 60_000), to: iso(CONTRACT_END_MS + 60_000) }));
  return JSON.stringify({
    counts: await store.counts(),
    summary: await store.summary(filters),
    by_code: await store.breakdown(filters, { by: 'code', limit: 50 }),
    by_key: await store.breakdown(filters, { by: 'key', limit: 50 }),
    hourly: await store.timeseries(filters, { interval: 'hour', by: 'status_class', limit: 10 }),
    lookups: Object.fromEntries(await store.getRequests(ids)),
    page: await store.listRequests(filters, { limit: 25 }),
    health: await store.ingestHealthTotals({ from_ms: CONTRACT_START_MS - 86_400_000, to_ms: CONTRACT_END_MS + 86_400_000 }),
  });
}

test('FREEZE, copy the shadow folder, attach the parts on a new server: every answer is the same', async () => {
  const source = await startClickHouse();
  servers.push(source);
  const batches = contractBatches();
  const ids = batches.flatMap((b) => b.rows.map((r) => r[0])).filter((_, i) => i % 97 === 0);
  const before = await ClickHouseRequestStore.open({ url: `${source.url}/${DATABASE}` });
  for (const b of batches) await before.writeBatch(b.rows, { token_id: b.token_id, received_ms: b.received_ms, rejected: b.rejected, rejections: b.samples });
  const expected = await answers(before, ids);
  await before.close();

  // Backup: freeze every MergeTree table (hard links, instant), then copy the shadow folder off the server.
  const tables = (await sql(source, `SELECT name FROM system.tables WHERE database = '${DATABASE}' AND engine LIKE '%MergeTree' FORMAT TSV`)).trim().split('\n');
  expect(tables).toContain('requests');
  for (const t of tables) await sql(source, `ALTER TABLE ${DATABASE}.${t} FREEZE`);
  backupDir = fs.mkdtempSync(path.join(os.tmpdir(), 'errata-ch-backup-'));
  fs.cpSync(path.join(source.dir, 'data', 'shadow'), path.join(backupDir, 'shadow'), { recursive: true });
  await source.stop();

  // Restore: errata creates the schema on a new server; then each table's frozen parts go into its detached/ folder
  // and are attached. schema_migrations is errata's own and already written.
  const target = await startClickHouse();
  servers.push(target);
  await (await ClickHouseRequestStore.open({ url: `${target.url}/${DATABASE}` })).close();
  let attached = 0;
  for (const increment of fs.readdirSync(path.join(backupDir, 'shadow')).filter((d) => /^\d+$/.test(d))) {
    const frozen = path.join(backupDir, 'shadow', increment, 'data', DATABASE);
    for (const table of fs.readdirSync(frozen)) {
      if (table === 'schema_migrations') continue;
      const detached = path.join(target.dir, 'data', 'data', DATABASE, table, 'detached');
      for (const part of fs.readdirSync(path.join(frozen, table))) {
        fs.cpSync(path.join(frozen, table, part), path.join(detached, part), { recursive: true });
        await sql(target, `ALTER TABLE ${DATABASE}.${table} ATTACH PART '${part}'`);
        attached++;
      }
    }
  }
  expect(attached).toBeGreaterThan(tables.length);

  const after = await ClickHouseRequestStore.open({ url: `${target.url}/${DATABASE}` });
  expect(await answers(after, ids)).toBe(expected);
  // The restored store takes new records (its ids continue after the restored ones) and still drops a resent one.
  const again = batches[0];
  const resent = await after.writeBatch(again.rows, { token_id: again.token_id, received_ms: again.received_ms, rejected: 0, rejections: [] });
  expect(resent.accepted).toBe(0);
  await after.close();
}, 300_000);
