// 30-day breakdowns by key/account against a raw-scan GROUP BY over the same range:
// `npx tsx scripts/bench-breakdown.ts --db /tmp/x.db [--migrate]` (wall and process CPU; the machine is shared).
import { performance } from 'node:perf_hooks';
import { openDatabase } from '@/db/client';
import { getBreakdown, getSummary } from '@/db/queries/stats';
import { parseFilters } from '@/lib/filters';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const file = arg('db', '/tmp/errata-bench-read-1000000.db');
const runs = Number(arg('runs', '3'));
const end = Date.UTC(2026, 10, 1);

function time(label: string, n: number, fn: () => unknown): number {
  fn(); // warm the page cache
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    fn();
    const d = process.cpuUsage(c);
    wall.push(performance.now() - t);
    cpu.push((d.user + d.system) / 1000);
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`${label}: cpu p50 ${med(cpu).toFixed(1)} ms, wall p50 ${med(wall).toFixed(1)} ms (${n} runs)`);
  return med(cpu);
}

const t0 = performance.now();
const db = openDatabase(file, { migrate: process.argv.includes('--migrate') });
console.log(`open${process.argv.includes('--migrate') ? ' + migrate' : ''}: ${(performance.now() - t0).toFixed(0)} ms`);
// "now" 43 min before a day's end: partial edge days and hours, as the default range always has.
const now = end - 43 * 60_000;
const f30 = parseFilters(new URLSearchParams('from=now-30d'), { now });
const byKey = time('30-day breakdown by key', runs, () => getBreakdown(db, f30, { by: 'key', limit: 50 }));
time('30-day breakdown by account', runs, () => getBreakdown(db, f30, { by: 'account', limit: 50 }));
time('30-day summary (and the previous 30 days)', runs, () => getSummary(db, f30));
const raw = db.$client.prepare(
  `SELECT coalesce(key_id, '') k, count(*) n, sum(status >= 400) e FROM requests NOT INDEXED WHERE ts_ms >= ? AND ts_ms < ? GROUP BY 1`,
);
const rawCpu = time('raw scan GROUP BY key (same range)', 1, () => raw.all(f30.from, f30.to));
const planned = db.$client.prepare(
  `SELECT coalesce(key_id, '') k, count(*) n, sum(status >= 400) e FROM requests WHERE ts_ms >= ? AND ts_ms < ? GROUP BY 1`,
);
const plannedCpu = time("raw GROUP BY key, planner's choice of index", 1, () => planned.all(f30.from, f30.to));
console.log(`ratio raw/breakdown by key (cpu): ${(rawCpu / byKey).toFixed(1)}x forced scan, ${(plannedCpu / byKey).toFixed(1)}x planner's plan`);
