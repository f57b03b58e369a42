// The requests CSV export over HTTP from a production build, beside bench/floor.ts's floorCsv on the same file:
// `NEXT_DIST_DIR=.next-x npx tsx scripts/bench-export-http.ts --db /tmp/x.db [--days 30] [--runs 2]` (runs on a copy that
// gets a bench token and user). Reports rows/s against the floor and the server group's RSS before and at its peak.
import fs from 'node:fs';
import { openDatabase } from '@/db/client';
import { floorCsv } from '../bench/floor';
import { csvExport, prepareServerDatabase } from '../bench/product';
import { startServer } from '../bench/server';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const source = arg('db', '/tmp/errata-bench-read-1000000.db');
const file = `${source}.http-${process.pid}.db`;
const days = Number(arg('days', '30'));
const runs = Number(arg('runs', '2'));
const distDir = process.env.NEXT_DIST_DIR ?? '.next';

async function main() {
  fs.copyFileSync(source, file);
  const db = openDatabase(file, { migrate: false });
  const maxTs = (db.$client.prepare('select max(ts_ms) m from requests').get() as { m: number }).m;
  db.$client.close();
  const to = Math.ceil((maxTs + 1) / 86_400_000) * 86_400_000;
  const from = to - days * 86_400_000;
  const creds = await prepareServerDatabase(file);
  // The data may be older than the default retention: keep it all.
  const server = await startServer({ databasePath: file, distDir, env: { ERRATA_RETENTION_DAYS: '3650' } });
  try {
    const mb = (b: number) => `${Math.round(b / 1048576)} MB`;
    const url = (f: number) => `${server.baseUrl}/api/v1/export/requests.csv?from=${f}&to=${to}`;
    // A one-day export first: the route's first call loads and compiles its modules, which is not the export's memory.
    const warm = await csvExport(url(to - 86_400_000), creds.token, server.pgid);
    console.log(`warm-up (1 day): ${warm.rows} rows; server RSS ${mb(warm.rss_before_bytes)} → peak ${mb(warm.rss_peak_bytes)}`);
    let csv = warm;
    for (let i = 0; i < runs; i++) {
      csv = await csvExport(url(from), creds.token, server.pgid);
      console.log(`http export ${i + 1}: ${csv.rows} rows in ${csv.seconds.toFixed(1)} s = ${Math.round(csv.rows_per_s)} rows/s; server RSS ${mb(csv.rss_before_bytes)} → peak ${mb(csv.rss_peak_bytes)}`);
    }
    const floor = floorCsv(file, csv.columns, from, to);
    console.log(`floor: ${floor.rows} rows = ${Math.round(floor.rows_per_s)} rows/s; ratio ${(csv.rows_per_s / floor.rows_per_s).toFixed(2)}×`);
  } finally {
    await server.stop();
    for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
