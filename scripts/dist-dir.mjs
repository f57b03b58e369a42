// Where a build lives, for the .mjs scripts and bin/errata.mjs (ingest/writer.ts resolveWorkerFile is the TypeScript
// side's one definition): Next's build folder (NEXT_DIST_DIR, else .next) holds errata's own bundles in `errata/`
// (scripts/build-worker.mjs writes them), so every build carries the worker and CLI of its own sources.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Next's build folder, relative to the project root (next.config.ts reads the same variable). */
export const distDir = process.env.NEXT_DIST_DIR || '.next';

/** `<root>/<dist>/errata`: the ingest worker, the direct endpoints and the CLI, bundled. */
export const errataDir = path.join(root, distDir, 'errata');
