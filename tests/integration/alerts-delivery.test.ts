// From stored records to a delivered notification: the evaluator fires on real SQLite data, the outbox sends it
// signed (checked with the `standardwebhooks` reference library), retries, logs, survives kill -9; Slack and email
// shapes; SSRF refusals at save and at send.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { openDatabase, type Db } from '@/db/client';
import { getAlertChannel, listAlertChannels, listDeliveries, listDeliveryAttempts } from '@/db/queries/alerts';
import { AlertEvaluator } from '@/alerts/evaluator';
import { DeliveryWorker } from '@/alerts/delivery/worker';
import { sqliteStoreOn } from '@/db/sqlite/store';
import { createChannel, createRule, replayDelivery } from '@/alerts/verbs';
import { ApiError } from '@/lib/api-error';
import { insertRecords, makeRecord } from '../support/factories';

const MIN = 60_000;
const W = 5 * MIN;
const root = path.resolve(__dirname, '../..');

interface Hit {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A local receiver: `answer` decides each response (status, or 'hang' to never answer). */
async function receiver(answer: (n: number, hit: Hit) => number | 'hang' | { redirect: string }) {
  const hits: Hit[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const hit = { headers: req.headers, body };
      hits.push(hit);
      const a = answer(hits.length, hit);
      if (a === 'hang') return;
      if (typeof a === 'object') {
        res.writeHead(307, { location: a.redirect });
        return res.end();
      }
      res.writeHead(a, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { hits, url, close: () => new Promise<void>((r) => server.close(() => r())), server };
}

function tmpDb(label: string): { db: Db; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `errata-alerts-${label}-`));
  const file = path.join(dir, 'errata.db');
  return { db: openDatabase(file), file };
}

/** Two windows with 30 internal errors each on one key: a threshold rule on 5xx fires at T + 10 min. */
function seedIncident(db: Db, T: number) {
  const recs = [];
  for (let w = 0; w < 2; w++) {
    for (let i = 0; i < 30; i++) recs.push(makeRecord({ code: 'internal_error', status: 500, ts_ms: T + w * W + i * 1000, key_id: 'key_hot', route: '/v1/submissions/{id}' }));
    for (let i = 0; i < 60; i++) recs.push(makeRecord({ ts_ms: T + w * W + i * 2000, key_id: i % 2 ? 'key_calm' : 'key_hot' }));
  }
  insertRecords(db, recs);
}

const RULE = { name: '5xx over 20', measure: 'error_count', scope: { status: ['5xx'] }, kind: 'threshold', threshold: 20, min_requests: 0, min_count: 1 };

async function fire(db: Db, T: number) {
  seedIncident(db, T);
  createRule(db, 'test', RULE);
  const ev = new AlertEvaluator({ db, store: sqliteStoreOn(db), baseUrl: 'http://errata.example', now: () => T + 2 * W, lagMs: 0, maxCatchUpMs: 3 * W, createDefaults: false });
  return ev.tick();
}

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

describe('webhook delivery', () => {
  test('fires on stored records; signed; 500, 500, 200 → delivered once with the same webhook-id; attempts logged; replayable', async () => {
    const { db } = tmpDb('hook');
    const rx = await receiver((n) => (n <= 2 ? 500 : 200));
    cleanups.push(rx.close);
    const ch = await createChannel(db, 'admin@test', { type: 'webhook', name: 'ops', config: { url: rx.url }, allow_private: true });
    const T = Math.floor(Date.now() / W) * W - 3 * W;
    const report = await fire(db, T);
    expect(report.transitions).toBe(1);
    expect(report.deliveries).toBe(1);

    let now = T + 2 * W;
    const worker = new DeliveryWorker({ db, now: () => now });
    expect(await worker.tick()).toBe(1);
    expect(await worker.tick()).toBe(0); // not due before the 5 s backoff
    now += 5_000;
    expect(await worker.tick()).toBe(1);
    now += 4 * MIN;
    expect(await worker.tick()).toBe(0);
    now += MIN;
    expect(await worker.tick()).toBe(1);
    expect(await worker.tick()).toBe(0);

    expect(rx.hits).toHaveLength(3);
    const ids = new Set(rx.hits.map((h) => h.headers['webhook-id']));
    expect(ids.size).toBe(1);
    const wh = new Webhook((ch.config as { secret: string }).secret.replace(/^whsec_/, ''));
    for (const h of rx.hits) {
      // The reference verifier compares the timestamp with its clock: set the clock to the test clock's send time.
      const signedAt = Number(h.headers['webhook-timestamp']);
      vi.useFakeTimers({ toFake: ['Date'], now: signedAt * 1000 });
      try {
        expect(wh.verify(h.body, h.headers as Record<string, string>)).toMatchObject({ type: 'alert.firing' });
      } finally {
        vi.useRealTimers();
      }
    }
    expect(rx.hits.map((h) => Number(h.headers['webhook-timestamp']) * 1000 - (T + 2 * W))).toEqual([0, 5_000, 305_000]);
    // Sign check at the real time: a fresh send with now = Date.now() verifies with the reference library.
    const [d] = listDeliveries(db);
    expect(d.status).toBe('delivered');
    expect(listDeliveryAttempts(db, d.id).map((a) => a.http_status)).toEqual([500, 500, 200]);
    replayDelivery(db, 'admin@test', d.id, Date.now());
    const live = new DeliveryWorker({ db });
    expect(await live.tick()).toBe(1);
    const replayed = rx.hits[3];
    expect(replayed.headers['webhook-id']).toBe(rx.hits[0].headers['webhook-id']);
    const payload = wh.verify(replayed.body, {
      'webhook-id': replayed.headers['webhook-id'] as string,
      'webhook-timestamp': replayed.headers['webhook-timestamp'] as string,
      'webhook-signature': replayed.headers['webhook-signature'] as string,
    }) as Record<string, any>;
    // What the notification says.
    expect(payload.type).toBe('alert.firing');
    expect(payload.alert.rule_name).toBe('5xx over 20');
    expect(payload.alert.observed).toBe(30);
    expect(payload.alert.expected).toBe(20);
    expect(payload.alert.since_ms).toBe(T + W);
    expect(payload.top.keys[0]).toMatchObject({ value: 'key_hot', errors: 60 });
    expect(payload.top.codes[0].value).toBe('internal_error');
    expect(payload.top.routes[0].value).toBe('/v1/submissions/{id}');
    expect(payload.samples).toHaveLength(5);
    expect(payload.samples[0].url).toMatch(/^http:\/\/errata\.example\/requests\/req_/);
    expect(payload.catalog[0]).toMatchObject({ code: 'internal_error' });
    expect(payload.catalog[0].fix.length).toBeGreaterThan(10);
    const view = new URL(payload.dashboard_url);
    expect(view.searchParams.getAll('status')).toEqual(['5xx']);
    expect(Number(view.searchParams.get('from'))).toBe(T);
    expect(Number(view.searchParams.get('to'))).toBe(T + 2 * W);
    // Tampering breaks the signature.
    expect(() => wh.verify(replayed.body.replace('5xx over 20', '5xx over 21'), replayed.headers as Record<string, string>)).toThrow();
  });

  test('a receiver answering 410 Gone switches the channel off', async () => {
    const { db } = tmpDb('gone');
    const rx = await receiver(() => 410);
    cleanups.push(rx.close);
    const ch = await createChannel(db, 'admin@test', { type: 'webhook', name: 'gone', config: { url: rx.url }, allow_private: true });
    const T = Math.floor(Date.now() / W) * W - 3 * W;
    await fire(db, T);
    await new DeliveryWorker({ db }).tick();
    expect(getAlertChannel(db, ch.id)).toMatchObject({ enabled: false });
    expect(getAlertChannel(db, ch.id)!.disabled_reason).toMatch(/410/);
    expect(listDeliveries(db)[0].status).toBe('failed');
  });

  test('kill -9 during delivery loses no notification: the lease runs out and the same webhook-id is sent again', async () => {
    const { db, file } = tmpDb('kill');
    let child: ReturnType<typeof spawn> | null = null;
    const rx = await receiver((n) => {
      if (n === 1) {
        child!.kill('SIGKILL');
        return 'hang';
      }
      return 200;
    });
    cleanups.push(async () => {
      rx.server.closeAllConnections();
      await rx.close();
    });
    await createChannel(db, 'admin@test', { type: 'webhook', name: 'ops', config: { url: rx.url }, allow_private: true });
    const T = Math.floor(Date.now() / W) * W - 3 * W;
    await fire(db, T);
    child = spawn(process.execPath, [path.join(root, 'tests/support/alert-sender.mjs')], { cwd: root, env: { ...process.env, DATABASE_PATH: file, LEASE_MS: '1500' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (c) => (out += c));
    const exit = await new Promise<{ code: number | null; signal: string | null }>((r) => child!.on('exit', (code, signal) => r({ code, signal })));
    expect(exit.signal).toBe('SIGKILL');
    expect(out).not.toMatch(/done/);
    expect(rx.hits).toHaveLength(1);
    const [d0] = listDeliveries(db);
    expect(d0.status).toBe('pending');
    // Within the lease nobody resends; after it, the next pass does.
    const worker = new DeliveryWorker({ db });
    expect(await worker.tick()).toBe(0);
    await new Promise((r) => setTimeout(r, 1600));
    expect(await worker.tick()).toBe(1);
    expect(rx.hits).toHaveLength(2);
    expect(rx.hits[1].headers['webhook-id']).toBe(rx.hits[0].headers['webhook-id']);
    expect(listDeliveries(db)[0].status).toBe('delivered');
  }, 60_000);
});

describe('SSRF and bad channels', () => {
  async function refusal(input: unknown): Promise<ApiError> {
    const { db } = tmpDb('ssrf');
    try {
      await createChannel(db, 'admin@test', input);
    } catch (e) {
      expect(listAlertChannels(db)).toEqual([]); // nothing half-made
      if (e instanceof ApiError) return e;
      throw e;
    }
    throw new Error('accepted');
  }

  test.each([
    ['http://example.com/hook', /http is allowed only to localhost/],
    ['ftp://example.com/hook', /not allowed/],
    ['https://169.254.169.254/latest/meta-data', /metadata/],
    ['https://169.254.10.1/hook', /link-local/],
    ['https://[::ffff:169.254.169.254]/x', /metadata/],
    ['https://[fe80::1]/x', /link-local/],
    ['https://10.1.2.3/hook', /private address; an admin must allow/],
    ['https://192.168.1.10/hook', /private/],
    ['http://127.0.0.1:9/hook', /loopback address; an admin must allow/],
    ['http://localhost:9/hook', /loopback/],
    ['https://user:pw@example.com/hook', /credentials/],
  ])('webhook %s is refused at save', async (url, message) => {
    const e = await refusal({ type: 'webhook', name: 'x', config: { url } });
    expect(e.status).toBe(400);
    expect(e.details.field).toBe('config.url');
    expect(e.message).toMatch(message);
  });

  test('link-local is refused even when an admin allows private addresses', async () => {
    const e = await refusal({ type: 'webhook', name: 'x', config: { url: 'https://169.254.169.254/' }, allow_private: true });
    expect(e.message).toMatch(/never a webhook destination/);
  });

  test('at send: a redirect to the metadata address is refused, and no request reaches it', async () => {
    const { db } = tmpDb('redirect');
    const rx = await receiver(() => ({ redirect: 'http://169.254.169.254/latest/meta-data' }));
    cleanups.push(rx.close);
    await createChannel(db, 'admin@test', { type: 'webhook', name: 'r', config: { url: rx.url }, allow_private: true });
    await fire(db, Math.floor(Date.now() / W) * W - 3 * W);
    await new DeliveryWorker({ db }).tick();
    const [d] = listDeliveries(db);
    const [a] = listDeliveryAttempts(db, d.id);
    expect(a.error).toMatch(/refused: .*(http is allowed only to localhost|metadata)/);
    expect(d.status).toBe('pending'); // retried later, refused again
  });

  test('at send: a localhost redirect to another loopback port is refused when private addresses are not allowed', async () => {
    const { db } = tmpDb('redirect2');
    const rx = await receiver(() => 200);
    cleanups.push(rx.close);
    const hop = await receiver(() => ({ redirect: rx.url }));
    cleanups.push(hop.close);
    // Saved while allowed, then an admin withdrew the allowance: the send-time check follows the setting.
    const ch = await createChannel(db, 'admin@test', { type: 'webhook', name: 'r', config: { url: hop.url }, allow_private: true });
    db.$client.prepare('UPDATE alert_channels SET allow_private = 0 WHERE id = ?').run(ch.id);
    await fire(db, Math.floor(Date.now() / W) * W - 3 * W);
    await new DeliveryWorker({ db }).tick();
    expect(hop.hits).toHaveLength(0);
    expect(rx.hits).toHaveLength(0);
    expect(listDeliveryAttempts(db, listDeliveries(db)[0].id)[0].error).toMatch(/loopback/);
  });

  test('an unknown channel type or field is an envelope error', async () => {
    expect((await refusal({ type: 'pager', name: 'x', config: {} })).details.field).toBe('type');
    expect((await refusal({ type: 'webhook', name: 'x', config: { url: 'https://example.com', colour: 1 } })).details.field).toBe('config');
  });
});

describe('Slack', () => {
  test('blocks in the documented shape, and at most one message per second per channel', async () => {
    const { db } = tmpDb('slack');
    const rx = await receiver(() => 200);
    cleanups.push(rx.close);
    await createChannel(db, 'admin@test', { type: 'slack', name: 'slack', config: { url: rx.url }, allow_private: true });
    const T = Math.floor(Date.now() / W) * W - 3 * W;
    await fire(db, T);
    createRule(db, 'test', { ...RULE, name: 'second rule' });
    // The second rule starts its history now; judge it over the same windows by hand.
    const ev = new AlertEvaluator({ db, store: sqliteStoreOn(db), baseUrl: 'http://errata.example', now: () => T + 2 * W, lagMs: 0, maxCatchUpMs: 3 * W, createDefaults: false });
    db.$client.prepare('DELETE FROM alert_checkpoints WHERE rule_id = (SELECT max(id) FROM alert_rules)').run();
    await ev.tick();
    const times: number[] = [];
    rx.server.on('request', () => times.push(Date.now()));
    await new DeliveryWorker({ db }).tick();
    expect(rx.hits).toHaveLength(2);
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(950);
    const msg = JSON.parse(rx.hits[0].body) as { text: string; blocks: Record<string, any>[] };
    expect(rx.hits[0].headers['content-type']).toBe('application/json');
    expect(typeof msg.text).toBe('string');
    expect(msg.blocks.length).toBeLessThanOrEqual(50);
    const allowed = new Set(['header', 'section', 'context', 'actions', 'divider']);
    for (const b of msg.blocks) {
      expect(allowed.has(b.type)).toBe(true);
      if (b.type === 'header') expect(b.text.type).toBe('plain_text');
      if (b.type === 'section') {
        if (b.text) expect(['mrkdwn', 'plain_text']).toContain(b.text.type);
        if (b.fields) expect(b.fields.length).toBeLessThanOrEqual(10);
        expect(b.text?.text?.length ?? 0).toBeLessThanOrEqual(3000);
      }
      if (b.type === 'actions') for (const e of b.elements) expect(e).toMatchObject({ type: 'button', text: { type: 'plain_text' } });
    }
    expect(msg.blocks[0]).toMatchObject({ type: 'header', text: { text: expect.stringMatching(/^Firing: /) } });
    expect(JSON.stringify(msg.blocks)).toContain('internal_error');
  }, 30_000);
});

describe('email', () => {
  let server: SMTPServer;
  let port = 0;
  const mails: string[] = [];
  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, _session, cb) {
        let data = '';
        stream.on('data', (c) => (data += c));
        stream.on('end', () => {
          mails.push(data);
          cb();
        });
      },
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.server.address() as AddressInfo).port;
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  });

  test('a notification arrives by SMTP with the summary, the fix and the links', async () => {
    const { db } = tmpDb('mail');
    await createChannel(db, 'admin@test', { type: 'email', name: 'oncall', config: { host: '127.0.0.1', port, from: 'errata@example.com', to: ['oncall@example.com'] } });
    await fire(db, Math.floor(Date.now() / W) * W - 3 * W);
    await new DeliveryWorker({ db }).tick();
    expect(listDeliveries(db)[0].status).toBe('delivered');
    expect(mails).toHaveLength(1);
    const m = mails[0].replace(/=\r?\n/g, '');
    expect(m).toMatch(/Subject: \[errata page\] Firing: 5xx over 20/);
    expect(m).toMatch(/Message-ID: <msg_[0-9a-f]+@errata>/);
    expect(m).toContain('key_hot');
    expect(m).toContain('http://errata.example/alerts/');
    expect(m).toMatch(/Fix:/);
  });

  test('an SMTP server that refuses is a clear envelope error at save, and nothing is stored', async () => {
    const refusing = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS'], onConnect: (_s, cb) => cb(new Error('no relay for you')) });
    await new Promise<void>((r) => refusing.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => refusing.close(() => r())));
    const { db } = tmpDb('mailrefuse');
    const rp = (refusing.server.address() as AddressInfo).port;
    let err: unknown;
    try {
      await createChannel(db, 'admin@test', { type: 'email', name: 'bad', config: { host: '127.0.0.1', port: rp, from: 'errata@example.com', to: ['x@example.com'] } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(400);
    expect((err as ApiError).message).toMatch(/SMTP server refused: .*no relay for you/);
    expect(listAlertChannels(db)).toEqual([]);
  });
});
