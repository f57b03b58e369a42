// `errata user ...` end to end through bin/errata.mjs, against a temporary database.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '@/db/client';
import { listAudit } from '@/db/queries/audit';
import { checkPassword, getUserByEmail } from '@/db/queries/users';
import { tempDatabasePath } from '../support/server';

const root = path.resolve(__dirname, '../..');

function errata(databasePath: string, args: string[], input = '') {
  const res = spawnSync(process.execPath, [path.join(root, 'bin/errata.mjs'), 'user', ...args], {
    cwd: root,
    input,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_PATH: databasePath },
    timeout: 60_000,
  });
  return { code: res.status, out: res.stdout, err: res.stderr };
}

describe('errata user', () => {
  it('creates, lists, changes role, disables; reads the password from stdin or prints a generated one', async () => {
    const file = tempDatabasePath('errata-cli-user');
    expect(errata(file, ['create', '--email', 'Root@Example.com', '--role', 'admin'], 'piped-password-1\n')).toMatchObject({ code: 0, out: 'Created admin root@example.com.\n' });
    const generated = errata(file, ['create', '--email', 'sup@example.com', '--role', 'support']);
    expect(generated.code).toBe(0);
    const password = /Password \(shown once\): (\S+)/.exec(generated.out)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9]{20}$/);

    const db = openDatabase(file);
    expect((await checkPassword(db, 'root@example.com', 'piped-password-1')).ok).toBe(true);
    expect((await checkPassword(db, 'sup@example.com', password!)).ok).toBe(true);

    expect(errata(file, ['list']).out).toMatch(/root@example.com\tadmin\tactive\t.*\nsup@example.com\tsupport\tactive/);
    expect(errata(file, ['set-role', '--email', 'sup@example.com', '--role', 'engineer']).code).toBe(0);
    expect(getUserByEmail(db, 'sup@example.com')?.role).toBe('engineer');
    expect(errata(file, ['disable', '--email', 'sup@example.com']).code).toBe(0);
    expect(getUserByEmail(db, 'sup@example.com')?.disabled).toBe(true);

    // Refusals: the last admin, a duplicate, a short piped password, a bad role.
    expect(errata(file, ['disable', '--email', 'root@example.com'])).toMatchObject({ code: 1, err: 'errata user: this is the last active admin: make another admin first\n' });
    expect(errata(file, ['set-role', '--email', 'root@example.com', '--role', 'support']).code).toBe(1);
    expect(getUserByEmail(db, 'root@example.com')).toMatchObject({ role: 'admin', disabled: false });
    expect(errata(file, ['reset-password', '--email', 'nobody@example.com'])).toMatchObject({ code: 1, err: 'errata user: no user nobody@example.com\n' });
    expect(errata(file, ['create', '--email', 'root@example.com', '--role', 'admin']).code).toBe(1);
    expect(errata(file, ['create', '--email', 'x@example.com', '--role', 'admin'], 'short\n').err).toMatch(/at least 10 characters/);
    expect(errata(file, ['create', '--email', 'y@example.com', '--role', 'owner']).err).toMatch(/--role must be one of support, engineer, admin/);
    // The same audit entries as the dashboard's admin page writes, with the shell as the actor.
    expect(listAudit(db).filter((e) => e.actor === 'cli').map((e) => e.action).sort()).toEqual(['user.create', 'user.create', 'user.disable', 'user.set_role']);
    db.$client.close();
  }, 120_000);
});
