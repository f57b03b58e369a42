// Vitest global setup for the fault suite: a production build of its own (.next-faults), rebuilt when any
// source file is newer than it, so `npm run test:faults` works on a clean checkout and never tests stale code.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
export const FAULTS_DIST_DIR = '.next-faults';
const SOURCES = ['app', 'ingest', 'lib', 'db', 'components', 'scripts', 'next.config.ts', 'package.json'];

function newestMtime(p: string): number {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let max = 0;
  for (const e of fs.readdirSync(p)) {
    if (e === 'node_modules' || e.startsWith('.')) continue;
    max = Math.max(max, newestMtime(path.join(p, e)));
  }
  return max;
}

function builtAt(dist: string): number {
  const marker = path.join(root, dist, 'BUILD_ID');
  return fs.existsSync(marker) ? fs.statSync(marker).mtimeMs : 0;
}

export default function setup(): () => void {
  const newest = Math.max(...SOURCES.map((s) => newestMtime(path.join(root, s))));
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
