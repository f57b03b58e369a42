// `errata backup` while a real server ingests over HTTP, then a restore into a new server: every record that got
// a 200 before the backup started is in the copy, and the copy passes PRAGMA integrity_check.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, test } from 'vitest';
import { openDatabase } from '@/db/client';
import { createToken } from '@/db/queries/tokens';
import { startServer, tempDatabasePath, type TestServer } from '../support/server';
import { tempDir } from './cli-support';

const root = path.resolve(import.meta.dirname, '../..');

function cli(args: string[], databasePath: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'bin/errata.mjs'), ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_PATH: databasePath, NEXT_TELEMETRY_DISABLED: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const servers: TestServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
});

describe('errata backup', () => {
  test('backs up during ingest; the restored database has every acknowledged record and passes integrity_check', async () => {
    const databasePath = tempDatabasePath('errata-backup');
    const db = openDatabase(databasePath);
    const token = createToken(db, { name: 'shipper', scopes: ['ingest'] }).token;
    db.$client.close();
    const server = await startServer({ databasePath });
    servers.push(server);

    // Senders post 200-record batches back to back; each batch's ids are recorded with when its 200 arrived.
    const acked: { at: number; ids: string[] }[] = [];
    let stop = false;
    let batchNo = 0;
    const now = Date.now();
    const sender = async (lane: number) => {
      while (!stop) {
        const n = ++batchNo;
        const ids = Array.from({ length: 200 }, (_, i) => `bk_${lane}_${n}_${i}`);
        const body = ids
          .map((id, i) => JSON.stringify({ request_id: id, timestamp: new Date(now - (n * 200 + i) * 10).toISOString(), status: 500, method: 'GET', path: `/v1/items/${i}`, latency_ms: 5 }))
          .join('\n');
        const res = await fetch(`${server.baseUrl}/api/v1/ingest`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' }, body });
        if (res.status === 200) acked.push({ at: Date.now(), ids });
        else await res.arrayBuffer();
      }
    };
    const senders = [sender(1), sender(2)];
    while (acked.length < 20) await new Promise((r) => setTimeout(r, 50));

    const dir = tempDir('backup');
    const file = path.join(dir, 'errata-backup.db');
    const backupStarted = Date.now();
    const beforeCount = acked.length;
    // Small steps, so the copy spans many ingest commits and has to restart (and grow its steps) to finish.
    const out = await cli(['backup', file, '--step', '8'], databasePath);
    const ackedDuring = acked.length - beforeCount;
    stop = true;
    await Promise.all(senders);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/^Backed up .* integrity_check ok\.\n$/);
    expect(out.stderr).toMatch(/backup: .* pages \(100%\)/);
    console.log(`backup: ${out.stdout.trim()} (${beforeCount} batches acknowledged before, ${ackedDuring} during)`);
    expect(fs.readdirSync(dir)).toEqual(['errata-backup.db']);

    // Restore as docs/operations.md says: the file becomes a new server's database.
    const restoredPath = tempDatabasePath('errata-restored');
    fs.copyFileSync(file, restoredPath);
    const restored = await startServer({ databasePath: restoredPath });
    servers.push(restored);
    expect((await fetch(`${restored.baseUrl}/api/v1/health`)).status).toBe(200);

    const check = new Database(restoredPath, { readonly: true });
    try {
      expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
      const has = check.prepare('SELECT count(*) AS n FROM requests WHERE request_id = ?');
      const before = acked.filter((a) => a.at < backupStarted);
      expect(before.length).toBeGreaterThanOrEqual(20);
      const missing = before.flatMap((a) => a.ids).filter((id) => (has.get(id) as { n: number }).n !== 1);
      expect(missing).toEqual([]);
    } finally {
      check.close();
    }
  }, 240_000);

  test('refuses to overwrite a file without --force, and a missing database', async () => {
    const dir = tempDir('backup-usage');
    const existing = path.join(dir, 'x.db');
    fs.writeFileSync(existing, 'keep me');
    const databasePath = tempDatabasePath('errata-backup-usage');
    openDatabase(databasePath).$client.close();
    const r = await cli(['backup', existing], databasePath);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/exists \(use --force/);
    expect(fs.readFileSync(existing, 'utf8')).toBe('keep me');
    expect((await cli(['backup', existing, '--force'], databasePath)).code).toBe(0);
    expect((await cli(['backup', path.join(dir, 'y.db')], path.join(dir, 'nope.db'))).code).toBe(1);
  }, 60_000);
});
