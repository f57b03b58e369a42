// Cost of alert evaluation on a stored database: `npx tsx scripts/bench-alerts.ts --db /tmp/x.db` (a copy is used:
// the evaluator writes its metadata). Measures the first start (a day of catch-up for the default rules), a steady
// tick (one new 5-minute window per rule, warm window cache) and a tick right after a restart (cold cache).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '@/db/client';
import { listAlertEvents, listAlertRules } from '@/db/queries/alerts';
import { AlertEvaluator } from '@/alerts/evaluator';
import { sqliteStoreOn } from '@/db/sqlite/store';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const src = arg('db', '/tmp/alerts-1m/errata.db');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'errata-bench-alerts-'));
const file = path.join(dir, 'errata.db');
const s = openDatabase(src, { readonly: true });
s.$client.exec(`VACUUM INTO '${file.replace(/'/g, "''")}'`);
s.$client.close();
const db = openDatabase(file);
const W = 5 * 60_000;
const end = (db.$client.prepare('SELECT max(ts_ms) FROM requests').pluck().get() as number) ?? Date.now();
const records = db.$client.prepare('SELECT count(*) FROM requests').pluck().get() as number;
let now = Math.floor(end / W) * W + 2 * 60_000;
const make = () => new AlertEvaluator({ db, store: sqliteStoreOn(db), baseUrl: 'http://localhost:3000', now: () => now, maxWindowsPerTick: 100_000 });

const t0 = performance.now();
const ev = make();
const first = await ev.tick();
console.log(`${records} records; first start (catch-up of 24 h, ${first.rules} rules, ${first.windows} windows): ${(performance.now() - t0).toFixed(0)} ms, ${(first.ms / first.windows).toFixed(1)} ms per window`);
const steady: number[] = [];
for (let i = 0; i < 6; i++) {
  now -= 0; // same data: re-judge the next windows as if time moved on
  now += W;
  steady.push((await ev.tick()).ms);
}
console.log(`steady tick (one new window for every rule, warm cache): ${steady.map((x) => x.toFixed(0)).join(', ')} ms`);
now += W;
const cold = await make().tick();
console.log(`tick after a restart (cold cache, one window per rule): ${cold.ms.toFixed(0)} ms`);
const names = new Map(listAlertRules(db).map((r) => [r.id, r.name]));
for (const e of listAlertEvents(db, { limit: 50 }).filter((e) => e.fired_ms)) console.log(`fired: ${names.get(e.rule_id)} [${e.group_value}] ${new Date(e.started_ms).toISOString()} ${e.state} observed ${e.observed} expected ${e.expected.toFixed(1)} (${e.baseline_source})`);
db.$client.close();
fs.rmSync(dir, { recursive: true, force: true });
