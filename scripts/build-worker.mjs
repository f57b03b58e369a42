// The parts of errata that run outside Next, bundled for production at `npm run build` (Next bundles only its
// routes) into the build's own folder, `<dist>/errata/` (dist: NEXT_DIST_DIR or .next), so every build carries the
// worker and CLI of its own sources: the ingest writer worker, which the server spawns (ingest/writer.ts
// resolveWorkerFile), the endpoints scripts/start.mjs answers outside Next (app/_direct), and the `errata` CLI, run
// by bin/errata.mjs. A production install needs no TypeScript loader.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { errataDir } from './dist-dir.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const common = {
  write: false,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  tsconfig: path.join(root, 'tsconfig.json'),
  banner: { js: "import { createRequire as __errataRequire } from 'node:module'; const require = __errataRequire(import.meta.url);" },
  logLevel: 'warning',
};

async function bundle(entry, name, options) {
  const outfile = path.join(errataDir, name);
  const result = await build({ ...common, ...options, entryPoints: [path.join(root, entry)], outfile });
  // Written then renamed: a server or CLI starting during another build never loads half a file.
  fs.mkdirSync(path.dirname(outfile), { recursive: true });
  const tmp = `${outfile}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, result.outputFiles[0].contents);
  fs.renameSync(tmp, outfile);
  console.log(`built ${path.relative(root, outfile)}`);
}

// The worker inlines everything but the native addon: it starts in every server, and fast.
await bundle('ingest/writer-worker.ts', 'ingest-worker.mjs', { external: ['better-sqlite3'] });
// The server's direct answers (app/_direct) load packages from node_modules like Next's own route bundles, so
// better-sqlite3 and prom-client are the very modules Next's routes use; `server-only` guards React bundles only.
const serverOnlyEmpty = {
  name: 'server-only-empty',
  setup(b) {
    b.onResolve({ filter: /^server-only$/ }, () => ({ path: 'server-only', namespace: 'errata-empty' }));
    b.onLoad({ filter: /.*/, namespace: 'errata-empty' }, () => ({ contents: 'export {};' }));
  },
};
await bundle('app/_direct/serve.ts', 'direct.mjs', { packages: 'external', plugins: [serverOnlyEmpty] });
// The CLI loads its packages from node_modules (production dependencies only) and inlines our own code.
await bundle('cli/errata.ts', 'cli.mjs', { packages: 'external' });
