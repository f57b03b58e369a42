// The OTLP and /metrics measures inside `npm run bench`: bench/otlp.ts in a child process (it starts its own fresh
// servers on the same build), its ratio rows carried into the run's notes.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { BenchOptions } from './options';
import { root } from './server';

/** At most this many lines: the ratios need a few seconds per run, not the whole data set. */
const MAX_RECORDS = 200_000;

export function otlpPhase(opts: BenchOptions, log: (s: string) => void): string[] {
  const records = Math.min(opts.records, MAX_RECORDS);
  log(`otlp: bench/otlp.ts, ${records.toLocaleString('en')} lines, 2 rounds`);
  const res = spawnSync(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(root, 'bench/otlp.ts'), '--records', String(records), '--rounds', '2', '--dist', opts.distDir], {
    cwd: root,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 16 * 1024 * 1024,
  });
  if (res.status !== 0) return [`OTLP / metrics measures not measured: bench/otlp.ts exited ${res.status}: ${(res.stderr || res.stdout).trim().split('\n').slice(-3).join(' ')}`];
  const rows = res.stdout.split('\n').filter((l) => /^\| (OTLP protobuf|NDJSON ingest with|\/metrics scrape)/.test(l));
  for (const r of rows) log(`otlp: ${r}`);
  return rows.map((r) => `bench/otlp.ts (${records.toLocaleString('en')} lines, 2 rounds, medians): ${r.replace(/^\| | \|$/g, '').split(' | ').join(' · ')}`);
}
