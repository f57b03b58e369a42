// Starts the production build (`next start`) as a child process group with its own database file.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

export interface TestServer {
  baseUrl: string;
  port: number;
  databasePath: string;
  process: ChildProcess;
  /** Sends a signal to the whole process group and waits for exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  output(): string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export function distDir(): string {
  return process.env.NEXT_DIST_DIR || '.next';
}

export function assertBuilt(): void {
  const marker = path.join(root, distDir(), 'BUILD_ID');
  if (!fs.existsSync(marker)) {
    throw new Error(`No production build at ${distDir()}: run \`npm run build\` first (npm test does).`);
  }
}

export function tempDatabasePath(label = 'errata'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${label}-`));
  return path.join(dir, 'errata.db');
}

export async function startServer(options: { env?: Record<string, string>; databasePath?: string } = {}): Promise<TestServer> {
  assertBuilt();
  const port = await freePort();
  const databasePath = options.databasePath ?? tempDatabasePath();
  let out = '';
  const child = spawn(process.execPath, [path.join(root, 'scripts/start.mjs')], {
    cwd: root,
    detached: true,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      PORT: String(port),
      ERRATA_HOST: '127.0.0.1',
      DATABASE_PATH: databasePath,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early (${child.exitCode}):\n${out}`);
    try {
      const res = await fetch(`${baseUrl}/api/v1/health`);
      if (res.status < 500) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`server did not start in 60 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 150));
  }
  return {
    baseUrl,
    port,
    databasePath,
    process: child,
    output: () => out,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      try {
        process.kill(-child.pid!, signal);
      } catch {
        /* already gone */
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }, 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
