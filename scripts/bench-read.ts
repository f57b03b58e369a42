// Read-path latency at scale: `npx tsx scripts/bench-read.ts --records 1000000 [--db /tmp/x.db]`.
// Fills a temp database from demo/traffic.ts through the ingest pipeline (reused when it exists), then times a
// lookup, a 30-day breakdown by key, a 30-day hourly series and the CSV export. Not the product bench (npm run bench).
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '@/db/client';
import { requestsCsvStream } from '@/db/queries/export';
import { getRequestById, lookupRequestIds } from '@/db/queries/requests';
import { getBreakdown, getSummary, getTimeseries } from '@/db/queries/stats';
import { prepareBatch } from '@/ingest';
import { writeRecords } from '@/ingest/write';
import { parseFilters } from '@/lib/filters';
import { trafficChunks } from '@/demo/traffic';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const records = Number(arg('records', '1000000'));
const file = arg('db', `/tmp/errata-bench-read-${records}.db`);
/** Days of records the CSV export covers (the whole 30 at 1M; fewer at 10M keeps the run short on a shared machine). */
const csvDays = Number(arg('csv-days', '30'));
const DAY = 86_400_000;
const end = Date.UTC(2026, 10, 1);
const start = end - 30 * DAY;

function fill() {
  const db = openDatabase(file);
  db.$client.pragma('synchronous = OFF'); // a throwaway bench file: durability is not what is measured here
  const t0 = performance.now();
  let n = 0;
  const enc = new TextEncoder();
  for (const chunk of trafficChunks({ seed: 7, count: records, start, end, keys: 1000 }, 50_000)) {
    const { records: recs } = prepareBatch(enc.encode(chunk));
    n += writeRecords(db, recs, { token_id: null, received_ms: Date.now() }).accepted;
    if ((n / 50_000) % 10 < 1) console.error(`  ${n} rows, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  console.error(`filled ${n} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  db.$client.close();
}

function time<T>(label: string, runs: number, fn: () => T): number[] {
  fn(); // warm the page cache and prepared statements
  const ms: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    fn();
    const d = process.cpuUsage(c);
    ms.push(performance.now() - t);
    cpu.push((d.user + d.system) / 1000);
  }
  // Wall time suffers on a shared machine; CPU time of this process is the steadier figure.
  const p = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))].toFixed(2);
  console.log(`${label}: wall p50 ${p(ms, 0.5)} ms, p99 ${p(ms, 0.99)} ms; cpu p50 ${p(cpu, 0.5)} ms, p99 ${p(cpu, 0.99)} ms (${runs} runs)`);
  return ms;
}

async function main() {
  if (!fs.existsSync(file)) fill();
  const db = openDatabase(file, { migrate: false });
  const rows = db.$client.prepare('select count(*) n from requests').get() as { n: number };
  console.log(`database: ${file}, ${rows.n} records, ${(fs.statSync(file).size / 1e9).toFixed(2)} GB`);
  const ids = (db.$client.prepare('select request_id from requests where id % 997 = 0 limit 400').all() as { request_id: string }[]).map((r) => r.request_id);
  let i = 0;
  time('lookup getRequestById (with key neighbourhood)', 400, () => getRequestById(db, ids[i++ % ids.length]));
  const email = `Hi, these failed: ${ids.slice(0, 20).join(', request id ')} and req_missing_1.`;
  time('lookupRequestIds (email with 21 ids)', 50, () => lookupRequestIds(db, email));
  // "now" 17 min past an hour: the range has partial edge hours, as the default range always does.
  const now = end - 43 * 60_000;
  const f30 = parseFilters(new URLSearchParams('from=now-30d'), { now });
  time('30-day summary (with the previous 30 days)', 3, () => getSummary(db, f30));
  time('30-day breakdown by key (limit 50)', 5, () => getBreakdown(db, f30, { by: 'key', limit: 50 }));
  time('30-day breakdown by code', 5, () => getBreakdown(db, f30, { by: 'code' }));
  time('30-day hourly series', 10, () => getTimeseries(db, f30, { interval: 'hour' }));
  time('30-day hourly series by status_class', 10, () => getTimeseries(db, f30, { interval: 'hour', by: 'status_class' }));
  const key = (db.$client.prepare('select key_id from requests where key_id is not null limit 1').get() as { key_id: string }).key_id;
  const fKey = parseFilters(new URLSearchParams({ from: 'now-30d', key }), { now });
  time('30-day hourly series, one key', 10, () => getTimeseries(db, fKey, { interval: 'hour' }));
  const t = performance.now();
  const cpu0 = process.cpuUsage();
  const fCsv = parseFilters(new URLSearchParams(`from=now-${csvDays}d`), { now });
  const body = requestsCsvStream(db, fCsv);
  let bytes = 0;
  const reader = body.getReader();
  const rss0 = process.memoryUsage().rss;
  let rssMax = rss0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    rssMax = Math.max(rssMax, process.memoryUsage().rss);
  }
  const s = (performance.now() - t) / 1000;
  const cpuS = ((d) => (d.user + d.system) / 1e6)(process.cpuUsage(cpu0));
  const count = (db.$client.prepare('select count(*) n from requests where ts_ms >= ? and ts_ms < ?').get(fCsv.from, fCsv.to) as { n: number }).n;
  console.log(`CSV export (${csvDays} days): ${count} rows, ${(bytes / 1e6).toFixed(0)} MB in ${s.toFixed(1)} s = ${Math.round(count / s)} rows/s wall, ${Math.round(count / cpuS)} rows/s of CPU; RSS ${Math.round(rss0 / 1e6)} → max ${Math.round(rssMax / 1e6)} MB`);
}

main();
