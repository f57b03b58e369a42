// Starts the production build (`next start`) as a child process group with its own database file.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// import.meta.url, not __dirname: the bench (ES modules under tsx) starts its server through this module too.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface TestServer {
  baseUrl: string;
  port: number;
  databasePath: string;
  process: ChildProcess;
  /** The server's process group id (start.mjs and everything it spawns). */
  pgid: number;
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

export function assertBuilt(dir = distDir()): void {
  const marker = path.join(root, dir, 'BUILD_ID');
  if (!fs.existsSync(marker)) {
    throw new Error(`No production build at ${dir}: run \`npm run build\` first (npm test does).`);
  }
}

export function tempDatabasePath(label = 'errata'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${label}-`));
  return path.join(dir, 'errata.db');
}

export interface StartServerOptions {
  env?: Record<string, string>;
  databasePath?: string;
  /** The build to serve (NEXT_DIST_DIR); default: $NEXT_DIST_DIR or .next. */
  distDir?: string;
  /** How long to wait for /api/v1/health (default 60 s); past it the group is killed. */
  startTimeoutMs?: number;
  /** Keep only the last N characters of the server's output (default: all of it). */
  maxOutput?: number;
  /**
   * Long runs (the bench): SIGKILL the whole process group when this process exits, and after stop() once the
   * parent is gone, so no next-server child outlives its parent.
   */
  reapGroup?: boolean;
}

export async function startServer(options: StartServerOptions = {}): Promise<TestServer> {
  const dist = options.distDir ?? distDir();
  assertBuilt(dist);
  const port = await freePort();
  const databasePath = options.databasePath ?? tempDatabasePath();
  const maxOutput = options.maxOutput ?? Infinity;
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
      // As `npm start` (package.json): the V8 old-space cap that keeps the heap's growth in proportion (scripts/start.mjs).
      NODE_OPTIONS: [process.env.NODE_OPTIONS, '--max-old-space-size=1024'].filter(Boolean).join(' '),
      ...(options.distDir ? { NEXT_DIST_DIR: options.distDir } : {}),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const append = (d: Buffer) => {
    out += d;
    if (out.length > maxOutput) out = out.slice(-maxOutput);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const kill = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      /* already gone */
    }
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  const deadline = Date.now() + startTimeoutMs;
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
      throw new Error(`server did not start in ${Math.round(startTimeoutMs / 1000)} s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  const onExit = () => kill('SIGKILL');
  if (options.reapGroup) process.once('exit', onExit);
  return {
    baseUrl,
    port,
    databasePath,
    process: child,
    pgid: child.pid!,
    output: () => out,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (options.reapGroup) process.removeListener('exit', onExit);
      if (child.exitCode !== null || child.signalCode !== null) {
        if (options.reapGroup) kill('SIGKILL');
        return;
      }
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      kill(signal);
      const timer = setTimeout(() => kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
      // next start may leave children behind its parent: make sure the group is gone.
      if (options.reapGroup) kill('SIGKILL');
    },
  };
}
