// `npm start`: serve the production build on PORT (the server migrates the database when it first opens it).
// Next runs in this very process rather than a child: a wrapper process would cost ~45 MB of RSS for nothing,
// and signals (SIGTERM drains in-flight ingest batches) reach Next directly.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.env.NEXT_TELEMETRY_DISABLED = '1';
process.env.NODE_ENV ??= 'production';
const port = process.env.PORT || '3000';
const nextBin = path.join(root, 'node_modules/next/dist/bin/next');
const args = ['start', '-p', port];
if (process.env.ERRATA_HOST) args.push('-H', process.env.ERRATA_HOST);
process.chdir(root);
process.argv = [process.execPath, nextBin, ...args];
createRequire(import.meta.url)(nextBin);
