// CSV export and 30-day aggregates beside their floors, in one process on one database:
// `npx tsx scripts/bench-export.ts --db /tmp/x.db [--days 30] [--skip-aggregates] [--skip-export] [--chunk 65536]`. Fill a database first with
// scripts/bench-read.ts. The export is timed in-process (no HTTP): the route's stream drained as a client would,
// next to bench/floor.ts's floorCsv (bare .raw().iterate() → minimal CSV → /dev/null) on the same file, same range.
import { performance } from 'node:perf_hooks';
import { openDatabase, READER_CACHE_KIB } from '@/db/client';
import { requestsCsvStream } from '@/db/queries/export';
import { getBreakdown, getSummary, getTimeseries } from '@/db/queries/stats';
import { REQUEST_CSV_COLUMNS } from '@/lib/csv';
import { parseFilters } from '@/lib/filters';
import { floorCsv, openBare, ROLLUP_SQL, timeQuery } from '../bench/floor';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const file = arg('db', '/tmp/errata-bench-read-1000000.db');
const days = Number(arg('days', '30'));

function cpuMs(fn: () => unknown, runs: number): { wall: number; cpu: number } {
  fn();
  const w: number[] = [];
  const c: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const u = process.cpuUsage();
    fn();
    const d = process.cpuUsage(u);
    w.push(performance.now() - t);
    c.push((d.user + d.system) / 1000);
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { wall: Math.round(med(w)), cpu: Math.round(med(c)) };
}

async function main() {
  // The server's read connection's page cache, so RSS compares with the server's.
  const db = openDatabase(file, { migrate: false, cacheKiB: READER_CACHE_KIB });
  const maxTs = (db.$client.prepare('select max(ts_ms) m from requests').get() as { m: number }).m;
  const end = Math.ceil((maxTs + 1) / 86_400_000) * 86_400_000;
  const now = end - 43 * 60_000; // a range with partial edge hours, as the default range always has
  const f = parseFilters(new URLSearchParams(`from=now-${days}d`), { now });

  if (!process.argv.includes('--skip-aggregates')) {
    const bare = openBare(file, true);
    for (const [name, sqlText] of Object.entries(ROLLUP_SQL)) {
      const t = timeQuery(bare, sqlText, f.from, f.to, 3);
      console.log(`bare rollup ${name}: ${t.median_ms.toFixed(0)} ms`);
    }
    bare.close();
    console.log('summary 30d (+previous):', cpuMs(() => getSummary(db, f), 5));
    console.log('breakdown by key 30d:', cpuMs(() => getBreakdown(db, f, { by: 'key', limit: 50 }), 5));
    console.log('breakdown by code 30d:', cpuMs(() => getBreakdown(db, f, { by: 'code' }), 5));
    console.log('hourly series 30d:', cpuMs(() => getTimeseries(db, f, { interval: 'hour' }), 5));
    console.log('hourly series by status_class 30d:', cpuMs(() => getTimeseries(db, f, { interval: 'hour', by: 'status_class' }), 5));
  }

  if (process.argv.includes('--skip-export')) return;
  // --skip-floor: product only (a memory check); the ratio is then against nothing.
  const floor = process.argv.includes('--skip-floor') ? { rows: 0, bytes: 0, seconds: 0, rows_per_s: NaN } : floorCsv(file, [...REQUEST_CSV_COLUMNS], f.from, f.to);
  console.log(`floor: ${floor.rows} rows, ${(floor.bytes / 1e6).toFixed(0)} MB in ${floor.seconds.toFixed(1)} s = ${Math.round(floor.rows_per_s)} rows/s`);

  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  let rssMax = rss0;
  const t = performance.now();
  const cpu0 = process.cpuUsage();
  const chunkChars = Number(arg('chunk', '65536'));
  const reader = requestsCsvStream(db, f, { chunkBytes: chunkChars }).getReader();
  let bytes = 0;
  let rows = -1;
  const total = floor.rows || (db.$client.prepare('select count(*) n from requests where ts_ms >= ? and ts_ms < ?').get(f.from, f.to) as { n: number }).n;
  let rssQuarter = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    for (let i = value.indexOf(10); i !== -1; i = value.indexOf(10, i + 1)) rows++;
    rssMax = Math.max(rssMax, process.memoryUsage().rss);
    if (!rssQuarter && rows >= total / 4) rssQuarter = process.memoryUsage().rss;
  }
  const s = (performance.now() - t) / 1000;
  const cpuS = ((d) => (d.user + d.system) / 1e6)(process.cpuUsage(cpu0));
  const heap = process.memoryUsage();
  console.log(
    `product: ${rows} rows (lines), ${(bytes / 1e6).toFixed(0)} MB in ${s.toFixed(1)} s = ${Math.round(rows / s)} rows/s, ` +
      `${Math.round(rows / cpuS)} rows/CPU-s; ratio ${(rows / s / floor.rows_per_s).toFixed(2)}×; ` +
      `RSS ${Math.round(rss0 / 1e6)} → ${Math.round(rssQuarter / 1e6)} at a quarter → max ${Math.round(rssMax / 1e6)} MB; ` +
      `heap ${Math.round(heap.heapTotal / 1e6)} MB, external ${Math.round(heap.external / 1e6)} MB`,
  );
  if (global.gc) {
    global.gc();
    const m = process.memoryUsage();
    console.log(`after a full GC: heap used ${Math.round(m.heapUsed / 1e6)} MB of ${Math.round(m.heapTotal / 1e6)} MB, RSS ${Math.round(m.rss / 1e6)} MB`);
  }
}

main();
