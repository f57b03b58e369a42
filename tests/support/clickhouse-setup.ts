// Global setup of the ClickHouse tests: chdb lives in its own test-only package folder (see scripts/install-chdb.mjs).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  execFileSync(process.execPath, [path.join(root, 'scripts', 'install-chdb.mjs')], { cwd: root, stdio: 'inherit' });
}
