// Cost of alert evaluation, alone: `npx tsx scripts/bench-alerts.ts --db /tmp/x.db` (a copy is measured: the
// evaluator writes its metadata), or `--records 1000000` to load the bench's generated data (cached in
// /tmp/errata-bench-data) into a fresh database first, as `npm run bench` does. The measure is bench/alerts.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { measureAlertTick, copyDatabase } from '../bench/alerts';
import { prepareDatasetAsync } from '../bench/dataset';
import { floorInsert } from '../bench/floor';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'errata-bench-alerts-'));
const log = (s: string) => process.stdout.write(`[bench-alerts] ${s}\n`);
try {
  let file: string;
  if (arg('db')) {
    file = copyDatabase(arg('db')!, dir);
  } else {
    const records = Number(arg('records') ?? 1_000_000);
    const ds = await prepareDatasetAsync({ records, seed: Number(arg('seed') ?? 7), batchSize: 5000, cacheDir: path.join(os.tmpdir(), 'errata-bench-data'), log });
    file = path.join(dir, 'floor.db');
    const t = Date.now();
    await floorInsert(file, ds, (n) => {
      if (n % 1_000_000 < 5000) log(`loaded ${n.toLocaleString('en')} lines`);
    });
    log(`loaded in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  }
  const r = await measureAlertTick(file);
  log(`${r.records.toLocaleString('en')} records, ${r.rules} default rules`);
  log(`first start (a day of catch-up, ${r.catchup_windows} windows): ${r.catchup_ms.toFixed(0)} ms`);
  log(`steady tick (one new window per rule, warm cache): ${r.steady_ms.map((x) => x.toFixed(0)).join(', ')} ms; median ${r.steady_median_ms.toFixed(1)} ms (${r.steady_cpu_median_ms.toFixed(1)} ms CPU)`);
  log(`tick after a restart (cold cache): ${r.cold_ms.toFixed(0)} ms`);
  log(`floor (bare SQL over the same windows): ${r.floor_ms.toFixed(2)} ms; steady tick ${(r.steady_median_ms / r.floor_ms).toFixed(1)}× the floor`);
  log(`alerts opened: ${r.alerts_opened}`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
