// The bench starts the production build through the tests' startServer (tests/support/server.ts): one way to
// run `scripts/start.mjs` as its own process group. The bench asks for a longer start-up wait, a bounded output
// buffer (10M-line runs), and that the whole group is killed when the bench exits or stops it.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer as startTestServer, type TestServer } from '../tests/support/server';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export type BenchServer = TestServer;

export function startServer(options: { databasePath: string; distDir: string; env?: Record<string, string> }): Promise<BenchServer> {
  return startTestServer({ ...options, startTimeoutMs: 90_000, maxOutput: 50_000, reapGroup: true });
}
