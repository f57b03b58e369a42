// Bundles the ingest writer worker for production: Next bundles route handlers, so a worker file has to be
// built on its own. The server spawns .errata/ingest-worker.mjs (ingest/writer.ts resolveWorkerFile).
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
await build({
  entryPoints: [path.join(root, 'ingest/writer-worker.ts')],
  outfile: path.join(root, '.errata/ingest-worker.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  tsconfig: path.join(root, 'tsconfig.json'),
  // The native addon stays a normal dependency; everything else is inlined.
  external: ['better-sqlite3'],
  banner: { js: "import { createRequire as __errataRequire } from 'node:module'; const require = __errataRequire(import.meta.url);" },
  logLevel: 'warning',
});
console.log('built .errata/ingest-worker.mjs');
