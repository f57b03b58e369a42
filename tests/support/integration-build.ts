// Vitest global setup for the integration suite: the production build its HTTP tests start (NEXT_DIST_DIR or
// .next) is rebuilt first when missing or older than any source, so a test never passes against stale code.
import { spawnSync } from 'node:child_process';
import { builtAt, newestSourceMtime, root } from './build-freshness';

export default function setup(): void {
  const dist = process.env.NEXT_DIST_DIR || '.next';
  const built = builtAt(dist);
  if (built && built >= newestSourceMtime()) return;
  console.log(`[integration] ${built ? 'the build is older than the sources' : 'no build yet'}: building into ${dist} ...`);
  const res = spawnSync('npm', ['run', 'build'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NEXT_DIST_DIR: dist, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (res.status !== 0) throw new Error(`[integration] build failed (exit ${res.status})`);
}
