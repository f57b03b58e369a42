// Engineers' key and code pages: rates, codes or keys, recent failures, the catalog entry, and CSV of exactly the view.
import { expect, test, type APIRequestContext } from '@playwright/test';
import { openDatabase } from '../../db/client';
import { createToken } from '../../db/queries/tokens';
import { CAPACITY_REASON_INFO, getCatalogEntry } from '../../lib/catalog';
import { storageStateFor } from './e2e-env';

const RUN = Date.now().toString(36);
const KEY = `key_kc${RUN}`;
const T0 = Date.now() - 90 * 60_000;

function rec(i: number, status: number, code?: string, details: object = {}) {
  const request_id = `req_kc${RUN}_${String(i).padStart(3, '0')}`;
  return {
    request_id,
    timestamp: new Date(T0 + i * 20_000).toISOString(),
    status,
    method: 'POST',
    route: i % 2 ? '/v1/submissions' : '/v1/submissions/{id}',
    key_id: KEY,
    account_id: `acct_kc${RUN}`,
    tier: 'team',
    latency_ms: 50 + i,
    ...(code ? { error: { code, message: `${code} #${i}`, details, request_id } } : {}),
  };
}

// 20 successes, 6 capacity_exceeded (3 daily quota, 2 concurrent, 1 platform queue), 4 rate_limited: 10 errors of 30.
const RECORDS = [
  ...Array.from({ length: 20 }, (_, i) => rec(i, 200)),
  ...[0, 1, 2].map((i) => rec(20 + i, 429, 'capacity_exceeded', { reason: 'daily_quota', used: 100, limit: 100 })),
  ...[0, 1].map((i) => rec(23 + i, 429, 'capacity_exceeded', { reason: 'concurrent_submissions', used: 2, limit: 2 })),
  rec(25, 429, 'capacity_exceeded', { reason: 'platform_queue' }),
  ...[0, 1, 2, 3].map((i) => rec(26 + i, 429, 'rate_limited', { retry_after: 10, limit: 60 })),
];

async function ingest(request: APIRequestContext, records: object[]) {
  const db = openDatabase(process.env.E2E_DATABASE_PATH!);
  const { token } = createToken(db, { name: `e2e key-code ${RUN}`, scopes: ['ingest'] });
  db.$client.close();
  const res = await request.post('/api/v1/ingest', { headers: { authorization: `Bearer ${token}` }, data: records });
  expect(res.status(), await res.text()).toBe(200);
  expect((await res.json()).accepted).toBe(records.length);
}

test.beforeAll(async ({ request }) => ingest(request, RECORDS));

test.describe('as an engineer', () => {
  test.use({ storageState: storageStateFor('engineer') });

  test("the key page shows the key's error rate, its codes and its recent failures", async ({ page }) => {
    await page.goto(`/keys/${KEY}`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(KEY);
    await expect(page.getByText(`acct_kc${RUN}`)).toBeVisible();
    await expect(page.getByTestId('kpi-requests')).toContainText('30');
    await expect(page.getByTestId('kpi-errors')).toContainText('10');
    await expect(page.getByTestId('kpi-error-rate')).toContainText('33 %');
    const codes = page.getByTestId('key-by-code');
    await expect(codes.getByRole('row')).toHaveCount(3);
    await expect(codes.getByRole('row').nth(1)).toContainText('capacity_exceeded');
    await expect(codes.getByRole('row').nth(1)).toContainText('6');
    await expect(codes.getByRole('row').nth(2)).toContainText('rate_limited');
    const failures = page.getByTestId('recent-failures');
    await expect(failures.getByRole('row')).toHaveCount(11);
    await expect(failures.getByRole('row').nth(1)).toContainText(`req_kc${RUN}_029`);
    await failures.getByRole('link', { name: `req_kc${RUN}_025` }).click();
    await expect(page).toHaveURL(`/requests/req_kc${RUN}_025`);
    await expect(page.getByTestId('capacity-reason')).toContainText(CAPACITY_REASON_INFO.platform_queue.label);
  });

  test("the key page's CSV downloads exactly the filtered view", async ({ page }) => {
    await page.goto(`/keys/${KEY}?code=rate_limited`);
    await expect(page.getByTestId('kpi-errors')).toContainText('4');
    const card = page.locator('#recent-failures');
    const href = await card.getByTestId('csv-download').getAttribute('href');
    const q = new URL(href!, page.url()).searchParams;
    expect(q.getAll('key')).toEqual([KEY]);
    expect(q.getAll('code')).toEqual(['rate_limited']);
    const download = page.waitForEvent('download');
    await card.getByTestId('csv-download').click();
    const file = await (await download).path();
    const { readFileSync } = await import('node:fs');
    const lines = readFileSync(file, 'utf8').trim().split(/\r?\n/);
    expect(lines).toHaveLength(5);
    expect(lines[0]).toContain('request_id');
    for (const line of lines.slice(1)) expect(line).toContain('rate_limited');
    // The chart's buckets too: same key and code, errors summing to what the chart shows.
    const series = await page.request.get((await page.locator('#key-errors-over-time').getByTestId('csv-download').getAttribute('href'))!);
    expect(series.status()).toBe(200);
    const rows = (await series.text()).trim().split('\r\n').map((l) => l.split(','));
    const col = rows[0].indexOf('errors');
    const group = rows[0].indexOf('code');
    expect(rows.slice(1).filter((r) => r[group] === 'rate_limited').reduce((n, r) => n + Number(r[col]), 0)).toBe(4);
  });

  test('the code page shows the catalog entry, the three reasons apart, and the keys', async ({ page }) => {
    await page.goto(`/codes/capacity_exceeded?key=${KEY}`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('capacity_exceeded');
    const entry = page.locator('#catalog-entry');
    await expect(entry).toContainText(getCatalogEntry('capacity_exceeded')!.cause);
    for (const r of Object.values(CAPACITY_REASON_INFO)) await expect(entry).toContainText(r.fix);
    await expect(page.getByTestId('kpi-errors')).toContainText('6');
    const reasons = page.getByTestId('code-by-reason');
    await expect(reasons.getByRole('row').nth(1)).toContainText(CAPACITY_REASON_INFO.daily_quota.label);
    await expect(reasons.getByRole('row').nth(1)).toContainText('3');
    await expect(reasons.getByRole('row').nth(2)).toContainText(CAPACITY_REASON_INFO.concurrent_submissions.label);
    await expect(reasons.getByRole('row').nth(3)).toContainText(CAPACITY_REASON_INFO.platform_queue.label);
    const keys = page.getByTestId('code-by-key');
    await expect(keys.getByRole('row')).toHaveCount(2);
    await keys.getByRole('link', { name: KEY }).click();
    await expect(page).toHaveURL(new RegExp(`/keys/${KEY}\\?.*code=capacity_exceeded`));
    await expect(page.getByTestId('kpi-errors')).toContainText('6');
  });

  test('a code the catalog does not know is flagged on its page', async ({ page }) => {
    await page.goto('/codes/no_such_code_yet');
    await expect(page.locator('#catalog-entry')).toContainText('is not in the error reference');
  });
});

test.describe('as support', () => {
  test.use({ storageState: storageStateFor('support') });
  test('a key opens as its read-only summary (no KPIs, charts or exports); the code page needs the engineer role', async ({ page }) => {
    await page.goto(`/keys/${KEY}`);
    await expect(page.getByTestId('key-summary')).toBeVisible();
    await expect(page.getByTestId('kpi-errors')).toHaveCount(0);
    await expect(page.getByTestId('csv-download')).toHaveCount(0);
    await page.goto('/codes/capacity_exceeded');
    await expect(page.getByTestId('forbidden')).toBeVisible();
    await expect(page.getByTestId('kpi-errors')).toHaveCount(0);
  });
});
