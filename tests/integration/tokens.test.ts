import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { openDatabase } from '@/db/client';
import { createToken, findToken, listTokens, revokeToken } from '@/db/queries/tokens';

function tempDb() {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'errata-tokens-')), 'errata.db');
  return { file, db: openDatabase(file) };
}

describe('tokens', () => {
  test('are prefixed, stored only hashed, and found by their secret', () => {
    const { file, db } = tempDb();
    const created = createToken(db, { name: 'shipper', scopes: ['ingest'] });
    expect(created.token).toMatch(/^errata_[A-Za-z0-9_-]{32}$/);
    const raw = fs.readFileSync(file).toString('latin1') + fs.readFileSync(`${file}-wal`).toString('latin1');
    expect(raw).not.toContain(created.token);
    expect(findToken(db, created.token)?.scopes).toEqual(['ingest']);
    expect(findToken(db, `${created.token}x`)).toBeUndefined();
  });

  test('a revoked token is still found, marked revoked', () => {
    const { db } = tempDb();
    const created = createToken(db, { name: 'old', scopes: ['read'] });
    expect(revokeToken(db, created.id)).toBe(true);
    expect(findToken(db, created.token)?.revoked_ms).toBeTypeOf('number');
  });

  test('recording last use never waits for a busy writer', () => {
    const { file, db } = tempDb();
    const created = createToken(db, { name: 'busy', scopes: ['ingest'] });
    const writer = new Database(file);
    writer.prepare('BEGIN IMMEDIATE').run();
    const started = Date.now();
    expect(findToken(db, created.token)?.id).toBe(created.id);
    expect(Date.now() - started).toBeLessThan(2_000); // the busy timeout is 5 s
    writer.prepare('COMMIT').run();
    expect(listTokens(db)[0].last_used_ms).toBeNull();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 1_500); // a failed write is retried a second later, not on every request
    findToken(db, created.token);
    expect(listTokens(db)[0].last_used_ms).toBeTypeOf('number');
  });

  test('last use is written at most once a minute per token', () => {
    const { db } = tempDb();
    const created = createToken(db, { name: 'steady', scopes: ['read'] });
    vi.useFakeTimers({ toFake: ['Date'] });
    const t0 = Date.now();
    findToken(db, created.token);
    expect(listTokens(db)[0].last_used_ms).toBe(t0);
    vi.setSystemTime(t0 + 30_000);
    findToken(db, created.token);
    expect(listTokens(db)[0].last_used_ms).toBe(t0);
    vi.setSystemTime(t0 + 61_000);
    findToken(db, created.token);
    expect(listTokens(db)[0].last_used_ms).toBe(t0 + 61_000);
  });

  test('a cached token revoked by another process (the CLI) is refused on its next use', () => {
    const { file, db } = tempDb();
    const created = createToken(db, { name: 'cached', scopes: ['read'] });
    expect(findToken(db, created.token)?.revoked_ms).toBeNull(); // now cached in this process
    const cli = openDatabase(file, { migrate: false });
    revokeToken(cli, created.id);
    cli.$client.close();
    expect(findToken(db, created.token)?.revoked_ms).toBeTypeOf('number');
  });

  test('a cached token revoked in this process is refused on its next use', () => {
    const { db } = tempDb();
    const created = createToken(db, { name: 'cached', scopes: ['read'] });
    expect(findToken(db, created.token)?.revoked_ms).toBeNull();
    revokeToken(db, created.id);
    expect(findToken(db, created.token)?.revoked_ms).toBeTypeOf('number');
  });
});

afterEach(() => {
  vi.useRealTimers();
});
