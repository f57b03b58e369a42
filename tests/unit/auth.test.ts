import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '@/db/client';
import { listAudit, recordAudit } from '@/db/queries/audit';
import { createSession, deleteSession, deleteUserSessions, findSession, hashSessionToken, SESSION_IDLE_MS, SESSION_MAX_MS } from '@/db/queries/sessions';
import { getRetentionDays, setRetentionDays } from '@/db/queries/settings';
import { checkPassword, createUser, ensureDemoAdmin, getUserByEmail, setUserDisabled, setUserPassword } from '@/db/queries/users';
import { sessions } from '@/db/schema';
import { ApiError } from '@/lib/api-error';
import { inviteUser, updateUser } from '@/auth/admin';
import { clearedSessionCookie, readCookie, sessionCookie } from '@/lib/auth/cookies';
import { isSameOrigin } from '@/lib/auth/csrf';
import { issueDevice } from '@/auth/device';
import { ACCOUNT_RULE, ADDRESS_RULE, signIn } from '@/auth/login';
import { generatePassword, hashPassword, verifyPassword } from '@/lib/password';
import { clientAddress, createThrottle, memoryThrottleStore, trustedProxyHops } from '@/lib/rate-limit';
import { hasRole } from '@/lib/roles';

let db: Db;
beforeEach(() => {
  db = openDatabase(':memory:');
});

describe('passwords', () => {
  it('hashes with argon2id and verifies', async () => {
    const h = await hashPassword('correct horse battery');
    expect(h).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(h, 'correct horse battery')).toBe(true);
    expect(await verifyPassword(h, 'wrong')).toBe(false);
    expect(await verifyPassword('not a hash', 'x')).toBe(false);
  });
  it('generates unambiguous random passwords', () => {
    const a = generatePassword();
    expect(a).toMatch(/^[a-km-zA-HJ-NP-Z2-9]{20}$/);
    expect(generatePassword()).not.toBe(a);
  });
});

describe('roles', () => {
  it('orders support < engineer < admin', () => {
    expect(hasRole('admin', 'support')).toBe(true);
    expect(hasRole('engineer', 'engineer')).toBe(true);
    expect(hasRole('engineer', 'admin')).toBe(false);
    expect(hasRole('support', 'engineer')).toBe(false);
  });
});

describe('users', () => {
  it('normalizes email and refuses duplicates', async () => {
    await createUser(db, { email: ' Ann@Example.COM ', role: 'support', password: 'pw-long-enough' });
    expect(getUserByEmail(db, 'ann@example.com')?.role).toBe('support');
    await expect(createUser(db, { email: 'ann@example.com', role: 'admin' })).rejects.toThrow(/already exists/);
  });

  it('answers invalid for unknown and disabled users', async () => {
    const { user } = await createUser(db, { email: 'd@x.io', role: 'admin', password: 'right-password' });
    setUserDisabled(db, user.id, true);
    expect(await checkPassword(db, 'd@x.io', 'right-password')).toMatchObject({ ok: false, reason: 'invalid' });
    expect(await checkPassword(db, 'ghost@x.io', 'whatever')).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('ensureDemoAdmin creates then resets the demo admin', async () => {
    const first = ensureDemoAdmin(db);
    expect((await checkPassword(db, first.email, first.password)).ok).toBe(true);
    const second = ensureDemoAdmin(db);
    expect(second.email).toBe(first.email);
    expect((await checkPassword(db, second.email, second.password)).ok).toBe(true);
    expect((await checkPassword(db, first.email, first.password)).ok).toBe(false);
  });
});

describe('signIn', () => {
  const T0 = 1_800_000_000_000;
  const sign = (email: string, password: string, address: string, now: number, device?: string) => signIn(db, { email, password, address, device }, now);

  it('creates a session, audits it, and makes an account wait longer after each failure past three', async () => {
    await createUser(db, { email: 's@x.io', role: 'engineer', password: 'right-password' });
    const ok = await sign('s@x.io', 'right-password', '1.2.3.4', T0);
    expect(ok.ok).toBe(true);
    if (!ok.ok) return;
    expect(findSession(db, ok.token)?.email).toBe('s@x.io');
    expect(listAudit(db).map((e) => e.action)).toContain('auth.login');
    for (let i = 0; i < ACCOUNT_RULE.free - 1; i++) expect(await sign('s@x.io', 'bad', '1.2.3.4', T0 + i)).toMatchObject({ code: 'invalid_credentials' });
    const first = await sign('s@x.io', 'bad', '1.2.3.4', T0 + 10);
    expect(first).toMatchObject({ ok: false, code: 'login_locked', retry_after_s: 10, message: 'Too many failed sign-in attempts. Try again in 10 seconds.' });
    // While waiting even the right password is refused; afterwards it works.
    expect(await sign('s@x.io', 'right-password', '1.2.3.4', T0 + 5_000)).toMatchObject({ code: 'login_locked', retry_after_s: 6 });
    expect(await sign('s@x.io', 'bad', '1.2.3.4', T0 + 10_010)).toMatchObject({ code: 'login_locked', retry_after_s: 20 });
    expect(await sign('s@x.io', 'bad', '1.2.3.4', T0 + 30_010)).toMatchObject({ code: 'login_locked', retry_after_s: 40 });
    expect((await sign('s@x.io', 'right-password', '1.2.3.4', T0 + 70_010)).ok).toBe(true);
    expect(listAudit(db, { action: 'auth.lockout' })).toHaveLength(1);
  });

  // A restart must not hand a guesser a fresh set of tries, the admin pages must see who is waiting, and another
  // admin's password reset (the CLI is another process) must let the owner back in.
  it('keeps the waits across a restart, shows the account as locked, and a password reset clears it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'errata-throttle-'));
    const file = path.join(dir, 'meta.db');
    const now = Date.now();
    const before = openDatabase(file);
    const { user } = await createUser(before, { email: 'r@x.io', role: 'engineer', password: 'right-password' });
    for (let i = 0; i < ACCOUNT_RULE.free; i++) await signIn(before, { email: 'r@x.io', password: 'bad', address: '5.6.7.8' }, now + i);
    expect(getUserByEmail(before, 'r@x.io')?.locked_until_ms).toBe(now + ACCOUNT_RULE.free - 1 + ACCOUNT_RULE.baseMs);
    before.$client.close();
    const after = openDatabase(file); // the server restarted
    expect(await signIn(after, { email: 'r@x.io', password: 'right-password', address: '5.6.7.8' }, now + 1_000)).toMatchObject({ code: 'login_locked', retry_after_s: 10 });
    const cli = openDatabase(file);
    await setUserPassword(cli, user.id, 'a-new-password');
    cli.$client.close();
    expect(await signIn(after, { email: 'r@x.io', password: 'a-new-password', address: '5.6.7.8' }, now + 2_000)).toMatchObject({ ok: true });
    expect(getUserByEmail(after, 'r@x.io')?.locked_until_ms).toBeNull();
    after.$client.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  // Issue 15, finding 4: the answers (status, message, Retry-After) and the work done must not tell an existing
  // account from an unknown or a disabled one.
  it('existing, unknown and disabled accounts answer alike, with the same hashing work', async () => {
    await createUser(db, { email: 'real@x.io', role: 'support', password: 'right-password' });
    const { user } = await createUser(db, { email: 'off@x.io', role: 'support', password: 'right-password' });
    setUserDisabled(db, user.id, true);
    const answers = async (email: string) => {
      const out = [];
      const ms = [];
      for (let i = 0; i < 8; i++) {
        const t = performance.now();
        const r = await sign(email, 'bad', `addr-${email}`, T0 + i * 7_000);
        ms.push(performance.now() - t);
        out.push(r.ok ? 'ok' : JSON.stringify(r));
      }
      return { out, checkedMs: Math.min(...ms.slice(0, ACCOUNT_RULE.free)) };
    };
    const real = await answers('real@x.io');
    const ghost = await answers('ghost@x.io');
    const off = await answers('off@x.io');
    expect(ghost.out).toEqual(real.out);
    expect(off.out).toEqual(real.out);
    // Each failed check runs argon2 (tens of ms), for every kind of account.
    // Fastest against fastest: a busy machine stretches single timings at random, never below the work itself.
    const hash = await hashPassword('x'.repeat(12));
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      await verifyPassword(hash, 'y');
      runs.push(performance.now() - t);
    }
    const argon = Math.min(...runs);
    for (const a of [real, ghost, off]) expect(a.checkedMs).toBeGreaterThan(argon * 0.3);
  });

  it('slows one address across many accounts', async () => {
    let res;
    for (let i = 0; i <= ADDRESS_RULE.free; i++) res = await sign(`nobody${i}@x.io`, 'x', '9.9.9.9', T0 + i);
    expect(res).toMatchObject({ ok: false, code: 'login_locked', retry_after_s: 1 });
    expect(await sign('other@x.io', 'x', '9.9.9.9', T0 + 100)).toMatchObject({ code: 'login_locked' });
    expect(await sign('other@x.io', 'x', '8.8.8.8', T0 + 100)).toMatchObject({ code: 'invalid_credentials' });
  });

  // Issue 15, finding 2: 300 failed sign-ins from as many addresses used to pause sign-in for everyone (the admin
  // included) for 15 minutes. Now the flood slows only the accounts it guesses at, and the admin's own browser
  // (device cookie from an earlier sign-in) gets in while the admin account itself is under attack.
  it('a 300-address flood does not lock out the admin on a known device, and guesses stay slow', async () => {
    await createUser(db, { email: 'admin@x.io', role: 'admin', password: 'right-password' });
    await createUser(db, { email: 'sup@x.io', role: 'support', password: 'other-password' });
    const earlier = await sign('admin@x.io', 'right-password', '192.0.2.1', T0 - 3_600_000);
    expect(earlier.ok).toBe(true);
    const device = earlier.ok ? earlier.device : '';
    let tries = 0;
    let lastRetry = 0;
    for (let i = 0; i < 300; i++) {
      const now = T0 + i * 200; // 300 attempts in a minute, each from a new address, alternating accounts
      const target = i % 2 ? 'admin@x.io' : `user${i}@x.io`;
      const r = await sign(target, `guess-${i}`, `10.0.${i >> 8}.${i & 255}`, now);
      if (target === 'admin@x.io') {
        expect(r.ok).toBe(false);
        // A guess that reached the password check: a plain failure, or the failure that started a new wait.
        if (!r.ok && (r.code === 'invalid_credentials' || r.retry_after_s > lastRetry)) tries++;
        lastRetry = !r.ok && r.code === 'login_locked' ? r.retry_after_s : 0;
      }
      if (i === 150) {
        // Mid-flood: the admin signs in from the known device; another account from a fresh address too.
        expect((await sign('admin@x.io', 'right-password', '192.0.2.1', now, device)).ok).toBe(true);
        expect((await sign('sup@x.io', 'other-password', '198.51.100.7', now)).ok).toBe(true);
      }
    }
    expect(tries).toBeLessThanOrEqual(6);
    // Without the device cookie the admin account is still slowed down, from any address.
    expect(await sign('admin@x.io', 'right-password', '192.0.2.99', T0 + 60_000)).toMatchObject({ code: 'login_locked' });
    // A device cookie for another account, or a forged one, does not help.
    expect(await sign('admin@x.io', 'right-password', '192.0.2.1', T0 + 60_000, issueDevice(db, 'sup@x.io'))).toMatchObject({ code: 'login_locked' });
    expect(await sign('admin@x.io', 'right-password', '192.0.2.1', T0 + 60_000, `${device.slice(0, -2)}xx`)).toMatchObject({ code: 'login_locked' });
  }, 180_000); // ~150 argon2 checks (each new account's first guess)

  it('reads the client address from the socket, and from X-Forwarded-For only as far as the proxies are trusted', () => {
    const req = (h: Record<string, string>) => new Request('http://x/api/auth/login', { headers: h });
    const forged = req({ 'x-forwarded-for': '6.6.6.6, 203.0.113.7', 'x-errata-peer': '127.0.0.1' });
    expect(clientAddress(forged, 1)).toBe('203.0.113.7'); // what our proxy saw, not what the client wrote
    expect(clientAddress(forged, 2)).toBe('6.6.6.6');
    expect(clientAddress(forged, 5)).toBe('6.6.6.6');
    expect(clientAddress(forged, 0)).toBe('127.0.0.1'); // no trusted proxy: the socket, never the header
    expect(clientAddress(req({ 'x-forwarded-for': '6.6.6.6' }), 0)).toBe('unknown');
    expect(trustedProxyHops({ ERRATA_TRUST_PROXY: '1' })).toBe(1);
    expect(trustedProxyHops({})).toBe(0);
    expect(trustedProxyHops({ ERRATA_TRUST_PROXY: 'yes' })).toBe(0);
  });

  it('the memory store keeps at most maxKeys counters, dropping the oldest quiet one', () => {
    const th = createThrottle({ free: 0, baseMs: 1000, capMs: 8000, forgetMs: 60_000 }, memoryThrottleStore(2));
    th.fail('a', 0);
    th.fail('b', 1);
    th.fail('a', 2);
    th.fail('c', 3);
    expect(th.failures('a', 4)).toBe(2);
    expect(th.failures('b', 4)).toBe(0);
    expect(th.failures('c', 4)).toBe(1);
  });

  it('throttle waits double and are forgotten after an idle hour', () => {
    const th = createThrottle({ free: 2, baseMs: 1000, capMs: 4000, forgetMs: 60_000 });
    expect(th.fail('k', 0)).toBe(0);
    expect(th.fail('k', 10)).toBe(1);
    expect(th.retryAfter('k', 20)).toBe(1);
    expect(th.retryAfter('k', 1010)).toBe(0);
    expect(th.fail('k', 1010)).toBe(2);
    expect(th.fail('k', 3010)).toBe(4);
    expect(th.fail('k', 7010)).toBe(4);
    expect(th.retryAfter('k', 7010 + 60_000)).toBe(0);
    expect(th.fail('k', 7010 + 60_000)).toBe(0);
  });
});

describe('sessions', () => {
  it('stores only the hash, slides expiry, and caps the lifetime', async () => {
    const { user } = await createUser(db, { email: 'x@x.io', role: 'support', password: 'pw-long-enough' });
    const t0 = 1_800_000_000_000;
    const { token } = createSession(db, user.id, t0);
    const row = db.select().from(sessions).get()!;
    expect(row.id_hash).toBe(hashSessionToken(token));
    expect(row.id_hash).not.toContain(token);
    // Used every 6 days: still valid after 20 days (sliding), gone after the 30-day cap.
    for (let day = 6; day <= 24; day += 6) expect(findSession(db, token, t0 + day * 86_400_000)?.user_id).toBe(user.id);
    expect(findSession(db, token, t0 + SESSION_MAX_MS + 1)).toBeUndefined();
  });

  it('expires when idle and ends on sign-out, disable or role-independent deletion', async () => {
    const { user } = await createUser(db, { email: 'y@x.io', role: 'support', password: 'pw-long-enough' });
    const t0 = 1_800_000_000_000;
    const a = createSession(db, user.id, t0);
    expect(findSession(db, a.token, t0 + SESSION_IDLE_MS + 1)).toBeUndefined();
    const b = createSession(db, user.id);
    deleteSession(db, b.token);
    expect(findSession(db, b.token)).toBeUndefined();
    const c = createSession(db, user.id);
    setUserDisabled(db, user.id, true);
    expect(findSession(db, c.token)).toBeUndefined();
    setUserDisabled(db, user.id, false);
    const d = createSession(db, user.id);
    expect(deleteUserSessions(db, user.id)).toBe(1);
    expect(findSession(db, d.token)).toBeUndefined();
    expect(findSession(db, '')).toBeUndefined();
  });
});

describe('cookies and origin', () => {
  it('builds HttpOnly SameSite=Lax cookies, Secure only on https', () => {
    const c = sessionCookie('abc', 1000 + 60_000, false, 1000);
    expect(c).toBe('errata_session=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=60');
    expect(sessionCookie('abc', 61_000, true, 1000)).toMatch(/; Secure$/);
    expect(clearedSessionCookie(true)).toMatch(/Max-Age=0; Secure$/);
    expect(readCookie('a=1; errata_session=tok%3D; b=2', 'errata_session')).toBe('tok=');
    expect(readCookie(null, 'errata_session')).toBeUndefined();
  });

  it('accepts same-origin mutations only', () => {
    const req = (method: string, headers: Record<string, string>) => new Request('http://127.0.0.1:3000/api/x', { method, headers: { host: 'errata.example:3000', ...headers } });
    expect(isSameOrigin(req('GET', {}))).toBe(true);
    expect(isSameOrigin(req('POST', { origin: 'http://errata.example:3000' }))).toBe(true);
    expect(isSameOrigin(req('POST', { origin: 'https://evil.example' }))).toBe(false);
    expect(isSameOrigin(req('POST', { origin: 'null' }))).toBe(false);
    expect(isSameOrigin(req('POST', {}))).toBe(false);
    expect(isSameOrigin(req('DELETE', { 'sec-fetch-site': 'same-origin' }))).toBe(true);
    expect(isSameOrigin(req('PATCH', { 'sec-fetch-site': 'cross-site' }))).toBe(false);
  });
});

describe('settings and audit', () => {
  it('retention defaults to the environment and can be changed', () => {
    expect(getRetentionDays(db)).toBe(30);
    setRetentionDays(db, 90);
    expect(getRetentionDays(db)).toBe(90);
    expect(() => setRetentionDays(db, 0)).toThrow(RangeError);
    expect(() => setRetentionDays(db, 1.5)).toThrow(RangeError);
  });

  it('audit entries are listed newest first with keyset paging', () => {
    for (let i = 0; i < 5; i++) recordAudit(db, { actor: 'a@x.io', action: 'export.requests', target: null, details: { n: i } });
    const page = listAudit(db, { limit: 2 });
    expect(page.map((e) => e.details?.n)).toEqual([4, 3]);
    expect(listAudit(db, { limit: 2, before_id: page[1].id }).map((e) => e.details?.n)).toEqual([2, 1]);
  });
});

describe('admin actions', () => {
  it('keeps at least one active admin and audits changes', async () => {
    const { user: admin } = await inviteUser(db, 'cli', { email: 'root@x.io', role: 'admin' });
    expect(() => updateUser(db, 'root@x.io', admin.id, { role: 'support' })).toThrow(ApiError);
    expect(() => updateUser(db, 'root@x.io', admin.id, { disabled: true })).toThrow(/last active admin/);
    const { user: eng } = await inviteUser(db, 'root@x.io', { email: 'eng@x.io', role: 'engineer' });
    const s = createSession(db, eng.id);
    expect(updateUser(db, 'root@x.io', eng.id, { role: 'admin' }).role).toBe('admin');
    expect(updateUser(db, 'root@x.io', admin.id, { role: 'support' }).role).toBe('support');
    updateUser(db, 'root@x.io', admin.id, { role: 'admin' });
    updateUser(db, 'root@x.io', eng.id, { disabled: true });
    expect(findSession(db, s.token)).toBeUndefined();
    expect(listAudit(db).map((e) => e.action)).toEqual(expect.arrayContaining(['user.create', 'user.set_role', 'user.disable']));
    await expect(inviteUser(db, 'root@x.io', { email: 'not-an-email', role: 'support' })).rejects.toThrow(/valid email/);
  });
});

describe('redirect targets and CSP', () => {
  it('safeNext keeps only local paths', async () => {
    const { safeNext } = await import('@/auth/page');
    expect(safeNext('/admin/users?x=1')).toBe('/admin/users?x=1');
    for (const bad of ['//evil.example/', '/\\evil.example', 'https://evil.example', 'javascript:alert(1)', '', null, undefined, '/' + 'a'.repeat(2001)]) {
      expect(safeNext(bad)).toBe('/');
    }
  });

  it('the page CSP allows scripts only by nonce and forbids framing', async () => {
    const { contentSecurityPolicy } = await import('@/proxy');
    const csp = contentSecurityPolicy('abc123');
    expect(csp).toContain("script-src 'self' 'nonce-abc123' 'strict-dynamic'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(contentSecurityPolicy('abc123', true)).toContain("'unsafe-eval'");
  });
});
