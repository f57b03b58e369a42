// Starts the production build (scripts/start.mjs → next start) as its own process group, like
// tests/support/server.ts does (that module relies on __dirname, which the bench's ES modules lack).
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface BenchServer {
  baseUrl: string;
  process: ChildProcess;
  /** The process group id: the RSS sampler sums every process in it. */
  pgid: number;
  output(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export async function startServer(options: { databasePath: string; distDir: string; env?: Record<string, string> }): Promise<BenchServer> {
  const port = await freePort();
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
      DATABASE_PATH: options.databasePath,
      NEXT_DIST_DIR: options.distDir,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => (out = (out + d).slice(-50_000)));
  child.stderr?.on('data', (d) => (out = (out + d).slice(-50_000)));
  const baseUrl = `http://127.0.0.1:${port}`;
  const kill = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      /* already gone */
    }
  };
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early (${child.exitCode}):\n${out}`);
    try {
      const res = await fetch(`${baseUrl}/api/v1/health`);
      if (res.status < 500) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      kill('SIGKILL');
      throw new Error(`server did not start in 90 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  // Whatever happens to the bench, the server's process group goes with it.
  const onExit = () => kill('SIGKILL');
  process.once('exit', onExit);
  return {
    baseUrl,
    process: child,
    pgid: child.pid!,
    output: () => out,
    async stop() {
      process.removeListener('exit', onExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      kill('SIGTERM');
      const timer = setTimeout(() => kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
      // next start may leave children behind its parent: make sure the group is gone.
      kill('SIGKILL');
    },
  };
}
