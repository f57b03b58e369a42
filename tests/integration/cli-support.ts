// Runs the real `errata` CLI (bin/errata.mjs) as a child process against a given database file.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], databasePath: string, options: { timeoutMs?: number; input?: string | Buffer } = {}): CliResult {
  const res = spawnSync(process.execPath, [path.join(root, 'bin/errata.mjs'), ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_PATH: databasePath, NEXT_TELEMETRY_DISABLED: '1' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    input: options.input,
    timeout: options.timeoutMs ?? 60_000,
  });
  if (res.error) throw res.error;
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

export function tempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `errata-${label}-`));
}
