// `errata import` on real files: NDJSON, gzip, a JSON array; per-record report with file:line; re-import is idempotent.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '@/db/client';
import { trafficLines } from '@/demo/traffic';
import { runCli, tempDir } from './cli-support';

interface Report {
  records: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  files: { file: string; format: string; gzip: boolean; records: number; accepted: number; duplicates: number; rejected: number; errors: { file: string; line: number; code: string; field?: string }[] }[];
}

let dir: string;
let dbPath: string;
let ndjson: string;
let gz: string;
const BAD_LINE = 1500;
/** Traffic ends now: records older than the retention window are rejected, as on the HTTP endpoint. */
const NOW = Date.now();

beforeAll(() => {
  dir = tempDir('cli-import');
  dbPath = path.join(dir, 'errata.db');
  const lines = [...trafficLines({ seed: 'import-a', count: 3000, end: NOW })];
  lines[BAD_LINE - 1] = '{"request_id":"req_broken","timestamp":"not a time","status":200}';
  ndjson = path.join(dir, 'gateway.ndjson');
  fs.writeFileSync(ndjson, lines.join('\n') + '\n');
  const other = [...trafficLines({ seed: 'import-b', count: 2000, end: NOW })];
  other.splice(10, 0, '{"request_id": "req_cut", "timest');
  gz = path.join(dir, 'gateway-2.log.gz');
  fs.writeFileSync(gz, zlib.gzipSync(other.join('\n')));
});

function importJson(files: string[], extra: string[] = []) {
  const res = runCli(['import', ...files, '--json', '--batch', '1000', ...extra], dbPath);
  return { ...res, report: JSON.parse(res.stdout) as Report };
}

describe('errata import', () => {
  it('imports NDJSON in batches and reports the bad record with its file and line', () => {
    const { code, report, stderr } = importJson([ndjson]);
    expect(code, stderr).toBe(3); // finished, with a rejected record
    expect(report).toMatchObject({ records: 3000, accepted: 2999, duplicates: 0, rejected: 1 });
    expect(report.files[0]).toMatchObject({ file: ndjson, format: 'ndjson', gzip: false });
    expect(report.files[0].errors).toEqual([expect.objectContaining({ file: ndjson, line: BAD_LINE, field: 'timestamp' })]);
    // Not a terminal: progress is plain lines on stderr, never on stdout.
    expect(stderr).toMatch(/import gateway\.ndjson: \d+% [\d,]+ records +[\d,]+ records\/s/);
  });

  it('reads gzip by its magic bytes, whatever the file name, and stores what it reports', () => {
    const { code, report } = importJson([gz]);
    expect(code).toBe(3);
    expect(report.files[0]).toMatchObject({ gzip: true, format: 'ndjson', accepted: 2000, rejected: 1 });
    expect(report.files[0].errors[0]).toMatchObject({ line: 11, code: 'invalid_json' });
    const db = openDatabase(dbPath, { migrate: false });
    expect((db.$client.prepare('SELECT count(*) AS n FROM requests').get() as { n: number }).n).toBe(4999);
    db.$client.close();
  });

  it('re-importing changes nothing: every good record is a duplicate', () => {
    const { report } = importJson([ndjson, gz]);
    expect(report).toMatchObject({ records: 5001, accepted: 0, duplicates: 4999, rejected: 2 });
  });

  it('prints a readable report with file:line for people', () => {
    const res = runCli(['import', ndjson, '--quiet'], dbPath);
    expect(res.stdout).toContain(`${ndjson}:${BAD_LINE}`);
    expect(res.stdout).toMatch(/0 accepted, 2,999 duplicates, 1 rejected/);
    expect(res.stderr).toBe('');
  });

  it('imports a JSON array, reporting rejected records by position', () => {
    const file = path.join(dir, 'array.json');
    const records = [...trafficLines({ seed: 'import-c', count: 5, end: NOW })].map((l) => JSON.parse(l));
    records.splice(2, 0, { request_id: 'req_nostatus', timestamp: new Date(NOW - 3_600_000).toISOString() });
    fs.writeFileSync(file, JSON.stringify(records, null, 2));
    const { report } = importJson([file]);
    expect(report.files[0]).toMatchObject({ format: 'json_array', accepted: 5, rejected: 1 });
    expect(report.files[0].errors[0]).toMatchObject({ line: 3, field: 'status' });
  });

  it('reads standard input (-), gzip included', () => {
    const lines = [...trafficLines({ seed: 'import-stdin', count: 300, end: NOW })];
    const res = runCli(['import', '-', '--json'], dbPath, { input: zlib.gzipSync(lines.join('\n')) });
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ accepted: 300, files: [{ file: '-', gzip: true }] });
  });

  it('Ctrl+C stops after a committed batch and reports exactly what was stored', async () => {
    const file = path.join(dir, 'big.ndjson');
    fs.writeFileSync(file, [...trafficLines({ seed: 'import-big', count: 60_000, end: NOW })].join('\n'));
    const db = path.join(dir, 'interrupted.db');
    const child = spawn(process.execPath, [path.resolve(__dirname, '../../bin/errata.mjs'), 'import', file, '--batch', '500', '--json'], {
      env: { ...process.env, DATABASE_PATH: db },
    });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    // The first progress line is written after the first batch commits.
    await new Promise<void>((resolve) => child.stderr.once('data', () => resolve()));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(130);
    const report = JSON.parse(stdout) as Report & { files: { interrupted?: boolean }[] };
    expect(report.files[0].interrupted).toBe(true);
    expect(report.accepted).toBeGreaterThan(0);
    expect(report.accepted).toBeLessThan(60_000);
    const conn = openDatabase(db, { migrate: false });
    expect((conn.$client.prepare('SELECT count(*) AS n FROM requests').get() as { n: number }).n).toBe(report.accepted);
    conn.$client.close();
  });

  it('rejects records older than the retention window as expired, like the HTTP endpoint', () => {
    const file = path.join(dir, 'old.ndjson');
    const lines = [...trafficLines({ seed: 'import-old', count: 20, end: NOW - 40 * 86_400_000, days: 1 })];
    fs.writeFileSync(file, [...lines, ...trafficLines({ seed: 'import-new', count: 5, end: NOW })].join('\n'));
    const { report } = importJson([file]);
    expect(report).toMatchObject({ accepted: 5, rejected: 20 });
    expect(report.files[0].errors[0]).toMatchObject({ line: 1, code: 'expired', field: 'timestamp' });
  });

  it('fails cleanly for a missing file', () => {
    const res = runCli(['import', path.join(dir, 'nope.ndjson')], dbPath);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('no such file');
  });
});
