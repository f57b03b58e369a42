// `npm start`: serve the production build on PORT (the server migrates the database when it first opens it).
// Next runs in this very process rather than a child: a wrapper process would cost ~45 MB of RSS for nothing,
// and signals (SIGTERM drains in-flight ingest batches) reach Next directly.
// package.json runs it as `node --max-old-space-size=1024 scripts/start.mjs` (scripts/demo.mjs and the tests' server
// pass the same flag): below V8's 2 GiB threshold its heap grows by ~1.6x its live size between full GCs instead of
// up to 4x, for the main thread and both ingest workers. The server's live heap is ~50 MB; a 9.9M-row CSV export
// otherwise let promoted garbage grow the main thread's old space to ~140 MB before V8 collected it.
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { errataDir } from './dist-dir.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.env.NEXT_TELEMETRY_DISABLED = '1';
process.env.NODE_ENV ??= 'production';
const port = process.env.PORT || '3000';
const nextBin = path.join(root, 'node_modules/next/dist/bin/next');
const args = ['start', '-p', port];
if (process.env.ERRATA_HOST) args.push('-H', process.env.ERRATA_HOST);

// The lookup by request id and the health probe are answered outside Next (app/_direct/serve.ts, bundled into the
// build by scripts/build-worker.mjs). Only once Next has answered a first request: by then it has loaded the
// environment files and run instrumentation.ts (the store configuration check, the writer).
const directFile = path.join(errataDir, 'direct.mjs');
const serveDirect = fs.existsSync(directFile) ? (await import(pathToFileURL(directFile).href)).serveDirect : null;
let nextHasAnswered = false;
function routed(nextListener) {
  return function (req, res) {
    if (nextHasAnswered && serveDirect(req, res)) return;
    if (!nextHasAnswered) {
      // Flagged as Next sends its first status line, before any byte of it reaches the client: a client that goes on
      // as soon as it sees a status (a readiness probe) finds the next request already ours.
      const writeHead = res.writeHead;
      res.writeHead = function (...args) {
        nextHasAnswered = true;
        res.writeHead = writeHead;
        return writeHead.apply(this, args);
      };
    }
    return nextListener.call(this, req, res);
  };
}
// Sign-in limits count per client address (lib/rate-limit.ts clientAddress). Next passes route handlers no
// socket, and fills X-Forwarded-For from it only when the client sent none, so every request carries its peer
// address in a header of our own; a client's copy of that header is dropped first.
const createServer = http.createServer;
http.createServer = function (...args) {
  if (serveDirect && typeof args.at(-1) === 'function') args[args.length - 1] = routed(args.at(-1));
  const server = createServer.apply(this, args);
  const stamp = (req) => {
    req.headers['x-errata-peer'] = req.socket?.remoteAddress ?? 'unknown';
  };
  server.prependListener('request', stamp);
  server.prependListener('upgrade', stamp);
  server.on('connection', (socket) => {
    socket.destroySoon = lingeringClose;
  });
  return server;
};

// A refusal mid-upload (413 payload_too_large, decompressed_too_large, 401 ...) answers with `Connection: close`
// while the client is still sending. Node closes such a socket as soon as the answer is flushed; with the upload's
// bytes unread in the kernel, that close sends a TCP reset, and a client slower to read than we were to answer
// loses the answer to ECONNRESET. As Apache and nginx do (lingering close), send FIN, then read and drop what
// still arrives until the client closes, for at most LINGER_MS or LINGER_BYTES.
const LINGER_MS = 2_000;
const LINGER_BYTES = 64 * 1024 * 1024;
function lingeringClose() {
  if (this.destroyed) return;
  if (this.writable) this.end();
  let dropped = 0;
  // Destroying drops writes still queued: wait for our side to be flushed, except when time is up.
  const close = () => (this.writableFinished ? this.destroy() : this.once('finish', () => this.destroy()));
  const timer = setTimeout(() => this.destroy(), LINGER_MS);
  timer.unref();
  this.once('close', () => clearTimeout(timer));
  this.once('end', close);
  // The HTTP parser reads the socket's handle directly; taking the 'data' events detaches it, so what arrives now
  // is dropped here instead of parsed as a next request.
  this.removeAllListeners('data');
  this.on('data', (chunk) => {
    dropped += chunk.length;
    if (dropped > LINGER_BYTES) close();
  });
  this.resume();
}
process.chdir(root);
process.argv = [process.execPath, nextBin, ...args];
createRequire(import.meta.url)(nextBin);
