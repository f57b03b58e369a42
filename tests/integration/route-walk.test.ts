// Walks every page and API route in the production build (read from its app-paths manifest) as: nobody, a
// revoked token, a wrong-scope token, a right-scope token, and each role, and asserts the exact answer.
// A route the build contains but EXPECTATIONS does not list fails the test: add it there with its rule.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '@/db/client';
import { createSession } from '@/db/queries/sessions';
import { createToken, revokeToken } from '@/db/queries/tokens';
import { createUser } from '@/db/queries/users';
import type { TokenScope, UserRole } from '@/lib/roles';
import { distDir, startServer, type TestServer } from '../support/server';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
interface Need {
  scope: TokenScope;
  role: UserRole;
}
/** What a caller gets when let through; a number is the exact status. */
interface ApiCall {
  method: Method;
  path: string;
  need: Need;
  /** Status for a caller let through; with the envelope code when it is an error (bodies that must not mutate). */
  ok: number;
  okCode?: string;
  /** When a right-scope token still may not (a password is a user's): its exact answer. */
  forToken?: { status: number; code: string };
  body?: unknown;
}
interface PublicCall {
  method: Method;
  path: string;
  body?: unknown;
  status: number;
  code?: string;
  sameOrigin?: boolean;
}
interface Outcome {
  status: number;
  location?: string;
}
type RouteSpec =
  /** A signed-in page: nobody (and any Bearer token) → 307 /login?next=path; role too low → 403; else `ok`. */
  | { kind: 'page'; path: string; role: UserRole; ok?: number; instead?: Partial<Record<UserRole, Outcome>> }
  /** A page anyone may open (sign-in, setup): what nobody and what each signed-in role get. */
  | { kind: 'public-page'; path: string; anonymous: Outcome; signedIn: Partial<Record<UserRole, Outcome>> & { default: Outcome } }
  /** API route handlers: every call walked with every principal; `open`: methods that answer everyone alike (405s). */
  | { kind: 'api'; calls: ApiCall[]; open?: PublicCall[] }
  /** API routes without credentials (health, sign-in): exact answers for nobody. */
  | { kind: 'public-api'; calls: PublicCall[] }
  /** Not addressable by URL. */
  | { kind: 'internal'; why: string };

const READ_SUPPORT: Need = { scope: 'read', role: 'support' };
const READ_ENGINEER: Need = { scope: 'read', role: 'engineer' };
const ADMIN: Need = { scope: 'admin', role: 'admin' };
const INGEST: Need = { scope: 'ingest', role: 'admin' };
const METRICS: Need = { scope: 'metrics', role: 'admin' };
const EDIT: Need = { scope: 'admin', role: 'engineer' };
const login = (p: string) => (p === '/' ? '/login' : `/login?next=${encodeURIComponent(p)}`);

// Keyed by the app-paths manifest key. Keep the rule next to the route: support < engineer < admin.
const EXPECTATIONS: Record<string, RouteSpec> = {
  '/_global-error/page': { kind: 'internal', why: 'rendered only when the root layout throws' },
  '/_not-found/page': { kind: 'internal', why: 'walked below as an unknown path (404 for everyone)' },

  // Pages owned by auth.
  '/login/page': { kind: 'public-page', path: '/login', anonymous: { status: 200 }, signedIn: { support: { status: 307, location: '/lookup' }, default: { status: 307, location: '/' } } },
  '/setup/page': { kind: 'public-page', path: '/setup', anonymous: { status: 307, location: '/login' }, signedIn: { default: { status: 307, location: '/login' } } },
  '/(dashboard)/account/page': { kind: 'page', path: '/account', role: 'support' },
  '/(dashboard)/behaviour/page': { kind: 'page', path: '/behaviour', role: 'support' },
  '/(dashboard)/idempotency/[idempotency_key]/page': { kind: 'page', path: '/idempotency/idem_walk', role: 'support' },
  '/(dashboard)/admin/page': { kind: 'page', path: '/admin', role: 'admin' },
  '/(dashboard)/admin/users/page': { kind: 'page', path: '/admin/users', role: 'admin' },
  '/(dashboard)/admin/tokens/page': { kind: 'page', path: '/admin/tokens', role: 'admin' },
  '/(dashboard)/admin/retention/page': { kind: 'page', path: '/admin/retention', role: 'admin' },
  '/(dashboard)/admin/audit/page': { kind: 'page', path: '/admin/audit', role: 'admin' },

  // Dashboard pages (issue 6 roles: support = lookup, request pages, explorer; engineer = overview,
  // breakdowns, key and code pages, CSV; admin = ingest health).
  '/page': { kind: 'page', path: '/', role: 'engineer' },
  // Support staff asking for the overview are sent to the errors explorer instead of a 403.
  '/(dashboard)/page': { kind: 'page', path: '/', role: 'engineer', instead: { support: { status: 307, location: '/errors' } } },
  '/(dashboard)/lookup/page': { kind: 'page', path: '/lookup', role: 'support' },
  '/(dashboard)/requests/[request_id]/page': { kind: 'page', path: '/requests/req_walk_unknown', role: 'support' },
  '/(dashboard)/errors/page': { kind: 'page', path: '/errors', role: 'support' },
  '/(dashboard)/explorer/page': { kind: 'page', path: '/explorer', role: 'support' },
  // Support staff get the key's read-only summary at the same URL (issue 20 item 8).
  '/(dashboard)/keys/[key_id]/page': { kind: 'page', path: '/keys/key_walk', role: 'support' },
  '/(dashboard)/alerts/page': { kind: 'page', path: '/alerts', role: 'support' },
  '/(dashboard)/alerts/[id]/page': { kind: 'page', path: '/alerts/999999', role: 'support', ok: 404 },
  '/(dashboard)/alerts/rules/new/page': { kind: 'page', path: '/alerts/rules/new', role: 'engineer' },
  '/(dashboard)/alerts/channels/page': { kind: 'page', path: '/alerts/channels', role: 'support' },
  '/(dashboard)/alerts/deliveries/page': { kind: 'page', path: '/alerts/deliveries', role: 'support' },
  '/(dashboard)/codes/[code]/page': { kind: 'page', path: '/codes/rate_limited', role: 'engineer' },
  '/(dashboard)/breakdowns/page': { kind: 'page', path: '/breakdowns', role: 'engineer' },
  '/(dashboard)/reports/page': { kind: 'page', path: '/reports', role: 'engineer' },
  '/(dashboard)/ingest/page': { kind: 'page', path: '/ingest', role: 'admin' },
  '/(dashboard)/admin/ingest/page': { kind: 'page', path: '/admin/ingest', role: 'admin' },
  '/admin/ingest/page': { kind: 'page', path: '/admin/ingest', role: 'admin' },
  '/(dashboard)/lookup/results.csv/route': { kind: 'api', calls: [{ method: 'GET', path: '/lookup/results.csv?q=req_walk_unknown', need: READ_SUPPORT, ok: 200 }] },
  '/(dashboard)/ingest/rejections.csv/route': { kind: 'api', calls: [{ method: 'GET', path: '/ingest/rejections.csv', need: ADMIN, ok: 200 }] },
  '/(dashboard)/ingest/tokens.csv/route': { kind: 'api', calls: [{ method: 'GET', path: '/ingest/tokens.csv', need: ADMIN, ok: 200 }] },

  // Auth API.
  '/api/auth/login/route': {
    kind: 'public-api',
    calls: [
      { method: 'POST', path: '/api/auth/login', body: { email: 'nobody@walk.test', password: 'wrong-password' }, status: 401, code: 'invalid_credentials', sameOrigin: true },
      { method: 'POST', path: '/api/auth/login', body: { email: 'nobody@walk.test', password: 'wrong-password' }, status: 403, code: 'csrf_failed', sameOrigin: false },
      { method: 'POST', path: '/api/auth/login', body: {}, status: 400, code: 'invalid_parameter', sameOrigin: true },
    ],
  },
  '/api/auth/logout/route': {
    kind: 'public-api',
    calls: [
      { method: 'POST', path: '/api/auth/logout', status: 200, sameOrigin: true },
      { method: 'POST', path: '/api/auth/logout', status: 403, code: 'csrf_failed', sameOrigin: false },
    ],
  },
  '/api/auth/setup/route': {
    kind: 'public-api',
    calls: [
      { method: 'POST', path: '/api/auth/setup', body: { code: 'AAAA-BBBB-CCCC-DDDD', email: 'x@walk.test', password: 'long-enough-pw' }, status: 403, code: 'forbidden', sameOrigin: true },
      { method: 'POST', path: '/api/auth/setup', body: {}, status: 403, code: 'csrf_failed', sameOrigin: false },
    ],
  },
  '/api/auth/password/route': {
    kind: 'api',
    calls: [{ method: 'POST', path: '/api/auth/password', need: READ_SUPPORT, ok: 400, okCode: 'invalid_parameter', body: {}, forToken: { status: 403, code: 'forbidden' } }],
  },
  '/api/auth/session/route': { kind: 'api', calls: [{ method: 'GET', path: '/api/auth/session', need: READ_SUPPORT, ok: 200 }] },
  '/api/[...path]/route': {
    kind: 'public-api',
    calls: [
      { method: 'GET', path: '/api/v1/no-such-endpoint', status: 404, code: 'not_found' },
      { method: 'POST', path: '/api/nope', body: {}, status: 404, code: 'not_found' },
      { method: 'PUT', path: '/api/nope', body: {}, status: 404, code: 'not_found' },
      { method: 'PATCH', path: '/api/v1/nope', body: {}, status: 404, code: 'not_found' },
      { method: 'DELETE', path: '/api/v1/nope', status: 404, code: 'not_found' },
    ],
  },
  '/api/v1/health/route': { kind: 'public-api', calls: [{ method: 'GET', path: '/api/v1/health', status: 200 }] },

  // Admin API (bodies are invalid or ids unknown on purpose: the walk must not change what it walks).
  '/api/v1/admin/users/route': {
    kind: 'api',
    calls: [
      { method: 'GET', path: '/api/v1/admin/users', need: ADMIN, ok: 200 },
      { method: 'POST', path: '/api/v1/admin/users', need: ADMIN, ok: 400, okCode: 'invalid_parameter', body: {} },
    ],
  },
  '/api/v1/admin/users/[id]/route': { kind: 'api', calls: [{ method: 'PATCH', path: '/api/v1/admin/users/999999', need: ADMIN, ok: 404, okCode: 'not_found', body: { role: 'support' } }] },
  '/api/v1/admin/tokens/route': {
    kind: 'api',
    calls: [
      { method: 'GET', path: '/api/v1/admin/tokens', need: ADMIN, ok: 200 },
      { method: 'POST', path: '/api/v1/admin/tokens', need: ADMIN, ok: 400, okCode: 'invalid_parameter', body: { name: '', scopes: [] } },
    ],
  },
  '/api/v1/admin/tokens/[id]/route': { kind: 'api', calls: [{ method: 'DELETE', path: '/api/v1/admin/tokens/999999', need: ADMIN, ok: 404, okCode: 'not_found' }] },
  '/api/v1/admin/retention/route': {
    kind: 'api',
    calls: [
      { method: 'GET', path: '/api/v1/admin/retention', need: ADMIN, ok: 200 },
      { method: 'PUT', path: '/api/v1/admin/retention', need: ADMIN, ok: 400, okCode: 'invalid_parameter', body: { retention_days: 0 } },
    ],
  },
  '/api/v1/admin/audit/route': { kind: 'api', calls: [{ method: 'GET', path: '/api/v1/admin/audit', need: ADMIN, ok: 200 }] },

  // Read API (PRODUCT.md: scope read).
  '/api/v1/requests/route': { kind: 'api', calls: [{ method: 'GET', path: '/api/v1/requests', need: READ_SUPPORT, ok: 200 }] },
  '/api/v1/requests/[request_id]/route': { kind: 'api', calls: [{ method: 'GET', path: '/api/v1/requests/req_walk_unknown', need: READ_SUPPORT, ok: 404, okCode: 'not_found' }] },
  '/api/v1/requests/lookup/route': {
    kind: 'api',
    calls: [{ method: 'POST', path: '/api/v1/requests/lookup', need: READ_SUPPORT, ok: 200, body: { text: 'see req_walk_unknown' } }],
    open: [{ method: 'GET', path: '/api/v1/requests/lookup', status: 405, code: 'method_not_allowed' }],
  },
  '/api/v1/stats/summary/route': { kind: 'api', calls: [{ method: 'GET', path: '/api/v1/stats/summary', need: READ_ENGINEER, ok: 200 }] },
  '/api/v1/stats/breakdown/route': { kind: 'api', calls: [{ method: 'GET', path: '/api/v1/stats/breakdown?by=status', need: READ_ENGINEER, ok: 200 }] },
  '/api/v1/stats/values/route': { kind: 'api', calls: [{ method: 'GET', path: '/api/v1/stats/values?field=code&q=rate', need: READ_SUPPORT, ok: 200 }] },
  '/api/v1/stats/expected/route': { kind: 'api', calls: [{ method: 'GET', path: '/api/v1/stats/expected?interval=hour', need: READ_ENGINEER, ok: 200 }] },
  '/api/v1/stats/timeseries/route': { kind: 'api', calls: [{ method: 'GET', path: '/api/v1/stats/timeseries?interval=hour', need: READ_ENGINEER, ok: 200 }] },
  '/api/v1/export/requests.csv/route': { kind: 'api', calls: [{ method: 'GET', path: '/api/v1/export/requests.csv', need: READ_ENGINEER, ok: 200 }] },
  '/api/v1/behaviour/keys/route': { kind: 'api', calls: [{ method: 'GET', path: '/api/v1/behaviour/keys', need: READ_SUPPORT, ok: 200 }] },
  '/api/v1/behaviour/keys/[key_id]/route': { kind: 'api', calls: [{ method: 'GET', path: '/api/v1/behaviour/keys/key_walk', need: READ_SUPPORT, ok: 200 }] },
  '/api/v1/behaviour/retries/route': { kind: 'api', calls: [{ method: 'GET', path: '/api/v1/behaviour/retries?retry_class=immediate', need: READ_SUPPORT, ok: 200 }] },
  '/api/v1/idempotency/[idempotency_key]/route': { kind: 'api', calls: [{ method: 'GET', path: '/api/v1/idempotency/idem_walk_unknown', need: READ_SUPPORT, ok: 404, okCode: 'not_found' }] },
  '/api/v1/export/behaviour.csv/route': { kind: 'api', calls: [{ method: 'GET', path: '/api/v1/export/behaviour.csv?view=retries', need: READ_SUPPORT, ok: 200 }] },
  '/api/v1/export/breakdown.csv/route': { kind: 'api', calls: [{ method: 'GET', path: '/api/v1/export/breakdown.csv?by=status', need: READ_ENGINEER, ok: 200 }] },
  '/api/v1/export/timeseries.csv/route': { kind: 'api', calls: [{ method: 'GET', path: '/api/v1/export/timeseries.csv?interval=hour', need: READ_ENGINEER, ok: 200 }] },
  '/api/v1/openapi.json/route': { kind: 'public-api', calls: [{ method: 'GET', path: '/api/v1/openapi.json', status: 200 }] },

  // Alerts: support reads, engineers edit rules and acknowledge, channels and deliveries are admin settings.
  '/api/v1/alerts/rules/route': {
    kind: 'api',
    calls: [
      { method: 'GET', path: '/api/v1/alerts/rules', need: READ_SUPPORT, ok: 200 },
      { method: 'POST', path: '/api/v1/alerts/rules', need: EDIT, ok: 400, okCode: 'invalid_parameter', body: {} },
    ],
  },
  '/api/v1/alerts/rules/[id]/route': {
    kind: 'api',
    calls: [
      { method: 'GET', path: '/api/v1/alerts/rules/999999', need: READ_SUPPORT, ok: 404, okCode: 'not_found' },
      { method: 'PUT', path: '/api/v1/alerts/rules/999999', need: EDIT, ok: 404, okCode: 'not_found', body: {} },
      { method: 'DELETE', path: '/api/v1/alerts/rules/999999', need: EDIT, ok: 404, okCode: 'not_found' },
    ],
  },
  '/api/v1/alerts/rules/backtest/route': { kind: 'api', calls: [{ method: 'POST', path: '/api/v1/alerts/rules/backtest', need: READ_SUPPORT, ok: 400, okCode: 'invalid_parameter', body: {} }] },
  '/api/v1/alerts/events/route': { kind: 'api', calls: [{ method: 'GET', path: '/api/v1/alerts/events', need: READ_SUPPORT, ok: 200 }] },
  '/api/v1/alerts/events/[id]/route': { kind: 'api', calls: [{ method: 'GET', path: '/api/v1/alerts/events/999999', need: READ_SUPPORT, ok: 404, okCode: 'not_found' }] },
  '/api/v1/alerts/events/[id]/acknowledge/route': { kind: 'api', calls: [{ method: 'POST', path: '/api/v1/alerts/events/999999/acknowledge', need: EDIT, ok: 404, okCode: 'not_found' }] },
  '/api/v1/alerts/events/[id]/silence/route': { kind: 'api', calls: [{ method: 'POST', path: '/api/v1/alerts/events/999999/silence', need: EDIT, ok: 404, okCode: 'not_found', body: { until_ms: null } }] },
  '/api/v1/alerts/channels/route': {
    kind: 'api',
    calls: [
      { method: 'GET', path: '/api/v1/alerts/channels', need: ADMIN, ok: 200 },
      { method: 'POST', path: '/api/v1/alerts/channels', need: ADMIN, ok: 400, okCode: 'invalid_parameter', body: {} },
    ],
  },
  '/api/v1/alerts/channels/[id]/route': {
    kind: 'api',
    calls: [
      { method: 'PATCH', path: '/api/v1/alerts/channels/999999', need: ADMIN, ok: 404, okCode: 'not_found', body: { enabled: false } },
      { method: 'DELETE', path: '/api/v1/alerts/channels/999999', need: ADMIN, ok: 404, okCode: 'not_found' },
    ],
  },
  '/api/v1/alerts/channels/[id]/test/route': { kind: 'api', calls: [{ method: 'POST', path: '/api/v1/alerts/channels/999999/test', need: ADMIN, ok: 404, okCode: 'not_found' }] },
  '/api/v1/alerts/deliveries/route': { kind: 'api', calls: [{ method: 'GET', path: '/api/v1/alerts/deliveries', need: ADMIN, ok: 200 }] },
  '/api/v1/alerts/deliveries/[id]/replay/route': { kind: 'api', calls: [{ method: 'POST', path: '/api/v1/alerts/deliveries/999999/replay', need: ADMIN, ok: 404, okCode: 'not_found' }] },

  // Ingest (scope ingest; users never write records).
  '/api/v1/ingest/route': {
    kind: 'api',
    calls: [
      { method: 'POST', path: '/api/v1/ingest', need: INGEST, ok: 200, body: [] },
      { method: 'PUT', path: '/api/v1/ingest', need: INGEST, ok: 200, body: [] },
    ],
    open: [{ method: 'GET', path: '/api/v1/ingest', status: 405, code: 'method_not_allowed' }],
  },
  // OTLP/HTTP answers refusals with a google.rpc.Status whose message starts with our code (describeResponse reads it).
  '/api/v1/otlp/v1/logs/route': {
    kind: 'api',
    calls: [{ method: 'POST', path: '/api/v1/otlp/v1/logs', need: INGEST, ok: 200, body: {} }],
    // Without a JSON content type the OTLP receiver answers in protobuf: the status is what the walk can read.
    open: [{ method: 'GET', path: '/api/v1/otlp/v1/logs', status: 405 }],
  },

  // Prometheus metrics (scope metrics, or admin).
  '/metrics/route': { kind: 'api', calls: [{ method: 'GET', path: '/metrics', need: METRICS, ok: 200 }] },
};

const ROLES: UserRole[] = ['support', 'engineer', 'admin'];
const ROLE_RANK: Record<UserRole, number> = { support: 0, engineer: 1, admin: 2 };

let server: TestServer;
let db: Db;
const userIds = {} as Record<UserRole, number>;
const tokens = {} as Record<'revoked' | TokenScope, string>;

function manifestKeys(): string[] {
  const file = path.resolve(__dirname, '../..', distDir(), 'server/app-paths-manifest.json');
  return Object.keys(JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>).sort();
}

interface Call {
  method: Method;
  path: string;
  body?: unknown;
  bearer?: string;
  role?: UserRole;
  origin?: 'same' | 'none' | 'evil';
}
async function send(c: Call): Promise<Response> {
  const headers: Record<string, string> = {};
  if (c.bearer) headers.authorization = `Bearer ${c.bearer}`;
  // A fresh session per call: sign-out in the walk must not end the next call's session.
  if (c.role) headers.cookie = `errata_session=${createSession(db, userIds[c.role]).token}`;
  const origin = c.origin ?? 'same';
  if (origin === 'same') headers.origin = server.baseUrl;
  if (origin === 'evil') headers.origin = 'https://evil.example';
  if (c.body !== undefined) headers['content-type'] = 'application/json';
  return fetch(server.baseUrl + c.path, { method: c.method, headers, body: c.body === undefined ? undefined : JSON.stringify(c.body), redirect: 'manual' });
}

async function describeResponse(res: Response): Promise<string> {
  const loc = res.headers.get('location');
  let code = '';
  if ((res.headers.get('content-type') ?? '').includes('json')) {
    const body = (await res.json().catch(() => null)) as { error?: { code?: string }; message?: unknown } | null;
    const status = typeof body?.message === 'string' ? /^([a-z_]+): /.exec(body.message)?.[1] : undefined;
    code = body?.error?.code ?? status ?? '';
  } else await res.arrayBuffer().catch(() => undefined);
  return `${res.status}${code ? ` ${code}` : ''}${loc ? ` → ${new URL(loc, server.baseUrl).pathname}${new URL(loc, server.baseUrl).search}` : ''}`;
}

function expected(status: number, code?: string, location?: string): string {
  return `${status}${code ? ` ${code}` : ''}${location ? ` → ${location}` : ''}`;
}

function wrongScope(scope: TokenScope): string {
  return scope === 'read' ? tokens.ingest : tokens.read;
}

interface Check {
  label: string;
  call: Call;
  want: string;
  apiResponse: boolean;
}

function checksFor(key: string, spec: RouteSpec): Check[] {
  const out: Check[] = [];
  const add = (label: string, call: Call, want: string, apiResponse = false) => out.push({ label: `${key} ${call.method} ${call.path} as ${label}`, call, want, apiResponse });
  switch (spec.kind) {
    case 'internal':
      break;
    case 'page': {
      const toLogin = expected(307, undefined, login(spec.path));
      add('nobody', { method: 'GET', path: spec.path }, toLogin);
      add('revoked token', { method: 'GET', path: spec.path, bearer: tokens.revoked }, toLogin);
      add('wrong-scope token', { method: 'GET', path: spec.path, bearer: tokens.ingest }, toLogin);
      add('admin-scope token', { method: 'GET', path: spec.path, bearer: tokens.admin }, toLogin);
      for (const role of ROLES) {
        const instead = spec.instead?.[role];
        const want = instead ? expected(instead.status, undefined, instead.location) : expected(ROLE_RANK[role] >= ROLE_RANK[spec.role] ? (spec.ok ?? 200) : 403);
        add(role, { method: 'GET', path: spec.path, role }, want);
      }
      break;
    }
    case 'public-page':
      add('nobody', { method: 'GET', path: spec.path }, expected(spec.anonymous.status, undefined, spec.anonymous.location));
      for (const role of ROLES) {
        const o = spec.signedIn[role] ?? spec.signedIn.default;
        add(role, { method: 'GET', path: spec.path, role }, expected(o.status, undefined, o.location));
      }
      break;
    case 'public-api':
    case 'api':
      for (const c of spec.kind === 'api' ? (spec.open ?? []) : spec.calls) {
        add(c.sameOrigin === false ? 'nobody, cross-site' : 'nobody', { method: c.method, path: c.path, body: c.body, origin: c.sameOrigin === false ? 'evil' : 'same' }, expected(c.status, c.code), true);
      }
      if (spec.kind === 'public-api') break;
      for (const c of spec.calls) {
        const base = { method: c.method, path: c.path, body: c.body };
        add('nobody', { ...base }, expected(401, 'missing_credentials'), true);
        add('revoked token', { ...base, bearer: tokens.revoked }, expected(401, 'invalid_credentials'), true);
        add('unknown token', { ...base, bearer: 'errata_not-a-real-token' }, expected(401, 'invalid_credentials'), true);
        add('wrong-scope token', { ...base, bearer: wrongScope(c.need.scope) }, expected(403, 'scope_required'), true);
        add(`${c.need.scope} token`, { ...base, bearer: tokens[c.need.scope] }, c.forToken ? expected(c.forToken.status, c.forToken.code) : expected(c.ok, c.okCode), true);
        for (const role of ROLES) {
          const allowed = c.need.scope !== 'ingest' && ROLE_RANK[role] >= ROLE_RANK[c.need.role];
          add(role, { ...base, role }, allowed ? expected(c.ok, c.okCode) : expected(403, 'forbidden'), true);
        }
        if (c.method !== 'GET') {
          const top: UserRole = 'admin';
          const want = expected(403, 'csrf_failed');
          add(`${top}, cross-site`, { ...base, role: top, origin: 'evil' }, want, true);
          add(`${top}, no Origin`, { ...base, role: top, origin: 'none' }, want, true);
        }
      }
      break;
  }
  return out;
}

beforeAll(async () => {
  server = await startServer();
  db = openDatabase(server.databasePath);
  for (const role of ROLES) userIds[role] = (await createUser(db, { email: `${role}@walk.test`, role, password: 'walk-password-1' })).user.id;
  const revoked = createToken(db, { name: 'walk revoked', scopes: ['admin'] });
  revokeToken(db, revoked.id);
  tokens.revoked = revoked.token;
  for (const scope of ['ingest', 'read', 'metrics', 'admin'] as const) tokens[scope] = createToken(db, { name: `walk ${scope}`, scopes: [scope] }).token;
}, 120_000);

afterAll(async () => {
  db?.$client.close();
  await server?.stop();
});

describe('route walk', () => {
  it('has an expectation for every route in the build', () => {
    const missing = manifestKeys().filter((k) => !(k in EXPECTATIONS));
    expect(missing, `add these routes to EXPECTATIONS in ${path.basename(__filename)}`).toEqual([]);
  });

  // A handler added to an existing route file (a DELETE beside a GET) must be walked too, not only the file.
  it('walks every method each route file exports', () => {
    const unwalked: string[] = [];
    for (const key of manifestKeys()) {
      const spec = EXPECTATIONS[key];
      if (!key.endsWith('/route') || !spec || spec.kind === 'internal') continue;
      const source = fs.readFileSync(path.resolve(__dirname, '../../app', `${key.slice(1)}.ts`), 'utf8');
      const exported = [...source.matchAll(/^export (?:const|async function|function) (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b/gm)].map((m) => m[1]);
      const calls = spec.kind === 'api' ? [...spec.calls, ...(spec.open ?? [])] : spec.kind === 'public-api' ? spec.calls : [];
      const walkedMethods = new Set<string>(calls.map((c) => c.method));
      for (const m of exported) if (!walkedMethods.has(m) && !(m === 'HEAD' && walkedMethods.has('GET'))) unwalked.push(`${m} ${key}`);
    }
    expect(unwalked, `add a call for each of these to EXPECTATIONS in ${path.basename(__filename)}`).toEqual([]);
  });

  it('answers every route exactly as its rule says, for every kind of caller', async () => {
    const failures: string[] = [];
    let walked = 0;
    for (const key of manifestKeys()) {
      const spec = EXPECTATIONS[key];
      if (!spec) continue;
      for (const check of checksFor(key, spec)) {
        const res = await send(check.call);
        walked++;
        if (check.apiResponse && !res.headers.get('x-request-id')) failures.push(`${check.label}: no X-Request-Id`);
        const got = await describeResponse(res);
        if (got !== check.want) failures.push(`${check.label}: want ${check.want}, got ${got}`);
      }
    }
    console.info(`route walk: ${walked} requests over ${manifestKeys().length} routes`);
    expect(failures).toEqual([]);
    expect(walked).toBeGreaterThan(100);
  }, 300_000);

  it('answers unknown paths 404 whoever asks', async () => {
    for (const role of [undefined, ...ROLES]) {
      const res = await send({ method: 'GET', path: '/no/such/page', role });
      expect(res.status).toBe(404);
    }
  });

  it('sends the security headers', async () => {
    const page = await send({ method: 'GET', path: '/login' });
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('same-origin');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const html = await page.text();
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    // Every script tag carries the nonce: nothing inline runs without it.
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    const api = await send({ method: 'GET', path: '/api/v1/health' });
    expect(api.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(api.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
