import { beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '@/db/client';
import { listAudit, recordAudit } from '@/db/queries/audit';
import { createSession, deleteSession, deleteUserSessions, findSession, hashSessionToken, SESSION_IDLE_MS, SESSION_MAX_MS } from '@/db/queries/sessions';
import { getRetentionDays, setRetentionDays } from '@/db/queries/settings';
import { checkPassword, createUser, ensureDemoAdmin, getUserByEmail, LOCKOUT_MS, LOCKOUT_THRESHOLD, setUserDisabled } from '@/db/queries/users';
import { sessions } from '@/db/schema';
import { ApiError } from '@/lib/api-error';
import { inviteUser, updateUser } from '@/lib/auth/admin';
import { clearedSessionCookie, readCookie, sessionCookie } from '@/lib/auth/cookies';
import { isSameOrigin } from '@/lib/auth/csrf';
import { GLOBAL_MAX_FAILURES, resetLoginLimiter, signIn } from '@/lib/auth/login';
import { generatePassword, hashPassword, verifyPassword } from '@/lib/auth/password';
import { clientAddress, createLimiter, trustedProxyHops } from '@/lib/auth/rate-limit';
import { hasRole } from '@/lib/auth/roles';

let db: Db;
beforeEach(() => {
  db = openDatabase(':memory:');
  resetLoginLimiter();
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

describe('users and lockout', () => {
  it('normalizes email and refuses duplicates', async () => {
    await createUser(db, { email: ' Ann@Example.COM ', role: 'support', password: 'pw-long-enough' });
    expect(getUserByEmail(db, 'ann@example.com')?.role).toBe('support');
    await expect(createUser(db, { email: 'ann@example.com', role: 'admin' })).rejects.toThrow(/already exists/);
  });

  it('locks the account after the threshold and unlocks after LOCKOUT_MS', async () => {
    await createUser(db, { email: 'a@x.io', role: 'support', password: 'right-password' });
    const t0 = 1_800_000_000_000;
    for (let i = 1; i < LOCKOUT_THRESHOLD; i++) expect(await checkPassword(db, 'a@x.io', 'nope', t0 + i)).toMatchObject({ ok: false, reason: 'invalid' });
    const locked = await checkPassword(db, 'a@x.io', 'nope', t0 + 10);
    expect(locked).toEqual({ ok: false, reason: 'locked', locked_until_ms: t0 + 10 + LOCKOUT_MS });
    // Even the right password is refused while locked.
    expect((await checkPassword(db, 'a@x.io', 'right-password', t0 + 20)).ok).toBe(false);
    expect((await checkPassword(db, 'a@x.io', 'right-password', t0 + 10 + LOCKOUT_MS)).ok).toBe(true);
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
  it('creates a session, audits it, and says when the account is locked', async () => {
    await createUser(db, { email: 's@x.io', role: 'engineer', password: 'right-password' });
    const ok = await signIn(db, { email: 's@x.io', password: 'right-password', address: '1.2.3.4' });
    expect(ok.ok).toBe(true);
    if (!ok.ok) return;
    expect(findSession(db, ok.token)?.email).toBe('s@x.io');
    expect(listAudit(db).map((e) => e.action)).toContain('auth.login');
    let last;
    for (let i = 0; i < LOCKOUT_THRESHOLD; i++) last = await signIn(db, { email: 's@x.io', password: 'bad', address: '1.2.3.4' });
    expect(last).toMatchObject({ ok: false, code: 'login_locked' });
    expect(last && !last.ok && last.message).toMatch(/locked; try again in 15 minutes/);
    expect(listAudit(db, { action: 'auth.lockout' })).toHaveLength(1);
  });

  it('locks unknown emails the same way, so the lockout reveals no account', async () => {
    await createUser(db, { email: 'real@x.io', role: 'support', password: 'right-password' });
    const answers = async (email: string) => {
      const out = [];
      for (let i = 0; i < LOCKOUT_THRESHOLD + 1; i++) {
        const r = await signIn(db, { email, password: 'bad', address: `addr-${email}` });
        out.push(r.ok ? 'ok' : `${r.code}: ${r.message}`);
      }
      return out;
    };
    expect(await answers('ghost@x.io')).toEqual(await answers('real@x.io'));
  });

  it('rate-limits one address across many accounts', async () => {
    let res;
    for (let i = 0; i < 31; i++) res = await signIn(db, { email: `nobody${i}@x.io`, password: 'x', address: '9.9.9.9' });
    expect(res).toMatchObject({ ok: false, code: 'login_locked' });
    expect((await signIn(db, { email: 'nobody@x.io', password: 'x', address: '8.8.8.8' })).ok).toBe(false);
  });

  // A client that forges X-Forwarded-For gets a fresh "address" per attempt; without a trusted proxy, the
  // all-addresses ceiling still stops it, and it stops a real user's correct password too until the window ends.
  it('pauses sign-in for everyone after too many failures from forged addresses, unless the proxy is trusted', async () => {
    await createUser(db, { email: 'real@x.io', role: 'support', password: 'right-password' });
    const spray = async (addressTrusted: boolean) => {
      // One unknown email: after the first few tries it is locked, so the rest cost no password hashing.
      for (let i = 0; i < GLOBAL_MAX_FAILURES; i++) {
        await signIn(db, { email: 'ghost@x.io', password: 'x', address: `10.0.${i >> 8}.${i & 255}`, addressTrusted }, 1_000);
      }
      return signIn(db, { email: 'real@x.io', password: 'right-password', address: '192.0.2.1', addressTrusted }, 2_000);
    };
    const paused = await spray(false);
    expect(paused).toMatchObject({ ok: false, code: 'login_locked' });
    if (!paused.ok) expect(paused.message).toMatch(/sign-in is paused/i);
    // The window ends: sign-in works again.
    expect((await signIn(db, { email: 'real@x.io', password: 'right-password', address: '192.0.2.1', addressTrusted: false }, 1_000 + 15 * 60_000)).ok).toBe(true);
    resetLoginLimiter();
    expect((await spray(true)).ok).toBe(true);
  });

  it('reads the client address from X-Forwarded-For only as far as the proxies are trusted', () => {
    const req = (h: Record<string, string>) => new Request('http://x/api/auth/login', { headers: h });
    const forged = req({ 'x-forwarded-for': '6.6.6.6, 203.0.113.7' });
    expect(clientAddress(forged, 1)).toBe('203.0.113.7'); // what our proxy saw, not what the client wrote
    expect(clientAddress(forged, 2)).toBe('6.6.6.6');
    expect(clientAddress(forged, 5)).toBe('6.6.6.6');
    expect(clientAddress(forged, 0)).toBe('6.6.6.6'); // untrusted: the client's word (the global ceiling backs it)
    expect(clientAddress(req({}), 0)).toBe('local');
    expect(trustedProxyHops({ ERRATA_TRUST_PROXY: '1' })).toBe(1);
    expect(trustedProxyHops({})).toBe(0);
    expect(trustedProxyHops({ ERRATA_TRUST_PROXY: 'yes' })).toBe(0);
  });

  it('limiter windows expire', () => {
    const l = createLimiter(2, 1000);
    l.fail('k', 0);
    l.fail('k', 10);
    expect(l.retryAfter('k', 20)).toBe(1);
    expect(l.retryAfter('k', 1000)).toBe(0);
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
    const { safeNext } = await import('@/lib/auth/page');
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
