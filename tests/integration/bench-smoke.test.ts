// `npm run bench -- --quick` still runs end to end and writes a well-formed table. Times are never asserted:
// they belong to the bench's own same-run ratios, not to a test on a shared machine.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '@/db/client';
import { sqliteStoreOn } from '@/db/sqlite/store';
import { processBatch } from '@/ingest';
import { prepareDataset, readBatchGzip, readBatchLines } from '../../bench/dataset';
import { createEmptyDatabase, floorInsertRows, openBare, toRow, type Row } from '../../bench/floor';

const root = path.resolve(__dirname, '../..');
const distDir = process.env.NEXT_DIST_DIR || '.next';
const built = fs.existsSync(path.join(root, distDir, 'BUILD_ID'));

const MEASURES = [
  'http_ingest',
  'import',
  'lookup',
  'lookup_during_csv_ingest',
  'hostile_lookup',
  'breakdown_key',
  'breakdown_code',
  'hourly_status_class',
  'overview',
  'csv_export',
  'csv_export_vs_sqlite3',
  'alert_tick',
  'server_rss',
  'postgres_ingest',
  'postgres_breakdown_key',
  'postgres_breakdown_code',
  'postgres_hourly_status_class',
  'behaviour_ingest',
];

interface Results {
  scale: string;
  machine: { cores: number };
  software: { node: string };
  data: { lines: number; unique: number };
  measures: { id: string; measure: string; errata: string; target: string; met: boolean | null; figures: Record<string, any> }[];
  notes: string[];
}

describe('npm run bench -- --quick', () => {
  it('runs every measure and writes latest.md and latest.json', { timeout: 180_000 }, () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'errata-bench-smoke-'));
    const work = path.join(out, 'work');
    const res = spawnSync(
      process.execPath,
      [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'bench/run.ts', '--quick', '--out', out, '--work', work, '--dist', distDir],
      { cwd: root, encoding: 'utf8', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' }, timeout: 170_000 },
    );
    expect(res.status, `${res.stdout}\n${res.stderr}`).toBe(0);

    const json = JSON.parse(fs.readFileSync(path.join(out, 'latest.json'), 'utf8')) as Results;
    expect(json.scale).toBe('quick');
    expect(json.software.node).toBe(process.versions.node);
    expect(json.data.lines).toBe(20_000);
    expect(json.measures.map((m) => m.id)).toEqual(MEASURES);
    const floor = json.measures.find((m) => m.id === 'http_ingest')!.figures.floor;
    expect(floor.inserted).toBe(json.data.unique);

    const md = fs.readFileSync(path.join(out, 'latest.md'), 'utf8');
    expect(md).toContain('| measure | errata | floor in the same run | ratio | target | met |');
    const rows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| measure') && !l.startsWith('| ---'));
    expect(rows).toHaveLength(MEASURES.length);
    for (const row of rows) expect(row.split(' | ')).toHaveLength(6);

    // The work folder (databases, scratch) is removed; only the results stay.
    expect(fs.existsSync(work)).toBe(false);

    if (built) {
      // With a production build every server measure ran against it and the data arrived whole.
      const ingest = json.measures.find((m) => m.id === 'http_ingest')!.figures.ingest;
      expect(ingest.accepted).toBe(json.data.unique);
      expect(json.measures.find((m) => m.id === 'lookup')!.figures.product.n).toBeGreaterThan(0);
      for (const id of ['breakdown_key', 'breakdown_code', 'hourly_status_class']) {
        expect(json.measures.find((m) => m.id === id)!.figures.product_ms).toBeGreaterThan(0);
      }
      expect(json.measures.find((m) => m.id === 'import')!.figures.import.stored).toBe(json.data.unique);
      expect(json.measures.find((m) => m.id === 'csv_export')!.figures.product.rows).toBe(json.data.unique);
      expect(json.notes.filter((n) => /not measured|exited|SKIPPED|No production build/i.test(n))).toEqual([]);
    } else {
      expect(res.stdout).toContain('NO PRODUCTION BUILD');
    }
  });
});

// The floor is only fair if it does the product's writes: the same rows and every rollup the product keeps.
describe('bench floor', () => {
  it('stores the same request rows and rollup rows as the product pipeline on the same data', { timeout: 120_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'errata-bench-floor-'));
    try {
      const ds = prepareDataset({ records: 20_000, seed: 7, batchSize: 5000, cacheDir: path.join(os.tmpdir(), 'errata-bench-data'), log: () => {} });
      const received = Date.UTC(2026, 0, 1);
      const floorFile = path.join(dir, 'floor.db');
      createEmptyDatabase(floorFile);
      const writer = floorInsertRows(floorFile);
      const productDb = openDatabase(path.join(dir, 'product.db'));
      for (let b = 0; b < ds.batches.length; b++) {
        const rows = readBatchLines(ds, b).map((l) => toRow(l, received)).filter((r): r is Row => r !== null);
        writer.write(rows, received);
        await processBatch(sqliteStoreOn(productDb), zlib.gunzipSync(readBatchGzip(ds, b)), { token_id: 1, received_ms: received });
      }
      writer.close();
      const floor = openBare(floorFile, true);
      const product = productDb.$client;
      const dump = (db: typeof floor, sql: string) => db.prepare(sql).all();
      const tables: Record<string, string> = {
        requests:
          'SELECT request_id, code, ts_ms, status, method, path, route, latency_ms, key_id, account_id, tier, message, details, reason, unknown_code, status_mismatch, token_id FROM requests ORDER BY request_id, code',
        rollup_minute: 'SELECT * FROM rollup_minute ORDER BY 1, 2, 3, 4, 5',
        rollup_code_hour: 'SELECT * FROM rollup_code_hour ORDER BY 1, 2, 3, 4, 5',
        rollup_hour: 'SELECT * FROM rollup_hour ORDER BY 1, 2, 3, 4, 5, 6, 7',
        rollup_day: 'SELECT * FROM rollup_day ORDER BY 1, 2, 3, 4, 5, 6, 7',
        rollup_key_hour: 'SELECT * FROM rollup_key_hour ORDER BY 1, 2, 3, 4, 5, 6, 7',
        rollup_key_day: 'SELECT * FROM rollup_key_day ORDER BY 1, 2, 3, 4, 5, 6, 7',
      };
      for (const [table, sql] of Object.entries(tables)) {
        const f = dump(floor, sql);
        expect(f.length, table).toBeGreaterThan(0);
        expect(f, table).toEqual(dump(product, sql));
      }
      // Every rollup table the product's schema has is one the floor writes.
      const rollups = (product.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'rollup%' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
      expect(rollups.filter((t) => !(t in tables))).toEqual([]);
      floor.close();
      product.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
