// Command-line options of `npm run bench`.
import os from 'node:os';
import path from 'node:path';
import { root } from './server';

export type Scale = 'quick' | '1m' | '10m';

export const SCALE_RECORDS: Record<Scale, number> = { quick: 20_000, '1m': 1_000_000, '10m': 10_000_000 };

export interface BenchOptions {
  scale: Scale;
  records: number;
  seed: number;
  /** Where latest.md / latest.json go (quick mode: a scratch folder, never the committed results). */
  outDir: string;
  /** Next.js dist dir of the production build to measure. */
  distDir: string;
  /** Run `npm run build` into distDir first (default for full runs; quick mode only reuses a build). */
  build: boolean;
  /** Where data files and databases live; removed at the end unless keep. */
  workDir: string;
  /** Reuse generated data across runs (keyed by seed, count and the day). */
  dataCacheDir: string;
  keep: boolean;
  /** Only generate (and cache) the data, then exit. */
  dataOnly: boolean;
  batchSize: number;
  senders: number;
  /** Lookups per second issued by the third client while ingest runs. */
  lookupRate: number;
}

const USAGE = `usage: npm run bench -- [--scale 1m|10m] [--quick] [--seed N] [--out DIR] [--dist DIR] [--no-build] [--keep] [--data-only]`;

export function parseOptions(argv: readonly string[]): BenchOptions {
  let scale: Scale = '1m';
  let seed = 7;
  let outDir: string | undefined;
  let distDir: string | undefined;
  let build: boolean | undefined;
  let keep = false;
  let dataOnly = false;
  let workDir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    if (a === '--quick') scale = 'quick';
    else if (a === '--scale') {
      const v = value().toLowerCase();
      if (v !== '1m' && v !== '10m' && v !== 'quick') throw new Error(`--scale must be 1m or 10m\n${USAGE}`);
      scale = v;
    } else if (a === '--seed') seed = Number(value());
    else if (a === '--out') outDir = value();
    else if (a === '--dist') distDir = value();
    else if (a === '--work') workDir = value();
    else if (a === '--build') build = true;
    else if (a === '--no-build') build = false;
    else if (a === '--keep') keep = true;
    else if (a === '--data-only') dataOnly = true;
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown option ${a}\n${USAGE}`);
  }
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer\n${USAGE}`);
    const quick = scale === 'quick';
  return {
    scale,
    records: SCALE_RECORDS[scale],
    seed,
    outDir: path.resolve(outDir ?? (quick ? path.join(root, 'bench/results/tmp') : path.join(root, 'bench/results'))),
    distDir: distDir ?? process.env.NEXT_DIST_DIR ?? (quick ? '.next' : '.next-bench'),
    build: build ?? !quick,
    workDir: workDir ?? path.join(os.tmpdir(), `errata-bench-${process.pid}`),
    dataCacheDir: path.join(os.tmpdir(), 'errata-bench-data'),
    keep,
    dataOnly,
    batchSize: 5000,
    senders: 2,
    lookupRate: quick ? 100 : 50,
  };
}

/**
 * Seconds per phase in earlier runs on this 2-core machine, to print how long a run will take. 10m: the
 * 2026-11-25 run at load 1.5–3 for floor, ingest, aggregates, overview; csv: 1,190 s then, but the export's
 * keyset fix (557005f) brings it near its floor (~60–100 s) plus the floor's ~55 s; import: no 10M figure yet,
 * the 1M run's CPU per line (29 µs; ingest's grew only 63 → 68 µs from 1M to 10M) times ten plus fsync waits;
 * data: uncached generation with gzip on the thread pool, 10.5 s per 1M at load 5, ×10 with margin; 1m: the
 * 2026-11-25T102336Z run at load 11–19; quick: a quick run with a build. postgres peer: no 1m or 10m run yet, the
 * 200k standalone run's time (bench/postgres.ts) scaled by the line count, with margin at 10m for B-tree indexes
 * that outgrow the server's shared buffers.
 */
const REFERENCE_S: Record<Scale, Record<string, number>> = {
  quick: { data: 1, build: 0, floor: 1, 'http ingest': 3, aggregates: 2, overview: 2, csv: 1, 'csv + ingest lookups': 1, import: 2, 'postgres peer': 5, 'floor again': 1 },
  '1m': { data: 12, build: 200, floor: 196, 'http ingest': 265, aggregates: 50, overview: 71, csv: 86, 'csv + ingest lookups': 10, import: 137, 'postgres peer': 60, 'floor again': 73 },
  '10m': { data: 180, build: 200, floor: 580, 'http ingest': 1009, aggregates: 82, overview: 23, csv: 180, 'csv + ingest lookups': 70, import: 500, 'postgres peer': 900, 'floor again': 580 },
};

export function formatDuration(s: number): string {
  return s < 90 ? `${Math.round(s)} s` : `${Math.round(s / 60)} min`;
}

export interface Estimate {
  /** Per phase, seconds. */
  phases: Record<string, number>;
  total_s: number;
  text: string;
  /** Bytes the largest database needs at a time (the floor, the server's, the import's: one after the other). */
  disk_needed_bytes: number;
  /** The gzip data, when it is not cached yet. */
  data_bytes: number;
  /** The remaining phases scaled by how the first floor compares with its reference time. */
  rescale(floorWallS: number): { total_s: number; text: string };
}

/** How long the run should take on this machine, phase by phase, and the disk it needs. */
export function estimate(opts: BenchOptions, built: boolean, dataCached = false): Estimate {
  const ref = { ...REFERENCE_S[opts.scale] };
  if (!opts.build) ref.build = 0;
  if (dataCached) ref.data = 0;
  if (!opts.build && !built) {
    for (const k of ['http ingest', 'aggregates', 'overview', 'csv', 'csv + ingest lookups']) ref[k] = 0;
  }
  const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
  const describe = (o: Record<string, number>, lead: string) =>
    `${lead} ${formatDuration(sum(o))} (${Object.entries(o)
      .filter(([, v]) => v > 0)
      .map(([k, v]) => `${k} ${formatDuration(v)}`)
      .join(', ')}), ending about ${new Date(Date.now() + sum(o) * 1000).toISOString().slice(11, 16)} UTC`;
  // A database with its indexes and rollups is about 1.5× the NDJSON it holds (~250 bytes a line); WAL on top.
  const rawBytes = opts.records * 254;
  return {
    phases: ref,
    total_s: sum(ref),
    text: describe(ref, `a ${opts.scale} run takes about`),
    disk_needed_bytes: Math.round(rawBytes * 2),
    data_bytes: dataCached ? 0 : Math.round(opts.records * 43),
    rescale(floorWallS: number) {
      const factor = Math.max(0.25, Math.min(4, floorWallS / Math.max(1, ref.floor)));
      const rest: Record<string, number> = {};
      for (const k of ['http ingest', 'aggregates', 'overview', 'csv', 'import', 'postgres peer', 'floor again']) rest[k] = ref[k] * factor;
      return { total_s: sum(rest), text: describe(rest, `the floor ran at ${factor.toFixed(2)}× its reference time: the rest takes about`) };
    },
  };
}
