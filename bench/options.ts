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
