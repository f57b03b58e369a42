// Ingest throughput with and without the client-behaviour fields, through processBatch into a fresh file database
// (the writer's pragmas, synchronous=FULL). Runs on any checkout: on one without the fields they are ignored.
//   npx tsx scripts/bench-behaviour.ts [records=200000] [variant=plain|fields] [runs=2]
import { sqliteStoreOn } from '@/db/sqlite/store';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '@/db/client';
import { processBatch } from '@/ingest';
import { trafficLines } from '@/demo/traffic';

const records = Number(process.argv[2] ?? 200_000);
const variant = process.argv[3] ?? 'plain';
const runs = Number(process.argv[4] ?? 2);
const BATCH = 5000;

const lines: string[] = [];
let i = 0;
for (const line of trafficLines({ seed: 'bench-behaviour', count: records, keys: 400, days: 2 })) {
  if (variant === 'fields') {
    const o = JSON.parse(line) as Record<string, unknown>;
    o.user_agent = i % 3 === 0 ? 'acme-sync/2.3.1 python-requests/2.31' : 'node-fetch/3.3';
    if (o.method === 'POST') {
      o.idempotency_key = `idem_${(i >> 1).toString(36)}`;
      o.request_fingerprint = `sha256:${(i * 2654435761 >>> 0).toString(16)}`;
      o.idempotent_replayed = i % 2 === 1;
    }
    lines.push(JSON.stringify(o));
  } else lines.push(line);
  i++;
}
const chunks: Buffer[] = [];
for (let k = 0; k < lines.length; k += BATCH) chunks.push(Buffer.from(lines.slice(k, k + BATCH).join('\n')));

for (let run = 0; run < runs; run++) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-behaviour-'));
  const db = openDatabase(path.join(dir, 'errata.db'));
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  let accepted = 0;
  for (const c of chunks) accepted += (await processBatch(sqliteStoreOn(db), c, { token_id: null, received_ms: Date.now() })).accepted;
  const s = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpu_s = (cpu.user + cpu.system) / 1e6;
  const facts = (() => {
    try {
      return db.$client.prepare('SELECT (SELECT count(*) FROM behaviour_limits) || \'/\' || (SELECT count(*) FROM behaviour_futile)').pluck().get();
    } catch {
      return 'n/a';
    }
  })();
  console.log(JSON.stringify({ variant, run, records: accepted, seconds: +s.toFixed(2), per_s: Math.round(accepted / s), cpu_s: +cpu_s.toFixed(2), per_cpu_s: Math.round(accepted / cpu_s), facts }));
  db.$client.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
