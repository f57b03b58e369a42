// `npm start`: serve the production build on PORT (the server migrates the database when it first opens it).
// Next runs in this very process rather than a child: a wrapper process would cost ~45 MB of RSS for nothing,
// and signals (SIGTERM drains in-flight ingest batches) reach Next directly.
// package.json runs it as `node --max-old-space-size=1024 scripts/start.mjs` (scripts/demo.mjs and the tests' server
// pass the same flag): below V8's 2 GiB threshold its heap grows by ~1.6x its live size between full GCs instead of
// up to 4x, for the main thread and both ingest workers. The server's live heap is ~50 MB; a 9.9M-row CSV export
// otherwise let promoted garbage grow the main thread's old space to ~140 MB before V8 collected it.
import http from 'node:http';
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
// Sign-in limits count per client address (lib/rate-limit.ts clientAddress). Next passes route handlers no
// socket, and fills X-Forwarded-For from it only when the client sent none, so every request carries its peer
// address in a header of our own; a client's copy of that header is dropped first.
const createServer = http.createServer;
http.createServer = function (...args) {
  const server = createServer.apply(this, args);
  const stamp = (req) => {
    req.headers['x-errata-peer'] = req.socket?.remoteAddress ?? 'unknown';
  };
  server.prependListener('request', stamp);
  server.prependListener('upgrade', stamp);
  return server;
};
process.chdir(root);
process.argv = [process.execPath, nextBin, ...args];
createRequire(import.meta.url)(nextBin);
