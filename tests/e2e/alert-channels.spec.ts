// An admin adds a webhook channel pointing at a receiver this test starts (refused first for the reasons a user
// would hit: a metadata address, http outside localhost, a loopback address without permission), sends a test,
// then a rule fires on injected data, the delivery log shows the attempt, and a replay delivers the same message
// again. Support reads the channels without their URLs and cannot change them.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { sqliteStoreOn } from '@/db/sqlite/store';
import { expect, type Page, test } from '@playwright/test';
import { openDatabase } from '../../db/client';
import { processBatch } from '../../ingest/index';
import { storageStateFor } from './e2e-env';

const RUN = Date.now().toString(36);
const KEY = `key_chan_${RUN}`;
const RULE = `Channel journey ${KEY}`;
const CHANNEL = `Receiver ${RUN}`;
const W = 5 * 60_000;
const SHOTS = path.resolve('tests/e2e/screenshots');

interface Received {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
}
const received: Received[] = [];
let server: http.Server;
let hookUrl = '';

test.beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      received.push({ id: String(req.headers['webhook-id']), timestamp: String(req.headers['webhook-timestamp']), signature: String(req.headers['webhook-signature']), body });
      // The rule's first notification meets a receiver that is down for a moment: the log shows the retry.
      const firstOfRule = body.includes(RULE) && received.filter((m) => m.body.includes(RULE)).length === 1;
      res.writeHead(firstOfRule ? 500 : 200, { 'content-type': 'application/json' }).end(firstOfRule ? '{"error":"down"}' : '{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;

  // 60 state_conflict errors in each 5-minute window of the last 30 minutes, on a key no other spec uses.
  const now = Date.now();
  const records = [];
  for (let t = Math.floor(now / W) * W - 6 * W, i = 0; t < now - 5_000; t += 5_000, i++) {
    const id = `req_chan_${RUN}_${i}`;
    records.push({ request_id: id, timestamp: new Date(t).toISOString(), status: 409, method: 'POST', route: '/v1/submissions', key_id: KEY, tier: 'pro', error: { code: 'state_conflict', message: 'Conflict.', details: {}, request_id: id } });
  }
  const db = openDatabase(process.env.E2E_DATABASE_PATH!);
  const r = await processBatch(sqliteStoreOn(db), new TextEncoder().encode(records.map((x) => JSON.stringify(x)).join('\n')), { token_id: null });
  db.$client.close();
  expect(r.accepted).toBe(records.length);
});

test.afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** The receiver's check of a Standard Webhooks signature, written from the spec rather than with errata's code. */
function signatureValid(secret: string, m: Received): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = `v1,${createHmac('sha256', key).update(`${m.id}.${m.timestamp}.${m.body}`).digest('base64')}`;
  return m.signature.split(' ').includes(expected);
}

async function shoot(page: Page, name: string) {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: path.join(SHOTS, `${name}-${scheme}.png`), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

test.describe('as an admin', () => {
  test.use({ storageState: storageStateFor('admin') });

  test('add a webhook channel, test it, see an alert delivered, read the log, replay', async ({ page }) => {
    test.setTimeout(240_000);
    await page.goto('/alerts');
    await page.getByRole('link', { name: 'Channels' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Notification channels');
    const form = page.getByRole('form', { name: 'Add a channel' });
    const add = async (url: string, allowPrivate: boolean) => {
      await form.getByLabel('Name').fill(CHANNEL);
      await form.getByLabel('Webhook URL').fill(url);
      await form.getByLabel(/Allow private/).setChecked(allowPrivate);
      await form.getByRole('button', { name: 'Add channel' }).click();
    };

    // Refusals, each in words, and nothing stored.
    await add('https://169.254.169.254/latest/meta-data', false);
    await expect(form.getByRole('alert')).toContainText('config.url: 169.254.169.254: 169.254.169.254 is a metadata address');
    await add('http://example.com/hook', false);
    await expect(form.getByRole('alert')).toContainText('http is allowed only to localhost; use https');
    await add(hookUrl, false);
    await expect(form.getByRole('alert')).toContainText('is a loopback address; an admin must allow private addresses for this channel');
    await expect(page.getByTestId('alert-channels').getByText(CHANNEL)).toHaveCount(0);

    await add(hookUrl, true);
    const status = form.getByRole('status');
    await expect(status).toContainText(`Added “${CHANNEL}”`);
    const secret = (await status.locator('code').nth(1).textContent())!;
    expect(secret).toMatch(/^whsec_/);
    // The admin's test (an earlier worker process, so another RUN) added the receiver channel.
    const row = page.getByTestId('alert-channels').getByRole('row').filter({ hasText: 'Receiver ' }).first();
    await expect(row).toContainText('http://127.0.0.1:');
    await expect(row).toContainText('on');

    // A test message: delivered, signed, and in the log.
    await row.getByRole('button', { name: 'Send a test' }).click();
    await expect(row.getByRole('status')).toContainText('Test delivered (the receiver answered 200)');
    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0].body).type).toBe('alert.test');
    expect(signatureValid(secret, received[0])).toBe(true);

    // Edit (the secret is kept), switch off and on.
    await row.getByRole('button', { name: 'Edit' }).click();
    const edit = row.getByRole('form', { name: `Edit ${CHANNEL}` });
    await expect(edit.getByText(secret)).toBeVisible();
    await edit.getByLabel('Webhook URL').fill('https://169.254.169.254/');
    await edit.getByRole('button', { name: 'Save' }).click();
    await expect(row.getByRole('alert')).toContainText('metadata address');
    await edit.getByLabel('Webhook URL').fill(hookUrl);
    await edit.getByRole('button', { name: 'Save' }).click();
    await expect(edit).toHaveCount(0);
    await row.getByRole('button', { name: 'Switch off' }).click();
    await expect(row.getByRole('button', { name: 'Switch on' })).toBeVisible();
    await expect(row).toContainText('switched off by');
    await row.getByRole('button', { name: 'Switch on' }).click();
    await expect(row.getByRole('button', { name: 'Switch off' })).toBeVisible();

    // A rule on the injected key fires; new rules notify every channel that is on.
    await page.goto('/alerts/rules/new');
    await page.getByLabel('Name').fill(RULE);
    await page.getByLabel('Measure').selectOption('error_count');
    await page.getByLabel(/^Scope/).fill(`key=${KEY}`);
    await page.getByLabel('Kind').selectOption('threshold');
    await page.getByLabel(/^Threshold/).fill('20');
    await page.getByRole('button', { name: 'Save rule' }).click();
    await expect(page).toHaveURL(/\/alerts$/);
    const open = page.getByTestId('open-alerts');
    await expect(async () => {
      await page.reload();
      await expect(open.getByRole('row').filter({ hasText: RULE })).toContainText('firing', { timeout: 1000 });
    }).toPass({ timeout: 120_000, intervals: [2000] });
    const firing = () => received.filter((m) => m.body.includes(RULE) && JSON.parse(m.body).type === 'alert.firing');
    // Answered 500, retried 5 s later with the same webhook-id, answered 200.
    await expect.poll(() => firing().length, { timeout: 60_000 }).toBe(2);
    expect(firing()[1].id).toBe(firing()[0].id);
    for (const m of firing()) expect(signatureValid(secret, m)).toBe(true);

    // The alert's page links to its deliveries: one, delivered on the second attempt.
    await open.getByRole('link', { name: RULE }).click();
    await page.getByRole('link', { name: 'Its notifications (delivery log)' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Delivery log: alert');
    const log = page.getByTestId('delivery-log');
    const delivery = log.getByRole('row').filter({ hasText: CHANNEL });
    await expect(delivery).toHaveCount(1);
    await expect(delivery).toContainText('delivered');
    await expect(delivery).toContainText(RULE);
    await expect(delivery.getByRole('listitem')).toHaveCount(2);
    await expect(delivery.getByRole('listitem').first()).toContainText('· 500 ·');
    await expect(delivery.getByRole('listitem').first()).toContainText('answered 500');
    await expect(delivery.getByRole('listitem').nth(1)).toContainText('· 200 ·');

    // Replay: the same message (same webhook-id) arrives again, and the log shows the second attempt.
    await delivery.getByRole('button', { name: 'Replay' }).click();
    await expect.poll(() => firing().length, { timeout: 30_000 }).toBe(3);
    expect(firing()[2].id).toBe(firing()[0].id);
    expect(firing()[2].body).toBe(firing()[0].body);
    await expect(async () => {
      await page.reload();
      await expect(log.getByRole('row').filter({ hasText: CHANNEL }).getByRole('listitem')).toHaveCount(3, { timeout: 1000 });
    }).toPass({ timeout: 30_000, intervals: [1000] });
    await shoot(page, 'delivery-log-alert');

    // The channel's own log holds the test message and the alert's delivery.
    await page.goto('/alerts/channels');
    await page.getByTestId('alert-channels').getByRole('row').filter({ hasText: CHANNEL }).getByRole('link', { name: 'Delivery log' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Delivery log: ${CHANNEL}`);
    await expect(page.getByTestId('delivery-log')).toContainText('test message');
    await expect(page.getByTestId('delivery-log')).toContainText(RULE);
    await shoot(page, 'delivery-log-channel');
    await page.goto('/alerts/channels');
    await shoot(page, 'alert-channels-admin');
  });

  test('an email channel whose SMTP server refuses is not saved', async ({ page }) => {
    // A port nothing listens on: the connection is refused.
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await page.goto('/alerts/channels');
    const form = page.getByRole('form', { name: 'Add a channel' });
    await form.getByLabel('Kind').selectOption('email');
    await form.getByLabel('Name').fill(`Mail ${RUN}`);
    await form.getByLabel('SMTP host', { exact: true }).fill('127.0.0.1');
    await form.getByLabel('Port', { exact: true }).fill(String(port));
    await form.getByLabel('From', { exact: true }).fill('errata@example.com');
    await form.getByLabel(/^To/).fill('oncall@example.com');
    await form.getByRole('button', { name: 'Add channel' }).click();
    await expect(form.getByRole('alert')).toContainText('config: the SMTP server refused');
    await expect(page.getByTestId('alert-channels').getByText(`Mail ${RUN}`)).toHaveCount(0);
  });
});

test.describe('as support', () => {
  test.use({ storageState: storageStateFor('support') });

  test('sees channels and deliveries without URLs or actions', async ({ page }) => {
    await page.goto('/alerts/channels');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Notification channels');
    // The admin's test (an earlier worker process, so another RUN) added the receiver channel.
    const row = page.getByTestId('alert-channels').getByRole('row').filter({ hasText: 'Receiver ' }).first();
    await expect(row).toContainText('http://127.0.0.1:');
    await expect(row).not.toContainText('/hook');
    for (const name of ['Send a test', 'Edit', 'Switch off', 'Delete', 'Add channel']) await expect(page.getByRole('button', { name })).toHaveCount(0);
    await expect(page.getByRole('form', { name: 'Add a channel' })).toHaveCount(0);
    await shoot(page, 'alert-channels-support');
    await page.goto('/alerts/deliveries');
    await expect(page.getByTestId('delivery-log')).toContainText('Receiver ');
    await expect(page.getByRole('button', { name: 'Replay' })).toHaveCount(0);
    const res = await page.request.patch('/api/v1/alerts/channels/1', { data: { enabled: false } });
    expect(res.status()).toBe(403);
  });
});
