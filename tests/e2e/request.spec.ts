// The support view of one request: what happened, what the details mean, the fix, a reply, and the key's minutes around it.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { openDatabase } from '../../db/client';
import { createToken } from '../../db/queries/tokens';
import { CAPACITY_REASON_INFO } from '../../lib/catalog';
import { storageStateFor } from './e2e-env';

const RUN = Date.now().toString(36);
const KEY = `key_rq${RUN}`;
const id = (name: string) => `req_rq${RUN}_${name}`;
const T0 = Date.now() - 40 * 60_000;
// Ids are any visible ASCII: URL-significant characters must survive the round trip through links.
const ODD = `Req/${RUN}?a=1&b=%41#x+y`;

function rec(name: string, offsetS: number, status: number, error?: { code: string; message: string; details?: object }, extra: object = {}) {
  return {
    request_id: id(name),
    timestamp: new Date(T0 + offsetS * 1000).toISOString(),
    status,
    method: 'POST',
    path: '/v1/submissions',
    route: '/v1/submissions',
    latency_ms: 87,
    key_id: KEY,
    account_id: `acct_rq${RUN}`,
    tier: 'starter',
    ...(error ? { error: { details: {}, ...error, request_id: id(name) } } : {}),
    ...extra,
  };
}

async function ingest(request: APIRequestContext, records: object[]) {
  const db = openDatabase(process.env.E2E_DATABASE_PATH!);
  const { token } = createToken(db, { name: `e2e request ${RUN}`, scopes: ['ingest'] });
  db.$client.close();
  const res = await request.post('/api/v1/ingest', {
    headers: { authorization: `Bearer ${token}` },
    data: records.map((r) => JSON.stringify(r)).join('\n'),
  });
  expect(res.status(), await res.text()).toBe(200);
  expect((await res.json()).accepted).toBe(records.length);
}

test.use({ storageState: storageStateFor('support') });

test.beforeAll(async ({ request }) => {
  await ingest(request, [
    rec('ok1', -120, 200),
    rec('quota', 0, 429, {
      code: 'capacity_exceeded',
      message: 'Daily submission quota reached.',
      details: { reason: 'daily_quota', used: 50, limit: 50 },
    }),
    rec('ok2', 45, 201),
    rec('concurrent', 90, 429, {
      code: 'capacity_exceeded',
      message: 'Too many concurrent submissions.',
      details: { reason: 'concurrent_submissions', used: 3, limit: 3 },
    }),
    rec('ratelimit', 150, 429, { code: 'rate_limited', message: 'Rate limit exceeded.', details: { retry_after: 42, limit: 60 } }),
    rec('field', 200, 422, { code: 'validation_failed', message: 'num_genes must be at most num_generations.', details: { field: 'num_genes' } }),
    rec('mismatch', 260, 500, { code: 'not_found', message: 'Submission not found.' }),
    rec('newcode', 300, 418, { code: 'teapot_overflow', message: 'Short and stout.', details: { spout: 'left' } }),
    { ...rec('odd', 330, 404, { code: 'not_found', message: 'Odd id.' }), request_id: ODD, error: { code: 'not_found', message: 'Odd id.', details: {}, request_id: ODD } },
  ]);
});

test('a capacity_exceeded request shows its reason, used/limit and the right fix', async ({ page }) => {
  await page.goto(`/requests/${id('quota')}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(id('quota'));
  const card = page.getByTestId('request-record');
  await expect(card.getByRole('heading', { name: 'capacity_exceeded' })).toBeVisible();
  await expect(card).toContainText('Daily submission quota reached.');
  await expect(card.getByTestId('capacity-reason')).toContainText(CAPACITY_REASON_INFO.daily_quota.label);
  const meter = card.getByRole('meter');
  await expect(meter).toHaveAttribute('aria-valuenow', '50');
  await expect(meter).toHaveAttribute('aria-valuemax', '50');
  await expect(card.getByTestId('usage')).toContainText('50 / 50');
  await expect(card.getByTestId('fix')).toHaveText(CAPACITY_REASON_INFO.daily_quota.fix);
  // The facts support staff read out: status, key, account, tier, endpoint, latency.
  for (const text of ['429', KEY, `acct_rq${RUN}`, 'starter', 'POST /v1/submissions', '87 ms']) await expect(card).toContainText(text);
  // The reply speaks to this reason, with the numbers.
  const reply = card.getByRole('textbox', { name: 'Draft reply (editable)' });
  await expect(reply).toHaveValue(new RegExp(CAPACITY_REASON_INFO.daily_quota.reply.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  await expect(reply).toHaveValue(/You had used 50 of your 50 daily submissions\./);
  await expect(reply).toHaveValue(new RegExp(id('quota')));
});

test('another capacity reason gets its own label and fix', async ({ page }) => {
  await page.goto(`/requests/${id('concurrent')}`);
  const card = page.getByTestId('request-record');
  await expect(card.getByTestId('capacity-reason')).toContainText(CAPACITY_REASON_INFO.concurrent_submissions.label);
  await expect(card.getByTestId('fix')).toHaveText(CAPACITY_REASON_INFO.concurrent_submissions.fix);
  await expect(card.getByTestId('fix')).not.toHaveText(CAPACITY_REASON_INFO.daily_quota.fix);
});

test('the copy button puts the (edited) reply on the clipboard', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto(`/requests/${id('ratelimit')}`);
  const reply = page.getByRole('textbox', { name: 'Draft reply (editable)' });
  await reply.press('Control+End');
  await reply.pressSequentially('\nDana from support');
  await page.getByRole('button', { name: 'Copy reply' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Copied' })).toBeVisible();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toContain('per-minute rate limit');
  expect(copied).toContain('wait 42 seconds');
  expect(copied).toMatch(/Dana from support$/);
});

test('retry_after, limit and field are explained in words', async ({ page }) => {
  await page.goto(`/requests/${id('ratelimit')}`);
  const retry = page.getByTestId('retry-after');
  await expect(retry).toContainText('Asked to wait 42 seconds before retrying');
  await expect(retry).toContainText('that time has passed');
  await expect(page.getByTestId('request-record')).toContainText('60 requests per minute');
  await page.goto(`/requests/${id('field')}`);
  await expect(page.getByTestId('field')).toContainText('num_genes');
  await expect(page.getByTestId('fix')).toHaveText('Read the message for the specific reason.');
});

test('a status the catalog does not give the code, and an unknown code, are flagged', async ({ page }) => {
  await page.goto(`/requests/${id('mismatch')}`);
  const flags = page.getByRole('list', { name: 'Flags' });
  await expect(flags).toContainText('Status does not match the catalog');
  await expect(flags).toContainText('status 404; this request was answered with 500');
  await page.goto(`/requests/${id('newcode')}`);
  await expect(page.getByRole('list', { name: 'Flags' })).toContainText('Unknown code.');
  await expect(page.getByTestId('request-record')).toContainText('spout');
  await page.goto(`/requests/${id('quota')}`);
  await expect(page.getByRole('list', { name: 'Flags' })).toHaveCount(0);
});

test("the key's minutes around the request: counts, previous and next", async ({ page }) => {
  await page.goto(`/requests/${id('concurrent')}`);
  const side = page.getByRole('complementary', { name: 'Same key, minutes around it' });
  await expect(side).toContainText(`Key ${KEY} made 9 requests`);
  await expect(side.getByRole('list', { name: /by code/ })).toContainText('capacity_exceeded ×2');
  await side.getByRole('link', { name: /^← Previous: success/ }).click();
  await expect(page).toHaveURL(`/requests/${id('ok2')}`);
  await expect(page.getByTestId('request-record')).toContainText('Success');
  // Client-side navigation must not carry the previous request's draft over.
  await expect(page.getByRole('textbox', { name: 'Draft reply (editable)' })).toHaveValue(new RegExp(id('ok2')));
  await page.getByRole('link', { name: /^Next: capacity_exceeded/ }).click();
  await expect(page).toHaveURL(`/requests/${id('concurrent')}`);
  await page.getByText(/The 9 requests in this window/).click();
  await expect(side.getByRole('row')).toHaveCount(10);
});

test('an unknown id says it is not stored, and how to look further', async ({ page }) => {
  await page.goto(`/requests/${id('nope')}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Request not found');
  await expect(page.getByRole('status').filter({ hasText: id('nope') })).toBeVisible();
});

for (const scheme of ['light', 'dark'] as const) {
  test(`details, flags, meter and reply have no serious accessibility violations (${scheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    for (const name of ['quota', 'ratelimit', 'mismatch', 'newcode']) {
      await page.goto(`/requests/${id(name)}`);
      await page.getByTestId('request-record').waitFor();
      const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(serious.map((v) => `${name}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    }
  });
}

test('an id with URL-significant characters opens its own page, from a link and from the lookup', async ({ page }) => {
  await page.goto(`/requests/${encodeURIComponent(ODD)}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(ODD);
  await expect(page.getByTestId('request-record')).toContainText('Odd id.');
  await page.goto(`/requests/${id('newcode')}`);
  await page.getByRole('link', { name: /^Next: not_found/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(ODD);
  const box = page.getByRole('textbox', { name: 'Look up request ids' });
  await box.fill(ODD);
  await box.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(ODD);
});

test('support staff follow a key to its read-only summary and a code to the errors explorer', async ({ page }) => {
  await page.goto(`/requests/${id('quota')}`);
  const card = page.getByTestId('request-record');
  await expect(card.getByRole('link', { name: KEY })).toHaveAttribute('href', `/keys/${KEY}`);
  await expect(card.getByRole('link', { name: 'capacity_exceeded' })).toHaveAttribute('href', '/errors?code=capacity_exceeded');
  const window = page.getByRole('link', { name: /These 15 minutes of this key/ });
  const q = new URL((await window.getAttribute('href'))!, page.url()).searchParams;
  expect(q.get('key')).toBe(KEY);
  expect(Number(q.get('to')) - Number(q.get('from'))).toBe(15 * 60_000);
});

test.describe('as an engineer', () => {
  test.use({ storageState: storageStateFor('engineer') });
  test('the key and code link to their own pages', async ({ page }) => {
    await page.goto(`/requests/${id('quota')}`);
    const card = page.getByTestId('request-record');
    await card.getByRole('link', { name: KEY }).click();
    await expect(page).toHaveURL(`/keys/${KEY}`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(KEY);
  });
});
