// `errata copy` from a SQLite store into one ClickHouse 18.16 server, as an operator runs it: the real CLI as a child
// process, killed with SIGKILL halfway, resumed, then run again from the start. ClickHouse must end up answering
// exactly what the SQLite source answers (counts, summary, breakdowns, series, a lookup).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ClickHouseRequestStore } from '@/db/clickhouse/store';
import type { RequestRow } from '@/db/types';
import { openSqliteStore, type SqliteRequestStore } from '@/db/sqlite/store';
import { prepareBatch } from '@/ingest';
import { toRow } from '@/ingest/write';
import { parseFilters } from '@/lib/filters';
import { trafficChunks } from '@/demo/traffic';
import { startClickHouse, stopAndRemove, type ClickHouseServer } from '../support/clickhouse';

const root = path.resolve(__dirname, '../..');
const DAY = 86_400_000;
const end = Date.UTC(2026, 10, 20);
const start = end - 7 * DAY;
const RECORDS = 60_000;

let ch: ClickHouseServer;
let dir: string;
let dbFile: string;
let source: SqliteRequestStore;
let target: () => string;

beforeAll(async () => {
  ch = await startClickHouse();
  target = () => `${ch.url}/errata_copy`;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'errata-copy-'));
  dbFile = path.join(dir, 'errata.db');
  source = openSqliteStore(dbFile);
  let i = 0;
  for (const chunk of trafficChunks({ seed: 'copy', count: RECORDS, start, end, keys: 80 }, 5000)) {
    // Every third record carries the client-behaviour fields, which the copy must keep.
    const rows = prepareBatch(Buffer.from(chunk))
      .records.map(toRow)
      .map((r, k): RequestRow => (k % 3 ? r : [...r.slice(0, 18), `idem_${r[0]}`, `sha256:${k}`, k % 2, 'acme-sync/2.3.1'] as unknown as RequestRow));
    await source.writeBatch(rows, { token_id: 1 + (i % 2), received_ms: end + i });
    // A resend of part of the previous batch: duplicates in the source that must not reappear in the copy.
    if (i++ > 0) await source.writeBatch(rows.slice(0, 500).map((r) => [...r] as typeof r), { token_id: 1, received_ms: end + i });
  }
}, 300_000);

afterAll(async () => {
  await source?.close();
  if (ch) await stopAndRemove(ch);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const cliArgs = (extra: string[]) => [path.join(root, 'bin/errata.mjs'), 'copy', '--to', target(), ...extra];
const cliEnv = () => ({ ...process.env, DATABASE_PATH: dbFile, NEXT_TELEMETRY_DISABLED: '1' });

function copy(extra: string[] = []) {
  const res = spawnSync(process.execPath, cliArgs(extra), { cwd: root, env: cliEnv(), encoding: 'utf8', timeout: 240_000 });
  if (res.error) throw res.error;
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

/** A fresh connection each time (the server closes idle keep-alive sockets after 3 s). */
function chCount(): Promise<number> {
  return new Promise((resolve, reject) => {
    const q = encodeURIComponent('SELECT count() FROM errata_copy.requests');
    http
      .get(`http://127.0.0.1:${ch.http_port}/?query=${q}`, { agent: false }, (res) => {
        let body = '';
        res.on('data', (b) => (body += b));
        res.on('end', () => resolve(res.statusCode === 200 ? Number(body.trim()) : 0));
      })
      .on('error', reject);
  });
}

test('copy killed with SIGKILL halfway, resumed, run again: ClickHouse answers what SQLite answers', async () => {
  const total = (await source.counts()).requests;
  expect(total).toBeGreaterThan(50_000);

  // 1. Start, and kill -9 once some batches are stored and the checkpoint has moved.
  const child = spawn(process.execPath, cliArgs(['--batch', '2000']), { cwd: root, env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stderr = '';
  child.stderr.on('data', (b) => (stderr += b.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const checkpoint = `${dbFile}.clickhouse-copy.json`;
  const until = Date.now() + 180_000;
  while (Date.now() < until) {
    if (fs.existsSync(checkpoint) && JSON.parse(fs.readFileSync(checkpoint, 'utf8')).last_id >= 10_000) break;
    if (child.exitCode !== null) throw new Error(`copy exited before it could be killed: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  process.kill(-child.pid!, 'SIGKILL');
  await exited;
  const partial = await chCount();
  expect(partial).toBeGreaterThan(0);
  expect(partial).toBeLessThan(total);
  // Not a terminal: plain progress lines.
  expect(stderr).toMatch(/copy to 127\.0\.0\.1:\d+\/errata_copy: \d+% [\d,]+ records/);
  expect(stderr).not.toContain('\r');

  // 2. Resume: continues after the checkpoint, ends with every record.
  const resumed = copy(['--batch', '3000', '--json']);
  expect(resumed.code, resumed.stderr).toBe(0);
  const r1 = JSON.parse(resumed.stdout);
  expect(r1.resumed_after_id).toBeGreaterThanOrEqual(10_000);
  expect(r1.read).toBeLessThan(total);
  expect(await chCount()).toBe(total);

  // 3. Again from the start: every record is already there.
  const again = copy(['--from-start', '--json']);
  expect(again.code, again.stderr).toBe(0);
  const r2 = JSON.parse(again.stdout);
  expect(r2).toMatchObject({ read: total, copied: 0, duplicates: total });
  expect(await chCount()).toBe(total);

  // 4. The same answers as the source.
  const store = await ClickHouseRequestStore.open({ url: target() });
  try {
    expect(await store.counts()).toEqual(await source.counts());
    const f = parseFilters(new URLSearchParams({ from: new Date(start).toISOString(), to: new Date(end + DAY).toISOString() }), { now: end + DAY });
    expect(await store.summary(f)).toEqual(await source.summary(f));
    for (const by of ['code', 'key', 'status', 'route'] as const) expect(await store.breakdown(f, { by })).toEqual(await source.breakdown(f, { by }));
    expect(await store.timeseries(f, { interval: 'hour', by: 'code' })).toEqual(await source.timeseries(f, { interval: 'hour', by: 'code' }));
    const page = await source.listRequests(f, { limit: 20 });
    const ids = page.records.map((r) => r.request_id);
    const mine = await store.getRequests(ids);
    const theirs = await source.getRequests(ids);
    expect(ids.length).toBe(20);
    for (const id of ids) expect(mine.get(id)).toEqual(theirs.get(id));
    const withFields = [...theirs.values()].flat().filter((r) => r.idempotency_key !== null);
    expect(withFields.length).toBeGreaterThan(0);
  } finally {
    await store.close();
  }
}, 600_000);
