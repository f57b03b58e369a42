// Editing and testing a channel: a refused edit stores nothing, what the admin leaves out (webhook secret, masked
// SMTP password) is kept, switching off and on, and a test send is signed, logged and not retried.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, expect, test } from 'vitest';
import { openDatabase } from '@/db/client';
import { getAlertChannel, listDeliveries, listDeliveryAttempts } from '@/db/queries/alerts';
import { createChannel, testChannel, updateChannel } from '@/alerts/verbs';
import { ApiError } from '@/lib/api-error';

const hits: { headers: http.IncomingHttpHeaders; body: string }[] = [];
let status = 200;
const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    hits.push({ headers: req.headers, body });
    res.writeHead(status).end('ok');
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
const db = openDatabase(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'errata-alerts-edit-')), 'errata.db'));
afterAll(() => new Promise<void>((r) => server.close(() => r())));

test('a refused edit changes nothing; the secret is kept; off and on', async () => {
  const ch = await createChannel(db, 'admin@x', { type: 'webhook', name: 'hook', config: { url }, allow_private: true });
  const before = getAlertChannel(db, ch.id)!;
  await expect(updateChannel(db, 'admin@x', ch.id, { config: { url: 'https://169.254.169.254/' } })).rejects.toThrow(/metadata address/);
  await expect(updateChannel(db, 'admin@x', ch.id, { config: { url: 'http://example.com/x' } })).rejects.toThrow(/http is allowed only to localhost/);
  await expect(updateChannel(db, 'admin@x', ch.id, { allow_private: false })).rejects.toThrow(/loopback address/);
  await expect(updateChannel(db, 'admin@x', ch.id, {})).rejects.toBeInstanceOf(ApiError);
  expect(getAlertChannel(db, ch.id)).toEqual(before);

  const renamed = await updateChannel(db, 'admin@x', ch.id, { name: 'renamed', config: { url: `${url}?v=2` } });
  expect(renamed.name).toBe('renamed');
  expect(renamed.config).toEqual({ url: `${url}?v=2`, secret: ch.config.secret });
  const off = await updateChannel(db, 'admin@x', ch.id, { enabled: false });
  expect(off.enabled).toBe(false);
  expect(off.disabled_reason).toBe('switched off by admin@x');
  const on = await updateChannel(db, 'admin@x', ch.id, { enabled: true });
  expect([on.enabled, on.disabled_reason]).toEqual([true, null]);
});

test('a test send is signed, logged once, and a failure is not retried', async () => {
  const ch = await createChannel(db, 'admin@x', { type: 'webhook', name: 'tested', config: { url }, allow_private: true });
  await updateChannel(db, 'admin@x', ch.id, { enabled: false });
  hits.length = 0;
  const ok = await testChannel(db, 'admin@x', ch.id, 'http://errata.example');
  expect(ok).toMatchObject({ delivered: true, response_status: 200, error: null });
  expect(hits).toHaveLength(1);
  const payload = new Webhook(String(ch.config.secret).replace(/^whsec_/, '')).verify(hits[0].body, {
    'webhook-id': String(hits[0].headers['webhook-id']),
    'webhook-timestamp': String(hits[0].headers['webhook-timestamp']),
    'webhook-signature': String(hits[0].headers['webhook-signature']),
  }) as { type: string };
  expect(payload.type).toBe('alert.test');

  status = 500;
  const bad = await testChannel(db, 'admin@x', ch.id, 'http://errata.example');
  status = 200;
  expect(bad).toMatchObject({ delivered: false, response_status: 500, error: 'answered 500' });
  const log = listDeliveries(db, { channel_id: ch.id });
  expect(log.map((d) => d.status)).toEqual(['failed', 'delivered']);
  expect(listDeliveryAttempts(db, log[0].id)).toHaveLength(1);
});
