// Sign-in, sign-out, lockout, CSRF, first-run setup and admin actions over HTTP against the production build.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '@/db/client';
import { listAudit } from '@/db/queries/audit';
import { getRetentionDays } from '@/db/queries/settings';
import { createUser } from '@/db/queries/users';
import { startServer, type TestServer } from '../support/server';

const PASSWORD = 'http-test-password';

async function post(server: TestServer, path: string, body: unknown, init: { cookie?: string; origin?: string | null; form?: boolean; method?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': init.form ? 'application/x-www-form-urlencoded' : 'application/json' };
  if (init.origin !== null) headers.origin = init.origin ?? server.baseUrl;
  if (init.cookie) headers.cookie = init.cookie;
  const payload = init.form ? new URLSearchParams(body as Record<string, string>).toString() : JSON.stringify(body);
  return fetch(server.baseUrl + path, { method: init.method ?? 'POST', headers, body: payload, redirect: 'manual' });
}

function sessionFrom(res: Response): string {
  const set = res.headers.get('set-cookie') ?? '';
  const m = /errata_session=([^;]*)/.exec(set);
  if (!m) throw new Error(`no session cookie in ${set}`);
  return `errata_session=${m[1]}`;
}

describe('auth over HTTP', () => {
  let server: TestServer;
  let db: Db;

  beforeAll(async () => {
    server = await startServer();
    db = openDatabase(server.databasePath);
    await createUser(db, { email: 'admin@http.test', role: 'admin', password: PASSWORD });
    await createUser(db, { email: 'lock@http.test', role: 'support', password: PASSWORD });
  }, 120_000);

  afterAll(async () => {
    db?.$client.close();
    await server?.stop();
  });

  it('signs in with JSON, sets a hardened cookie, and signs out for good', async () => {
    const res = await post(server, '/api/auth/login', { email: 'ADMIN@http.test', password: PASSWORD });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    expect(await res.json()).toEqual({ user: { email: 'admin@http.test', role: 'admin' } });
    const [set, device] = res.headers.getSetCookie();
    expect(set).toMatch(/^errata_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
    expect(device).toMatch(/^errata_device=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}; Path=\/api\/auth\/login; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    const cookie = sessionFrom(res);
    const me = await fetch(`${server.baseUrl}/api/auth/session`, { headers: { cookie } });
    expect(await me.json()).toEqual({ kind: 'user', user: { email: 'admin@http.test', role: 'admin' } });

    // Sign-out from another site is refused; from our origin it ends the session on the server.
    expect((await post(server, '/api/auth/logout', {}, { cookie, origin: 'https://evil.example' })).status).toBe(403);
    const out = await post(server, '/api/auth/logout', {}, { cookie });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/^errata_session=; Path=\/; HttpOnly; SameSite=Lax; Max-Age=0$/);
    const after = await fetch(`${server.baseUrl}/api/auth/session`, { headers: { cookie } });
    expect(after.status).toBe(401);
    expect((await after.json()).error.code).toBe('invalid_credentials');
    expect(listAudit(db).map((e) => e.action)).toEqual(expect.arrayContaining(['auth.login', 'auth.logout']));
  });

  it('marks the cookie Secure behind an https proxy', async () => {
    const res = await fetch(`${server.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.baseUrl, 'x-forwarded-proto': 'https' },
      body: JSON.stringify({ email: 'admin@http.test', password: PASSWORD }),
    });
    for (const c of res.headers.getSetCookie()) expect(c).toMatch(/; Secure$/);
  });

  it('form sign-in redirects to a local next only', async () => {
    const ok = await post(server, '/api/auth/login', { email: 'admin@http.test', password: PASSWORD, next: '/admin/audit' }, { form: true });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/admin/audit');
    const evil = await post(server, '/api/auth/login', { email: 'admin@http.test', password: PASSWORD, next: '//evil.example/x' }, { form: true });
    expect(evil.headers.get('location')).toBe('/');
    const bad = await post(server, '/api/auth/login', { email: 'admin@http.test', password: 'nope', next: '/admin' }, { form: true });
    expect(bad.headers.get('location')).toBe('/login?error=invalid&next=%2Fadmin');
  });

  it('makes an account wait after three failures: 429 login_locked with Retry-After', async () => {
    for (let i = 0; i < 2; i++) {
      const r = await post(server, '/api/auth/login', { email: 'lock@http.test', password: 'wrong' });
      expect(r.status).toBe(401);
      expect((await r.json()).error).toMatchObject({ code: 'invalid_credentials', message: 'Wrong email or password.' });
    }
    const locked = await post(server, '/api/auth/login', { email: 'lock@http.test', password: 'wrong' });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBe(10);
    const body = await locked.json();
    expect(body.error.code).toBe('login_locked');
    expect(body.error.message).toBe('Too many failed sign-in attempts. Try again in 10 seconds.');
    const right = await post(server, '/api/auth/login', { email: 'lock@http.test', password: PASSWORD });
    expect(right.status).toBe(429);
  });

  it('admin API: invite, change role, disable (ending sessions), tokens, retention; all audited', async () => {
    const cookie = sessionFrom(await post(server, '/api/auth/login', { email: 'admin@http.test', password: PASSWORD }));
    const invite = await post(server, '/api/v1/admin/users', { email: 'new@http.test', role: 'support' }, { cookie });
    expect(invite.status).toBe(201);
    const { user, password } = await invite.json();
    expect(password).toMatch(/^[A-Za-z0-9]{20}$/);
    const theirs = sessionFrom(await post(server, '/api/auth/login', { email: 'new@http.test', password }));
    expect((await post(server, `/api/v1/admin/users/${user.id}`, { role: 'engineer' }, { cookie, method: 'PATCH' })).status).toBe(200);
    const reset = await post(server, `/api/v1/admin/users/${user.id}`, { reset_password: true }, { cookie, method: 'PATCH' });
    expect(reset.status).toBe(200);
    const fresh = (await reset.json()).password as string;
    expect(fresh).not.toBe(password);
    expect((await fetch(`${server.baseUrl}/api/auth/session`, { headers: { cookie: theirs } })).status).toBe(401);
    expect((await post(server, '/api/auth/login', { email: 'new@http.test', password })).status).toBe(401);
    const theirsAgain = sessionFrom(await post(server, '/api/auth/login', { email: 'new@http.test', password: fresh }));
    expect((await post(server, `/api/v1/admin/users/${user.id}`, { disabled: true }, { cookie, method: 'PATCH' })).status).toBe(200);
    expect((await fetch(`${server.baseUrl}/api/auth/session`, { headers: { cookie: theirsAgain } })).status).toBe(401);
    expect((await post(server, '/api/auth/login', { email: 'new@http.test', password: fresh })).status).toBe(401);

    const created = await post(server, '/api/v1/admin/tokens', { name: 'shipper', scopes: ['read'] }, { cookie });
    expect(created.status).toBe(201);
    const token = await created.json();
    expect(token.token).toMatch(/^errata_/);
    const list = await (await fetch(`${server.baseUrl}/api/v1/admin/tokens`, { headers: { cookie } })).json();
    expect(JSON.stringify(list)).not.toContain(token.token);
    expect((await fetch(`${server.baseUrl}/api/auth/session`, { headers: { authorization: `Bearer ${token.token}` } })).status).toBe(200);
    expect((await post(server, `/api/v1/admin/tokens/${token.id}`, undefined, { cookie, method: 'DELETE' })).status).toBe(200);
    const revoked = await fetch(`${server.baseUrl}/api/auth/session`, { headers: { authorization: `Bearer ${token.token}` } });
    expect(revoked.status).toBe(401);
    expect((await revoked.json()).error.message).toBe('The token was revoked.');

    expect((await post(server, '/api/v1/admin/retention', { retention_days: 90 }, { cookie, method: 'PUT' })).status).toBe(200);
    expect(getRetentionDays(db)).toBe(90);

    const audit = await (await fetch(`${server.baseUrl}/api/v1/admin/audit?limit=50`, { headers: { cookie } })).json();
    const actions = audit.entries.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['user.create', 'user.set_role', 'user.disable', 'user.reset_password', 'token.create', 'token.revoke', 'retention.set']));
    expect(audit.entries.find((e: { action: string }) => e.action === 'retention.set')).toMatchObject({ actor: 'admin@http.test', details: { to: 90 } });
  });

  it('lets a signed-in user change their password, ending their other sessions', async () => {
    await createUser(db, { email: 'self@http.test', role: 'support', password: PASSWORD });
    const a = sessionFrom(await post(server, '/api/auth/login', { email: 'self@http.test', password: PASSWORD }));
    const b = sessionFrom(await post(server, '/api/auth/login', { email: 'self@http.test', password: PASSWORD }));
    const wrong = await post(server, '/api/auth/password', { current_password: 'nope-nope-nope', new_password: 'a-new-password-1' }, { cookie: a });
    expect(wrong.status).toBe(401);
    const weak = await post(server, '/api/auth/password', { current_password: PASSWORD, new_password: 'short' }, { cookie: a });
    expect((await weak.json()).error).toMatchObject({ code: 'invalid_parameter', details: { field: 'new_password' } });
    const ok = await post(server, '/api/auth/password', { current_password: PASSWORD, new_password: 'a-new-password-1', confirm_password: 'a-new-password-1' }, { cookie: a, form: true });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/account?changed=1');
    const renewed = sessionFrom(ok);
    for (const [cookie, status] of [[a, 401], [b, 401], [renewed, 200]] as const) {
      expect((await fetch(`${server.baseUrl}/api/auth/session`, { headers: { cookie } })).status).toBe(status);
    }
    expect((await post(server, '/api/auth/login', { email: 'self@http.test', password: 'a-new-password-1' })).status).toBe(200);
  });

  it('never echoes internals: malformed JSON gets the envelope, not a stack', async () => {
    const cookie = sessionFrom(await post(server, '/api/auth/login', { email: 'admin@http.test', password: PASSWORD }));
    const res = await fetch(`${server.baseUrl}/api/v1/admin/users`, { method: 'POST', headers: { cookie, origin: server.baseUrl, 'content-type': 'application/json' }, body: '{"email":' });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(JSON.parse(text).error.code).toBe('invalid_body');
    expect(text).not.toMatch(/at .*\.js|SyntaxError|node_modules/);
    const huge = await post(server, '/api/auth/login', { email: 'a@b.c', password: 'x'.repeat(100_000) });
    expect(huge.status).toBe(413);
    expect((await huge.json()).error.code).toBe('payload_too_large');
  });
});

describe('first-run setup over HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('prints a one-time code at start when no user exists, and creates the first admin with it once', async () => {
    const printedAtStart = /\[errata\]\s+([0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4})/.exec(server.output())?.[1];
    expect(printedAtStart).toBeTruthy();
    const login = await fetch(`${server.baseUrl}/login`);
    expect(await login.text()).toContain('No users yet');
    const page = await fetch(`${server.baseUrl}/setup`, { redirect: 'manual' });
    expect(page.status).toBe(200);
    const code = /one-time code[^\n]*\n\[errata\]\s+([0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4})/.exec(server.output())?.[1];
    expect(code).toBe(printedAtStart);

    const wrong = await post(server, '/api/auth/setup', { code: '0000-0000-0000-0000', email: 'first@setup.test', password: 'first-admin-pw' }, { form: true });
    expect(wrong.headers.get('location')).toBe('/setup?error=code');
    const ok = await post(server, '/api/auth/setup', { code: code!, email: 'first@setup.test', password: 'first-admin-pw' }, { form: true });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/');
    const cookie = sessionFrom(ok);
    expect(await (await fetch(`${server.baseUrl}/api/auth/session`, { headers: { cookie } })).json()).toMatchObject({ user: { email: 'first@setup.test', role: 'admin' } });

    const again = await post(server, '/api/auth/setup', { code: code!, email: 'second@setup.test', password: 'second-admin-pw' });
    expect(again.status).toBe(403);
    expect((await fetch(`${server.baseUrl}/setup`, { redirect: 'manual' })).headers.get('location')).toBe('/login');
  });
});
