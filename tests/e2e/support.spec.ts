// Support's task end to end: a customer email quoting two ids gets one line per id and one reply; a key whose
// history explains the 401 says "looks revoked since"; near-miss ids are suggested; the key link opens a summary.
import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { openDatabase } from '../../db/client';
import { createToken } from '../../db/queries/tokens';
import { storageStateFor } from './e2e-env';

const RUN = Date.now().toString(36);
const MIN = 60_000;
const NOW = Date.now();
const KEY_REV = `key_rev${RUN}`;
const KEY_OK = `key_ok${RUN}`;
// The key worked until REVOKED_AT, then every call failed with invalid_credentials.
const REVOKED_AT = Math.floor((NOW - 150 * MIN) / 1000) * 1000 + 123;
const ID_401 = `req_sp${RUN}Rv401x01`;
const ID_404 = `req_sp${RUN}Nf404x02`;
const ID_NEAR = `req_sp${RUN}Near0x03`;
const ID_UPPER = `req_sp${RUN}upper0x4`;
const OUT = path.resolve('tests/e2e/screenshots');

function rec(request_id: string, ts: number, key_id: string, code: string | null, status: number, message = '') {
  return {
    request_id,
    timestamp: new Date(ts).toISOString(),
    status,
    method: 'POST',
    path: '/v1/submissions',
    key_id,
    account_id: `acct_${RUN}`,
    tier: 'pro',
    latency_ms: 12,
    ...(code ? { error: { code, message, details: {}, request_id } } : {}),
  };
}

async function ingest(request: APIRequestContext, records: object[]) {
  const db = openDatabase(process.env.E2E_DATABASE_PATH!);
  const { token } = createToken(db, { name: `e2e support ${RUN}`, scopes: ['ingest'] });
  db.$client.close();
  const res = await request.post('/api/v1/ingest', {
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
    data: records.map((r) => JSON.stringify(r)).join('\n'),
  });
  expect(res.status(), await res.text()).toBe(200);
  expect((await res.json()).accepted).toBe(records.length);
}

test.use({ storageState: storageStateFor('support') });

test.beforeAll(async ({ request }) => {
  const ok = Array.from({ length: 30 }, (_, i) => rec(`req_sp${RUN}ok${String(i).padStart(4, '0')}`, REVOKED_AT - (30 - i) * 7 * MIN, KEY_REV, null, 200));
  const bad = Array.from({ length: 40 }, (_, i) =>
    rec(i === 30 ? ID_401 : `req_sp${RUN}bad${String(i).padStart(4, '0')}`, REVOKED_AT + i * 3 * MIN, KEY_REV, 'invalid_credentials', 401, 'Invalid API key.'),
  );
  await ingest(request, [
    ...ok,
    ...bad,
    rec(ID_404, NOW - 40 * MIN, KEY_OK, 'not_found', 404, 'Submission not found.'),
    rec(ID_NEAR, NOW - 30 * MIN, KEY_OK, 'invalid_body', 400, 'Body is not valid JSON.'),
    rec(ID_UPPER, NOW - 20 * MIN, KEY_OK, null, 200),
  ]);
});

const EMAIL = `Hi support team,

since this afternoon our calls fail. One said X-Request-Id: ${ID_401}, and this
morning a GET returned "request_id": "${ID_404}".

Thanks a lot,
Dana Whitfield, Acme Corp`;

const utc = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';

async function shoot(page: Page, name: string) {
  fs.mkdirSync(OUT, { recursive: true });
  await page.evaluate(() => window.scrollTo(0, 0));
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: path.join(OUT, `${name}-${scheme}.png`), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

test('an email with two ids: one line each, one reply with one greeting and sign-off; only the ids reach the URL', async ({ page }) => {
  await page.goto('/errors');
  const box = page.getByRole('textbox', { name: 'Look up request ids' });
  await box.fill(EMAIL);
  await box.press('Enter');
  await expect(page).toHaveURL(/\/lookup\?q=/);
  const url = new URL(page.url());
  expect(url.searchParams.get('q')!.split('\n')).toEqual([ID_401, ID_404]);
  expect(url.search).not.toMatch(/Dana|Thanks|afternoon/);

  await page.evaluate(() => window.scrollTo(0, 0));
  await expect(page.getByTestId('lookup-summary')).toHaveText('2 ids in the text: 2 found, 0 missing.');
  const lines = page.getByTestId('lookup-line');
  await expect(lines).toHaveCount(2);
  await expect(lines.nth(0)).toContainText(ID_401);
  await expect(lines.nth(0)).toContainText('invalid_credentials');
  await expect(lines.nth(0).getByTestId('lookup-insight')).toContainText(`This key looks revoked since ${utc(REVOKED_AT)}`);
  await expect(lines.nth(1)).toContainText(ID_404);
  await expect(lines.nth(1)).toContainText('not_found');

  const reply = page.getByTestId('lookup-reply').getByRole('textbox');
  const text = await reply.inputValue();
  expect(text.match(/^Hello,$/gm)).toHaveLength(1);
  expect(text.match(/^Best regards,$/gm)).toHaveLength(1);
  expect(text).toContain(`About ${ID_401} (`);
  expect(text).toContain(`The API key used looks revoked since ${utc(REVOKED_AT)}`);
  expect(text).toContain(`About ${ID_404} (`);
  expect(text.indexOf(ID_401)).toBeLessThan(text.indexOf(ID_404));
  // Editable, and the copy button copies what was edited.
  await reply.fill(text.replace('Hello,', 'Hello Dana,'));
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByTestId('lookup-reply').getByRole('button', { name: 'Copy reply' }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toMatch(/^Hello Dana,\n/);
  await shoot(page, 'ux-lookup-two-ids');
});

test('the request page says what the key history shows, in the facts and in the reply', async ({ page }) => {
  await page.goto(`/requests/${ID_401}`);
  const card = page.getByTestId('request-record');
  await expect(card.getByTestId('key-insight')).toContainText(
    `This key looks revoked since ${utc(REVOKED_AT)}: all 40 of its requests since then failed with invalid_credentials, after 30 that did not`,
  );
  await expect(card.getByRole('textbox', { name: 'Draft reply (editable)' })).toHaveValue(new RegExp(`The API key used looks revoked since ${utc(REVOKED_AT)}`));
  await shoot(page, 'ux-request-revoked');
  // A request of a key with no such history says nothing of the kind.
  await page.goto(`/requests/${ID_NEAR}`);
  await expect(page.getByTestId('request-record')).toContainText('invalid_body');
  await expect(page.getByTestId('key-insight')).toHaveCount(0);
});

test('near misses: one character off is suggested, REQ_ is accepted, junk is listed as not ids, the store is described', async ({ page }) => {
  const typo = ID_NEAR.slice(0, -1) + '9';
  const upper = 'REQ_' + ID_UPPER.slice(4);
  const junk = `ab12\u200bcd34ef${RUN}`;
  const junkShown = `ab12⟨U+200B⟩cd34ef${RUN}`;
  await page.goto('/lookup');
  const area = page.getByRole('textbox', { name: 'Request ids, or a whole email or ticket' });
  await area.fill(`Hello, these failed: ${typo} and ${upper}. Our ref: ${junk}. Thanks`);
  await area.press('Control+Enter');
  await expect(page.getByTestId('lookup-summary')).toHaveText('2 ids in the text: 1 found, 1 missing. 1 token is not an id.');
  expect(new URL(page.url()).searchParams.get('q')!.split('\n')).toEqual([typo, upper]);
  await expect(page.getByTestId('lookup-line')).toContainText(ID_UPPER);
  await expect(page.getByTestId('lookup-line')).toContainText(`(written ${upper})`);
  const missing = page.getByTestId('lookup-missing');
  await expect(missing).toContainText(typo);
  await expect(missing.getByTestId('did-you-mean').getByRole('link', { name: ID_NEAR })).toHaveAttribute('href', `/requests/${ID_NEAR}`);
  await expect(missing.getByTestId('lookup-store')).toContainText(/keeps 30 days of records; the newest stored record is from \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/);
  await expect(page.getByTestId('lookup-not-ids')).toContainText(junkShown);
  await shoot(page, 'ux-lookup-near-miss');
  await missing.getByRole('link', { name: ID_NEAR }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(ID_NEAR);
});

test('support opens the key link from a request: a read-only summary, not "Not allowed"', async ({ page }) => {
  await page.goto(`/requests/${ID_401}`);
  await page.getByTestId('request-record').getByRole('link', { name: KEY_REV }).click();
  await expect(page).toHaveURL(`/keys/${KEY_REV}`);
  await expect(page.getByTestId('forbidden')).toHaveCount(0);
  const summary = page.getByTestId('key-summary');
  await expect(summary.getByRole('heading', { level: 1 })).toHaveText(KEY_REV);
  await expect(summary).toContainText(`acct_${RUN}`);
  await expect(summary.getByTestId('key-insight')).toContainText(`looks revoked since ${utc(REVOKED_AT)}`);
  await expect(summary.getByTestId('key-summary-codes').getByRole('row').nth(1)).toContainText('invalid_credentials');
  await expect(summary.getByTestId('key-summary-codes').getByRole('row').nth(1).getByRole('cell').last()).toHaveText('40');
  await expect(summary.getByTestId('key-summary-failures').getByRole('link')).toHaveCount(10);
  await shoot(page, 'ux-key-summary');
});

test('the lookup answer and the key summary have no serious accessibility violations, light and dark', async ({ page }) => {
  for (const url of [`/lookup?q=${encodeURIComponent(`${ID_401}\n${ID_404}\nreq_sp${RUN}Near0x09`)}`, `/keys/${KEY_REV}`]) {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(url);
      await page.locator('h1').waitFor();
      const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(serious.map((v) => `${url} ${scheme}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    }
  }
});
