// `errata token create|list|revoke` as an admin runs them in a terminal, against a temp DATABASE_PATH.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '@/db/client';
import { listAudit } from '@/db/queries/audit';
import { findToken, type TokenInfo } from '@/db/queries/tokens';
import { runCli, tempDir } from './cli-support';

let dbPath: string;

beforeAll(() => {
  dbPath = path.join(tempDir('cli-token'), 'errata.db');
});

function lastLine(s: string): string {
  return s.trimEnd().split('\n').at(-1) ?? '';
}

describe('errata token', () => {
  let token: string;

  it('create prints the token on the last line; it verifies and is stored only as a hash', () => {
    const res = runCli(['token', 'create', '--name', 'fluent-bit prod', '--scope', 'ingest,read'], dbPath);
    expect(res.code, res.stderr).toBe(0);
    token = lastLine(res.stdout);
    expect(token).toMatch(/^errata_[A-Za-z0-9_-]{20,}$/);
    const db = openDatabase(dbPath);
    const info = findToken(db, token);
    expect(info).toMatchObject({ name: 'fluent-bit prod', scopes: ['ingest', 'read'], revoked_ms: null });
    expect(findToken(db, token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'))).toBeUndefined();
    const stored = JSON.stringify(db.$client.prepare('SELECT * FROM tokens').all());
    expect(stored).not.toContain(token);
    db.$client.close();
  });

  it('rejects an unknown scope or a missing name without creating anything', () => {
    const bad = runCli(['token', 'create', '--name', 'x', '--scope', 'ingest,write'], dbPath);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown scope 'write'");
    expect(runCli(['token', 'create', '--scope', 'read'], dbPath).code).toBe(2);
    const list = JSON.parse(runCli(['token', 'list', '--json'], dbPath).stdout) as TokenInfo[];
    expect(list.map((t) => t.name)).toEqual(['fluent-bit prod']);
  });

  it('list shows name, prefix and scopes, never the secret', () => {
    const res = runCli(['token', 'list'], dbPath);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('fluent-bit prod');
    expect(res.stdout).toContain('ingest,read');
    expect(res.stdout).toContain(token.slice(0, 13));
    expect(res.stdout).not.toContain(token);
    expect(res.stdout).toMatch(/active/);
  });

  it('revoke stops the token at once; unknown ids fail', () => {
    const list = JSON.parse(runCli(['token', 'list', '--json'], dbPath).stdout) as TokenInfo[];
    const id = list[0].id;
    const res = runCli(['token', 'revoke', String(id)], dbPath);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain(`Revoked token ${id}`);
    const db = openDatabase(dbPath);
    expect(findToken(db, token)?.revoked_ms).toEqual(expect.any(Number));
    // The shell's token changes are in the audit log like the dashboard's, once each (a second revoke is a no-op).
    expect(runCli(['token', 'revoke', String(id)], dbPath).code).toBe(0);
    const audit = listAudit(db).filter((e) => e.action.startsWith('token.'));
    expect(audit.filter((e) => e.action === 'token.revoke')).toEqual([expect.objectContaining({ actor: 'cli', target: `token:${id}` })]);
    expect(audit.some((e) => e.action === 'token.create' && e.actor === 'cli')).toBe(true);
    db.$client.close();
    expect(runCli(['token', 'list'], dbPath).stdout).toMatch(/revoked \d{4}-/);
    const missing = runCli(['token', 'revoke', '999'], dbPath);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no token with id 999');
  });
});
