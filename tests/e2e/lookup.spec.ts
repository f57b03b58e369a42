// Support's lookup: one id, many, or a whole pasted email, from the header box on any page.
import { expect, test, type APIRequestContext } from '@playwright/test';
import { openDatabase } from '../../db/client';
import { createToken } from '../../db/queries/tokens';
import { storageStateFor } from './e2e-env';

const RUN = Date.now().toString(36);
const KNOWN_A = `req_lk${RUN}_alpha01`;
const KNOWN_B = `req_lk${RUN}_bravo02`;
const UNKNOWN = `req_lk${RUN}_zulu99`;
const XSS_ID = `req_lk${RUN}_xss0001`;
const XSS = '<img src=x onerror=alert(1)>';

async function ingest(request: APIRequestContext, records: object[]) {
  const db = openDatabase(process.env.E2E_DATABASE_PATH!);
  const { token } = createToken(db, { name: `e2e lookup ${RUN}`, scopes: ['ingest'] });
  db.$client.close();
  const res = await request.post('/api/v1/ingest', {
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
    data: records.map((r) => JSON.stringify(r)).join('\n'),
  });
  expect(res.status(), await res.text()).toBe(200);
  expect((await res.json()).accepted).toBe(records.length);
}

function record(id: string, code: string, status: number, message: string, minutesAgo: number) {
  return {
    request_id: id,
    timestamp: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
    status,
    method: 'POST',
    path: '/v1/submissions',
    key_id: `key_lk${RUN}`,
    account_id: 'acct_lookup',
    tier: 'free',
    latency_ms: 42,
    error: { code, message, details: {}, request_id: id },
  };
}

test.use({ storageState: storageStateFor('support') });

test.beforeAll(async ({ request }) => {
  await ingest(request, [
    record(KNOWN_A, 'not_found', 404, 'Submission not found.', 30),
    record(KNOWN_B, 'invalid_body', 400, 'Body is not valid JSON.', 20),
    record(XSS_ID, 'internal_error', 500, XSS, 10),
  ]);
});

const EMAIL = `Hi support,

two of my calls failed this morning. The first one returned X-Request-Id: ${KNOWN_A}
and the second said "request_id": "${KNOWN_B}". A colleague also saw ${UNKNOWN} yesterday.

Thanks, Dana`;

test('a pasted email with two known ids and one unknown: both found, one reported missing', async ({ page }) => {
  await page.goto('/errors');
  const box = page.getByRole('textbox', { name: 'Look up request ids' });
  await box.fill(EMAIL);
  await box.press('Enter');
  await expect(page).toHaveURL(/\/lookup\?q=/);
  await expect(box).toHaveValue('');
  const found = page.getByTestId('lookup-found');
  await expect(found.getByRole('heading', { name: 'Found (2)' })).toBeVisible();
  await expect(found.getByRole('link', { name: KNOWN_A })).toHaveAttribute('href', `/requests/${KNOWN_A}`);
  await expect(found.getByRole('link', { name: KNOWN_B })).toBeVisible();
  const missing = page.getByTestId('lookup-missing');
  await expect(missing.getByRole('heading', { name: 'Missing (1)' })).toBeVisible();
  await expect(missing.getByText(UNKNOWN, { exact: true })).toBeVisible();
  await expect(page.getByTestId('lookup-summary')).toHaveText('3 ids in the text: 2 found, 1 missing.');
  // The same answer as CSV: two found records, then the missing id.
  const csv = await page.request.get((await found.getByTestId('csv-download').getAttribute('href'))!);
  expect(csv.status()).toBe(200);
  const lines = (await csv.text()).trim().split('\r\n');
  expect(lines).toHaveLength(4);
  expect(lines[1]).toMatch(new RegExp(`^true,${KNOWN_A},`));
  expect(lines[2]).toMatch(new RegExp(`^true,${KNOWN_B},`));
  expect(lines[3]).toMatch(new RegExp(`^false,${UNKNOWN}`));
  // The found row opens the support view.
  await found.getByRole('link', { name: KNOWN_B }).click();
  await expect(page).toHaveURL(`/requests/${KNOWN_B}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(KNOWN_B);
});

test('"/" focuses the header box from anywhere, and one known id goes straight to its request', async ({ page }) => {
  await page.goto('/errors');
  await page.locator('body').click({ position: { x: 5, y: 300 } });
  await page.keyboard.press('/');
  const box = page.getByRole('textbox', { name: 'Look up request ids' });
  await expect(box).toBeFocused();
  await page.keyboard.type(KNOWN_A);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(`/requests/${KNOWN_A}`);
  await expect(page.getByTestId('request-record')).toContainText('not_found');
});

test('Shift+Enter adds a line; a long pasted thread goes through the POST path and still finds the ids', async ({ page }) => {
  await page.goto('/lookup');
  const box = page.getByRole('textbox', { name: 'Look up request ids' });
  await box.click();
  await page.keyboard.type(KNOWN_A);
  await page.keyboard.press('Shift+Enter');
  await page.keyboard.type(UNKNOWN);
  await expect(box).toHaveValue(`${KNOWN_A}\n${UNKNOWN}`);
  // Over 1,500 characters: too long for a URL, sent as a server action, answered with a short link of just the ids.
  const thread = `${EMAIL}\n\n${'> quoted earlier message line with no ids in it at all\n'.repeat(60)}`;
  expect(thread.length).toBeGreaterThan(1500);
  await box.fill(thread);
  await box.press('Enter');
  await expect(page.getByTestId('lookup-summary')).toHaveText('3 ids in the text: 2 found, 1 missing.');
  const url = new URL(page.url());
  expect(url.pathname).toBe('/lookup');
  expect(url.searchParams.get('q')?.split('\n').sort()).toEqual([KNOWN_A, KNOWN_B, UNKNOWN].sort());
});

test('text without any request id says so', async ({ page }) => {
  await page.goto('/lookup?q=' + encodeURIComponent('hello, my API is broken, please help'));
  await expect(page.getByTestId('lookup-summary')).toHaveText('No request ids were found in that text.');
});

test('an ingested message with HTML stays inert text on the lookup list and the request page', async ({ page }) => {
  let dialogs = 0;
  page.on('dialog', async (d) => {
    dialogs++;
    await d.dismiss();
  });
  await page.goto(`/lookup?q=${encodeURIComponent(`${XSS_ID} ${UNKNOWN}`)}`);
  await expect(page.getByTestId('lookup-found')).toContainText(XSS);
  await page.goto(`/requests/${XSS_ID}`);
  await expect(page.getByTestId('request-record').getByText(XSS).first()).toBeVisible();
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  expect(dialogs).toBe(0);
});
