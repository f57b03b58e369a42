// Retention is pruned on a schedule, not only when records arrive: at server start and every interval after, even on
// a server that receives nothing (a platform that stopped sending must still lose its old records on time).
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { openDatabase, type Db } from '@/db/client';
import { retentionCutoff } from '@/db/queries/retention';
import { sqliteStoreOn } from '@/db/sqlite/store';
import { processBatch } from '@/ingest';
import { Writer } from '@/ingest/writer';
import { startServer, tempDatabasePath, type TestServer } from '../support/server';

const DAY = 86_400_000;
const RETENTION_DAYS = 30;
const enc = (records: object[]) => new TextEncoder().encode(records.map((r) => JSON.stringify(r)).join('\n'));
const count = (db: Db, where: string) => db.$client.prepare(`SELECT count(*) FROM requests WHERE ${where}`).pluck().get() as number;

/** `n` records `daysAgo` days old, received then (so ingest does not refuse them as expired). */
async function seed(db: Db, prefix: string, n: number, daysAgo: number): Promise<void> {
  const at = Date.now() - daysAgo * DAY;
  const records = Array.from({ length: n }, (_, i) => ({ request_id: `${prefix}_${i}`, timestamp: new Date(at - i * 60_000).toISOString(), status: 200 }));
  await processBatch(sqliteStoreOn(db), enc(records), { token_id: null, received_ms: at });
}

async function until(what: string, check: () => boolean, timeoutMs = 90_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

let server: TestServer | undefined;
afterAll(async () => {
  await server?.stop();
});

describe('scheduled retention', () => {
  test('a server started on old records prunes them without receiving anything', async () => {
    const file = tempDatabasePath('errata-retention-start');
    const db = openDatabase(file);
    await seed(db, 'old', 300, RETENTION_DAYS + 10);
    await seed(db, 'fresh', 100, 1);
    const cutoff = retentionCutoff(Date.now(), RETENTION_DAYS);
    expect(count(db, `ts_ms < ${cutoff}`)).toBe(300);
    server = await startServer({ databasePath: file, env: { ERRATA_RETENTION_DAYS: String(RETENTION_DAYS) } });
    await until('the start-up prune', () => count(db, `ts_ms < ${cutoff}`) === 0);
    expect(count(db, `ts_ms >= ${cutoff}`)).toBe(100);
    db.$client.close();
  }, 180_000);

  test('the writer prunes again every interval while nothing is sent', async () => {
    const file = tempDatabasePath('errata-retention-interval');
    const db = openDatabase(file);
    await seed(db, 'fresh', 50, 1);
    const writer = new Writer({ databasePath: file, queueLimit: 4, retentionIntervalMs: 1_000, worker: { file: path.resolve(__dirname, '../../ingest/writer-worker-dev.mjs') } });
    try {
      writer.start();
      const cutoff = retentionCutoff(Date.now(), RETENTION_DAYS);
      // Records older than the window appear after the start-up prune (a restored backup, another process): the next
      // scheduled run removes them.
      await new Promise((r) => setTimeout(r, 3_000));
      await seed(db, 'late', 200, RETENTION_DAYS + 5);
      expect(count(db, `ts_ms < ${cutoff}`)).toBe(200);
      await until('the next scheduled prune', () => count(db, `ts_ms < ${cutoff}`) === 0);
      expect(count(db, `ts_ms >= ${cutoff}`)).toBe(50);
    } finally {
      await writer.close();
      db.$client.close();
    }
  }, 180_000);
});
