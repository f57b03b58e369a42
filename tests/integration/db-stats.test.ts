// The metrics' row counts come from the store's counts(), which on SQLite sums the daily rollup rather than scanning
// the records: it must equal the stored records, through ingest (with duplicates and keyless records) and retention.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { openDatabase } from '@/db/client';
import { readMetaDbStats } from '@/db/queries/db-stats';
import { pruneRetention } from '@/db/queries/retention';
import { sqliteStoreOn } from '@/db/sqlite/store';
import { processBatch } from '@/ingest';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'errata-db-stats-'));
const db = openDatabase(path.join(dir, 'errata.db'));
afterAll(() => {
  db.$client.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const DAY = 86_400_000;
const now = Date.now();
const lines = (from: number, n: number, ageDays: number) =>
  new TextEncoder().encode(
    Array.from({ length: n }, (_, i) =>
      JSON.stringify({
        request_id: `s_${from + i}`,
        timestamp: new Date(now - ageDays * DAY - i * 1000).toISOString(),
        status: i % 4 === 0 ? 429 : 200,
        ...(i % 3 === 0 ? {} : { key_id: `k_${i % 5}`, account_id: 'a' }),
        ...(i % 4 === 0 ? { response_body: JSON.stringify({ error: { code: 'rate_limited', message: 'slow down' } }) } : {}),
      }),
    ).join('\n'),
  );

test('errata_rows{table="requests"} equals the stored records', async () => {
  const stored = () => db.$client.prepare('SELECT count(*) FROM requests').pluck().get() as number;
  await processBatch(sqliteStoreOn(db), lines(0, 500, 0), { token_id: null });
  await processBatch(sqliteStoreOn(db), lines(250, 500, 0), { token_id: null });
  await processBatch(sqliteStoreOn(db), lines(10_000, 300, 40), { token_id: null, min_ts_ms: 0 });
  // Overlapping ids are duplicates only where (request_id, code) repeats; the 40-day-old ones are pruned below.
  const before = stored();
  expect(before).toBeGreaterThan(1000);
  const store = sqliteStoreOn(db);
  expect((await store.counts()).requests).toBe(before);
  pruneRetention(db, { days: 30 });
  expect(stored()).toBe(before - 300);
  expect((await store.counts()).requests).toBe(before - 300);
  expect(readMetaDbStats(db).bytes.main).toBeGreaterThan(0);
});
