// Cost of one alert-evaluation tick of all default rules over a stored database, against a floor measured on the
// same file in the same run: for each rule, the bare SQL over the newest window that any evaluator must run
// (rollup_minute grouped by the rule's split, or the raw rows by time index for the per-key rule).
// Used by bench/run.ts (on the floor's database) and scripts/bench-alerts.ts (on any database).
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { AlertEvaluator } from '@/alerts/evaluator';
import { openDatabase } from '@/db/client';
import { listAlertRules } from '@/db/queries/alerts';
import { sqliteStoreOn } from '@/db/sqlite/store';
import type { RuleSpec } from '@/lib/alert-rules';
import { WINDOW_MS } from '@/lib/alert-kinds';
import type { Measure } from './report';

export interface AlertTickRun {
  records: number;
  rules: number;
  /** First start: a day of catch-up for every rule, then evaluation resumes each minute. */
  catchup_ms: number;
  catchup_windows: number;
  /** Steady ticks: one new window per rule, the history window cache warm (the server's usual minute). */
  steady_ms: number[];
  steady_median_ms: number;
  /** CPU time of this process per steady tick (median): on a loaded machine, wall time is mostly waiting. */
  steady_cpu_median_ms: number;
  /** The first tick after a restart: one new window per rule, cache cold (every history window read again). */
  cold_ms: number;
  /** Bare SQL for the same windows, once per rule per tick (median over the steady ticks). */
  floor_ms: number;
  alerts_opened: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : 0;
};

/** The split's column on rollup_minute (status class without a split); null when only the raw rows have it. */
function rollupColumn(spec: RuleSpec): string | null {
  if (spec.split === null) return 'status / 100';
  if (spec.split === 'code' || spec.split === 'tier') return spec.split;
  return null;
}

/**
 * Runs on `file` as it is: the evaluator writes alert metadata into it (pass a copy, or a file about to be removed).
 * Evaluation starts a day before the last stored record, so the steady ticks judge windows that hold data.
 */
export async function measureAlertTick(file: string, opts: { steadyTicks?: number } = {}): Promise<AlertTickRun> {
  const db = openDatabase(file);
  try {
    const sqlite = db.$client;
    const records = sqlite.prepare('SELECT count(*) FROM requests').pluck().get() as number;
    const last = (sqlite.prepare('SELECT max(ts_ms) FROM requests').pluck().get() as number | null) ?? Date.now();
    const W = WINDOW_MS['5m'];
    let now = Math.floor((last - 86_400_000) / W) * W + 2 * 60_000;
    const make = () => new AlertEvaluator({ db, store: sqliteStoreOn(db), baseUrl: 'http://localhost:3000', now: () => now, maxWindowsPerTick: 100_000 });
    const ev = make();
    const t0 = performance.now();
    const first = await ev.tick();
    const catchup_ms = performance.now() - t0;
    const rules = listAlertRules(db)
      .filter((r) => r.enabled)
      .map((r) => JSON.parse(r.spec) as RuleSpec);

    const bare = rules.map((spec) => {
      const col = rollupColumn(spec);
      return col
        ? sqlite.prepare(`SELECT ${col} AS v, sum(count) AS requests, sum(CASE WHEN status >= 400 THEN count ELSE 0 END) AS errors FROM rollup_minute WHERE bucket_ms >= ? AND bucket_ms < ? GROUP BY 1`)
        : sqlite.prepare(`SELECT ${spec.split === 'route' ? 'route' : 'key_id'} AS v, count(*) AS requests, sum(status >= 400) AS errors FROM requests WHERE ts_ms >= ? AND ts_ms < ? GROUP BY 1`);
    });
    const steady: number[] = [];
    const steadyCpu: number[] = [];
    const floors: number[] = [];
    for (let i = 0; i < (opts.steadyTicks ?? 6); i++) {
      now += W;
      const t = performance.now();
      const c = process.cpuUsage();
      await ev.tick();
      steady.push(performance.now() - t);
      const cu = process.cpuUsage(c);
      steadyCpu.push((cu.user + cu.system) / 1000);
      const end = Math.floor(now / W) * W;
      const f = performance.now();
      rules.forEach((spec, j) => bare[j].all(end - WINDOW_MS[spec.window], end));
      floors.push(performance.now() - f);
    }
    now += W;
    const tc = performance.now();
    await make().tick();
    const cold_ms = performance.now() - tc;
    const alerts_opened = sqlite.prepare('SELECT count(*) FROM alert_events').pluck().get() as number;
    return {
      records,
      rules: first.rules,
      catchup_ms,
      catchup_windows: first.windows,
      steady_ms: steady,
      steady_median_ms: median(steady),
      steady_cpu_median_ms: median(steadyCpu),
      cold_ms,
      floor_ms: median(floors),
      alerts_opened,
    };
  } finally {
    db.$client.close();
  }
}

/** A copy of `src` (VACUUM INTO: consistent even while another process writes) in `dir`, for a measure that writes. */
export function copyDatabase(src: string, dir: string): string {
  const file = path.join(dir, `alerts-${process.pid}.db`);
  for (const s of ['', '-wal', '-shm']) fs.rmSync(file + s, { force: true });
  const s = openDatabase(src, { readonly: true });
  try {
    s.$client.exec(`VACUUM INTO '${file.replace(/'/g, "''")}'`);
  } finally {
    s.$client.close();
  }
  return file;
}

/** The row of the results table: the steady tick against the bare SQL floor, and the 1-second target. */
export function alertMeasure(run: AlertTickRun | null, error: string | null): Measure {
  const ms = (x: number) => (x < 10 ? `${x.toFixed(2)} ms` : `${x.toFixed(0)} ms`);
  return {
    id: 'alert_tick',
    measure: 'alert evaluation: one tick of all default rules over the stored data',
    errata: run
      ? `steady tick ${ms(run.steady_median_ms)} (${ms(run.steady_cpu_median_ms)} CPU; ${run.rules} rules, one new window each); after a restart ${ms(run.cold_ms)}; first start with a day of catch-up (${run.catchup_windows} windows) ${(run.catchup_ms / 1000).toFixed(1)} s`
      : error
        ? `failed: ${error}`
        : 'not measured yet',
    floor: run ? `bare SQL over the same windows, once per rule: ${ms(run.floor_ms)}` : '—',
    ratio: run ? run.steady_median_ms / run.floor_ms : null,
    ratio_text: run ? `${(run.steady_median_ms / run.floor_ms).toFixed(0)}× the floor` : '—',
    target: 'well under 1 s per tick (issue 14: at 10M records)',
    met: run ? run.steady_median_ms < 500 && run.cold_ms < 1000 : error ? false : null,
    figures: run ? { ...run } : {},
  };
}
