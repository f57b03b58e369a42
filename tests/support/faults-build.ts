// Vitest global setup for the fault suite: a production build of its own (.next-faults), rebuilt when any
// source file is newer than it, so `npm run test:faults` works on a clean checkout and never tests stale code.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { builtAt, newestSourceMtime, root } from './build-freshness';

export const FAULTS_DIST_DIR = '.next-faults';

export default function setup(): () => void {
  const newest = newestSourceMtime();
  // `npm test` has just built .next from the same sources: reuse it rather than build twice.
  const dist = process.env.NEXT_DIST_DIR || (builtAt('.next') > newest && builtAt(FAULTS_DIST_DIR) <= newest ? '.next' : FAULTS_DIST_DIR);
  process.env.NEXT_DIST_DIR = dist;
  const built = builtAt(dist);
  // FAULTS_SKIP_BUILD=1: iterate on the suite against an existing build while others edit sources.
  if (!built || (newest > built && process.env.FAULTS_SKIP_BUILD !== '1')) {
    console.log(`[faults] building the production server into ${dist} ...`);
    const res = spawnSync('npm', ['run', 'build'], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, NEXT_DIST_DIR: dist, NEXT_TELEMETRY_DISABLED: '1' },
    });
    if (res.status !== 0) throw new Error(`[faults] build failed (exit ${res.status})`);
  }
  console.log(`[faults] server build: ${dist}`);
  const figures = path.join(os.tmpdir(), `errata-faults-figures-${process.pid}.txt`);
  fs.writeFileSync(figures, '');
  process.env.FAULTS_FIGURES_FILE = figures;
  return () => {
    const text = fs.readFileSync(figures, 'utf8');
    if (text) console.log(`\n[faults] figures\n${text}`);
    fs.rmSync(figures, { force: true });
  };
}
