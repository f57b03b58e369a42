// Is a production build at least as new as every source it was built from? Shared by the integration and fault
// suites' global setups, so neither ever tests a stale build.
import fs from 'node:fs';
import path from 'node:path';

export const root = path.resolve(__dirname, '../..');
const SOURCES = ['app', 'auth', 'alerts', 'behaviour', 'cli', 'demo', 'ingest', 'lib', 'db', 'components', 'scripts', 'proxy.ts', 'next.config.ts', 'package.json'];

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

export function newestSourceMtime(): number {
  return Math.max(...SOURCES.map((s) => newestMtime(path.join(root, s))));
}

/** When the build in `dist` was made (its BUILD_ID), 0 when there is none. */
export function builtAt(dist: string): number {
  const marker = path.join(root, dist, 'BUILD_ID');
  return fs.existsSync(marker) ? fs.statSync(marker).mtimeMs : 0;
}
