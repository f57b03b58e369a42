// `tsx bench/profile.ts [--records N] [--batches B]`: where the ingest pipeline spends its time, stage by
// stage, in CPU seconds (robust on a busy shared machine) next to the floor's bare stages on the same batches.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { openSqliteStore } from '@/db/sqlite/store';
import { prepareBatch } from '@/ingest/index';
import { toRow as productRow } from '@/ingest/rows';
import { prepareDataset, readBatchGzip } from './dataset';
import { createEmptyDatabase, floorInsertRows, toRow } from './floor';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

const records = arg('--records', 1_000_000);
const maxBatches = arg('--batches', 40);
const ds = prepareDataset({ records, seed: 7, batchSize: 5000, cacheDir: path.join(os.tmpdir(), 'errata-bench-data'), log: console.log });
const n = Math.min(maxBatches, ds.batches.length);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'errata-profile-'));

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const stage: Record<string, number> = {};
const add = (k: string, since: number) => (stage[k] = (stage[k] ?? 0) + cpu() - since);

// Product stages, as the writer worker runs them (decode happens in the route's main thread).
const store = openSqliteStore(path.join(dir, 'product.db'));
let lines = 0;
for (let b = 0; b < n; b++) {
  const gz = readBatchGzip(ds, b);
  let t = cpu();
  const bytes = zlib.gunzipSync(gz);
  add('product gunzip', t);
  t = cpu();
  const prepared = prepareBatch(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const rows = prepared.records.map(productRow);
  add('product parse+normalize+validate+row', t);
  t = cpu();
  await store.writeBatch(rows, { token_id: 1, received_ms: Date.now(), rejected: prepared.errors.length, rejections: prepared.samples });
  add('product write (writeBatch)', t);
  lines += ds.batches[b].lines;
}
await store.close();

// Floor stages on the same batches.
const floorFile = path.join(dir, 'floor.db');
createEmptyDatabase(floorFile);
const insert = floorInsertRows(floorFile);
for (let b = 0; b < n; b++) {
  const gz = readBatchGzip(ds, b);
  let t = cpu();
  const text = zlib.gunzipSync(gz).toString('utf8');
  add('floor gunzip', t);
  t = cpu();
  const rows = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const r = toRow(line, Date.now());
    if (r) rows.push(r);
  }
  add('floor JSON.parse + map', t);
  t = cpu();
  insert.write(rows);
  add('floor write', t);
}
insert.close();
fs.rmSync(dir, { recursive: true, force: true });

console.log(`${lines.toLocaleString('en')} lines in ${n} batches; CPU µs per line:`);
for (const [k, v] of Object.entries(stage)) console.log(`  ${k.padEnd(36)} ${((v / lines) * 1e6).toFixed(1).padStart(7)} µs  (${(lines / v / 1000).toFixed(1)}k lines per CPU-s)`);
