// The bench's peers answer the same questions as errata: the sqlite3 shell's CSV holds the export's cells, and the
// PostgreSQL peer stores the same rows and counts the same totals as the SQLite floor. A missing program fails with
// the command that installs it (.ci/run installs both).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '@/db/client';
import { requestsCsvStream } from '@/db/queries/export';
import { parseFilters } from '@/lib/filters';
import { prepareDataset } from '../../bench/dataset';
import { floorInsert, openBare, RAW_SCAN_SQL, timeQuery, type AggregateName } from '../../bench/floor';
import { findPostgresBin, runPostgresPeer } from '../../bench/postgres';
import { findSqliteCli, sqliteCliCsv } from '../../bench/sqlite-cli';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'errata-bench-peers-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const ds = prepareDataset({ records: 20_000, seed: 7, batchSize: 5000, cacheDir: path.join(os.tmpdir(), 'errata-bench-data'), log: () => {} });
let floorFile: string | null = null;
async function floorDb(): Promise<string> {
  if (!floorFile) {
    floorFile = path.join(dir, 'floor.db');
    await floorInsert(floorFile, ds);
  }
  return floorFile;
}

describe('bench: the sqlite3 shell peer of the CSV export', () => {
  it('writes the export\'s cells, row for row', { timeout: 60_000 }, async () => {
    expect(findSqliteCli(), 'the sqlite3 shell is missing: apt-get install -y sqlite3').toBeTruthy();
    const file = await floorDb();
    const filters = parseFilters(new URLSearchParams(`from=${new Date(ds.start_ms).toISOString()}&to=${new Date(ds.end_ms).toISOString()}`));
    const db = openDatabase(file, { migrate: false });
    const chunks: Buffer[] = [];
    const reader = requestsCsvStream(db, filters).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(Buffer.from(value));
    }
    db.$client.close();
    const product = parse(Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, '')) as string[][];
    const out = path.join(dir, 'cli.csv');
    const cli = await sqliteCliCsv(file, product[0], ds.start_ms, ds.end_ms, { out });
    const shell = parse(fs.readFileSync(out, 'utf8')) as string[][];
    expect(cli.rows).toBe(product.length - 1);
    expect(shell.length).toBe(product.length);
    // The shell prints a REAL 12 as 12.0, and has no formula guard (the product's leading ' before = + - @).
    const cell = (v: string) => v.replace(/^(-?\d+)\.0$/, '$1').replace(/^'(?=[=+\-@])/, '');
    for (let i = 0; i < product.length; i++) expect(shell[i].map(cell), `line ${i + 1}`).toEqual(product[i].map(cell));
  });
});

describe('bench: the PostgreSQL peer', () => {
  it('stores the floor\'s rows, counts its totals, and leaves nothing behind', { timeout: 120_000 }, async () => {
    expect(findPostgresBin(), 'PostgreSQL is missing: apt-get install -y postgresql').toBeTruthy();
    const file = await floorDb();
    const before = new Set(fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('errata-pg-')));
    const peer = await runPostgresPeer(ds, { runs: 1, log: () => {} });
    const sqlite = openBare(file, true);
    const stored = (sqlite.prepare('SELECT count(*) AS n FROM requests').get() as { n: number }).n;
    expect(peer.load.inserted).toBe(stored);
    for (const name of Object.keys(RAW_SCAN_SQL) as AggregateName[]) {
      const raw = timeQuery(sqlite, RAW_SCAN_SQL[name], ds.start_ms, ds.end_ms, 1);
      expect(peer.queries[name].total_requests, name).toBe(raw.total_requests);
      expect(peer.queries[name].rows, name).toBe(raw.rows);
    }
    sqlite.close();
    const after = fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('errata-pg-') && !before.has(n));
    expect(after).toEqual([]);
  });
});
