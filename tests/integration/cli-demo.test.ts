// `errata demo` on a small record count: a fresh database with a week of traffic ending now, incidents included.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '@/db/client';
import { runCli, tempDir } from './cli-support';

const DAY = 86_400_000;

describe('errata demo', () => {
  const dbPath = path.join(tempDir('cli-demo'), 'errata.db');

  it('fills a fresh database with a week of traffic ending now, through the ingest pipeline', () => {
    const before = Date.now();
    const res = runCli(['demo', '--records', '20000', '--quiet'], dbPath, { timeoutMs: 120_000 });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/stored [\d,]+ requests/);
    const db = openDatabase(dbPath, { migrate: false });
    const q = <T>(sql: string) => db.$client.prepare(sql).get() as T;
    const all = q<{ n: number; errors: number; codes: number; lo: number; hi: number; keys: number }>(
      `SELECT count(*) AS n, sum(status >= 400) AS errors, count(DISTINCT nullif(code, '')) AS codes, min(ts_ms) AS lo, max(ts_ms) AS hi, count(DISTINCT key_id) AS keys FROM requests`,
    );
    expect(all.n).toBeGreaterThan(19_800);
    expect(all.errors / all.n).toBeGreaterThan(0.05);
    expect(all.errors / all.n).toBeLessThan(0.1);
    expect(all.codes).toBeGreaterThanOrEqual(20);
    expect(all.keys).toBeGreaterThan(200);
    expect(all.lo).toBeGreaterThanOrEqual(before - 7 * DAY - 1000);
    expect(all.hi).toBeGreaterThan(before - 3_600_000);
    // The dashboard's default "last 24 hours" shows the internal_error incident.
    const incident = q<{ n: number }>(`SELECT count(*) AS n FROM requests WHERE code = 'internal_error' AND ts_ms > ${before - DAY}`);
    expect(incident.n).toBeGreaterThan(15);
    const quota = q<{ n: number }>(`SELECT count(*) AS n FROM requests WHERE reason = 'daily_quota'`);
    expect(quota.n).toBeGreaterThan(10);
    // Rollups were written with the rows (same transaction), and batches are attributed to the demo shipper token.
    expect(q<{ n: number }>('SELECT sum(count) AS n FROM rollup_hour').n).toBe(all.n);
    const tokens = db.$client.prepare('SELECT name, revoked_ms FROM tokens ORDER BY id').all() as { name: string; revoked_ms: number | null }[];
    expect(tokens.map((t) => t.name)).toEqual(['gateway log shipper (demo)', 'grafana (demo)', 'old staging shipper (demo)']);
    expect(q<{ n: number }>('SELECT count(*) AS n FROM ingest_health_hour WHERE token_id = 1').n).toBeGreaterThan(0);
    db.$client.close();
  });

  it('refuses to add to a database that already has requests, unless --force', () => {
    const again = runCli(['demo', '--records', '1000', '--quiet'], dbPath);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already holds');
    const forced = runCli(['demo', '--records', '1000', '--quiet', '--force'], dbPath);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/stored (9\d\d|1,000) requests/);
  });

  it('builds a new database under a temporary name, so an interrupted demo leaves nothing half-filled', () => {
    expect(fs.existsSync(dbPath)).toBe(true);
    expect(fs.readdirSync(path.dirname(dbPath)).filter((f) => f.includes('partial'))).toEqual([]);
  });
});
