// POST /api/v1/requests/lookup answers what the lookup page shows, over HTTP against the production build: one line
// per id with the key's history ("looks revoked since …"), near misses, tokens that are not ids, what the store holds
// and one combined reply; the page, fetched with a session, shows the same sentences.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openDatabase, type Db } from '@/db/client';
import { createSession } from '@/db/queries/sessions';
import { createToken } from '@/db/queries/tokens';
import { createUser } from '@/db/queries/users';
import { SESSION_COOKIE } from '@/lib/auth/cookies';
import { errorEnvelopeSchema, lookupResultSchema } from '@/lib/wire';
import { insertRecords, makeRecord } from '../support/factories';
import { startServer, type TestServer } from '../support/server';

const M = 60_000;
const H = 60 * M;
const NOW = Date.now();
const REVOKED_AT = Math.floor((NOW - 3 * H) / 1000) * 1000;
const ID_401 = 'req_LkApi401abc123';
const ID_404 = 'req_LkApi404xyz789';
const ID_NEAR = 'req_LkApiNear00042';

let server: TestServer;
let db: Db;
let read: string;
let cookie: string;

beforeAll(async () => {
  server = await startServer();
  db = openDatabase(server.databasePath, { migrate: false });
  read = createToken(db, { name: 'lookup api test', scopes: ['read'] }).token;
  const { user } = await createUser(db, { email: 'lookup-support@errata.test', role: 'support', password: 'lookup-support-password-1' });
  cookie = `${SESSION_COOKIE}=${createSession(db, user.id).token}`;
  // key_lkrev works for a day, then fails with invalid_credentials on every call from REVOKED_AT.
  const ok = Array.from({ length: 30 }, (_, i) => makeRecord({ key_id: 'key_lkrev', ts_ms: REVOKED_AT - 26 * H + i * 50 * M }));
  const bad = Array.from({ length: 40 }, (_, i) =>
    makeRecord({ ...(i === 30 ? { request_id: ID_401 } : {}), key_id: 'key_lkrev', code: 'invalid_credentials', status: 401, ts_ms: REVOKED_AT + i * 3 * M }),
  );
  insertRecords(db, [
    ...ok,
    ...bad,
    makeRecord({ request_id: ID_404, key_id: 'key_lkok', code: 'not_found', status: 404, ts_ms: NOW - 40 * M, message: 'Submission not found.' }),
    makeRecord({ request_id: ID_NEAR, key_id: 'key_lkok', ts_ms: NOW - 30 * M }),
  ]);
});

afterAll(async () => {
  db?.$client.close();
  await server?.stop();
});

// A near miss of ID_NEAR (last character changed), a token that cannot be an id (a zero-width space inside).
const EMAIL = `Hello,

two calls failed: X-Request-Id: ${ID_401} and later "request_id": "${ID_404}".
Also req_LkApiNear00043 and this one from the log: req_Lk\u200bApi999zz.

Thanks, Dana`;

async function lookup(init: RequestInit) {
  const res = await fetch(`${server.baseUrl}/api/v1/requests/lookup`, { method: 'POST', ...init, headers: { authorization: `Bearer ${read}`, ...init.headers } });
  return { res, body: (await res.json()) as unknown };
}

const decode = (html: string) => html.replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

describe('POST /api/v1/requests/lookup', () => {
  test('one line per id with the key history, near misses, not-ids, the store and one combined reply', async () => {
    const { res, body } = await lookup({ body: JSON.stringify({ text: EMAIL }), headers: { 'content-type': 'application/json' } });
    expect(res.status, JSON.stringify(body)).toBe(200);
    const a = lookupResultSchema.parse(body);
    expect(a.found.map((f) => f.request_id)).toEqual([ID_401, ID_404]);
    expect(a.summary).toBe('3 ids in the text: 2 found, 1 missing. 1 token is not an id.');

    const [l401, l404] = a.found;
    expect(l401).toMatchObject({ status: 401, code: 'invalid_credentials', key_id: 'key_lkrev', insight: { kind: 'run', code: 'invalid_credentials', since_ms: REVOKED_AT, ongoing: true } });
    expect(l401.line).toMatch(/^Not authenticated: /);
    expect(l401.insight_text).toContain(`This key looks revoked since ${new Date(REVOKED_AT).toISOString().replace('T', ' ').slice(0, 19)} UTC`);
    expect(l401.records.map((r) => r.request_id)).toEqual([ID_401]);
    expect(l404).toMatchObject({ code: 'not_found', message: 'Submission not found.', insight: null, insight_text: null });

    expect(a.missing).toEqual([{ id: 'req_LkApiNear00043', did_you_mean: [ID_NEAR] }]);
    expect(a.not_ids).toEqual(['req_Lk⟨U+200B⟩Api999zz']);
    expect(a.store.retention_days).toBeGreaterThan(0);
    expect(a.store.newest_record_ms).toBe(NOW - 30 * M);
    expect(a.store.note).toContain(`errata keeps ${a.store.retention_days} days of records`);

    const reply = a.reply!;
    expect(reply.match(/^Hello,$/gm)).toHaveLength(1);
    expect(reply.match(/^Best regards,$/gm)).toHaveLength(1);
    expect(reply.indexOf(`About ${ID_401}`)).toBeGreaterThan(0);
    expect(reply.indexOf(`About ${ID_404}`)).toBeGreaterThan(reply.indexOf(`About ${ID_401}`));
    expect(reply).toContain('The API key used looks revoked since');
    expect(reply).toContain('We could not find req_LkApiNear00043 in our records.');
  });

  test('the lookup page shows the same sentences as the API', async () => {
    const { body } = await lookup({ body: EMAIL, headers: { 'content-type': 'text/plain' } });
    const a = lookupResultSchema.parse(body);
    const q = new URLSearchParams({ q: a.candidates.join('\n'), nid: a.not_ids.join('\n') });
    const page = await fetch(`${server.baseUrl}/lookup?${q}`, { headers: { cookie }, redirect: 'manual' });
    expect(page.status).toBe(200);
    const html = decode(await page.text());
    expect(html).toContain(a.summary);
    for (const f of a.found) {
      expect(html).toContain(f.line);
      if (f.insight_text) expect(html).toContain(f.insight_text);
    }
    expect(html).toContain(a.reply!);
    expect(html).toContain(a.store.note.slice(0, a.store.note.indexOf(' from ')));
  });

  test('a text without ids: empty lists, no reply; a wrong body is our envelope', async () => {
    const { res, body } = await lookup({ body: 'nothing to see here', headers: { 'content-type': 'text/plain' } });
    expect(res.status).toBe(200);
    expect(lookupResultSchema.parse(body)).toMatchObject({ candidates: [], found: [], missing: [], reply: null, summary: 'No request ids were found in that text.' });
    const bad = await lookup({ body: '{"text": 5}', headers: { 'content-type': 'application/json' } });
    expect(bad.res.status).toBe(400);
    expect(errorEnvelopeSchema.parse(bad.body).error).toMatchObject({ code: 'invalid_body', details: { field: 'text' } });
  });
});
