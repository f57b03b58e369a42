// Bundles the ingest writer worker for production: Next bundles route handlers, so a worker file has to be
// built on its own. The server spawns .errata/ingest-worker.mjs (ingest/writer.ts resolveWorkerFile).
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outfile = path.join(root, '.errata/ingest-worker.mjs');
const result = await build({
  entryPoints: [path.join(root, 'ingest/writer-worker.ts')],
  outfile,
  write: false,
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
// Written then renamed: a server starting during another build never loads half a file.
fs.mkdirSync(path.dirname(outfile), { recursive: true });
const tmp = `${outfile}.${process.pid}.tmp`;
fs.writeFileSync(tmp, result.outputFiles[0].contents);
fs.renameSync(tmp, outfile);
console.log('built .errata/ingest-worker.mjs');
