// Admins' ingest health: accepted, duplicate and rejected per token, and the latest rejected records with why.
import { expect, test } from '@playwright/test';
import { openDatabase } from '../../db/client';
import { createToken } from '../../db/queries/tokens';
import { storageStateFor } from './e2e-env';

const RUN = Date.now().toString(36);
const TOKEN_NAME = `shipper ${RUN}`;

test.beforeAll(async ({ request }) => {
  const db = openDatabase(process.env.E2E_DATABASE_PATH!);
  const { token } = createToken(db, { name: TOKEN_NAME, scopes: ['ingest'] });
  db.$client.close();
  const good = (i: number) => ({ request_id: `req_ig${RUN}_${i}`, timestamp: Date.now() - 60_000, status: 200, key_id: 'key_ingest' });
  const body = [good(1), good(2), good(3), { timestamp: Date.now(), status: 200, note: `no id ${RUN}` }, { request_id: `req_ig${RUN}_9`, timestamp: 'yesterday-ish', status: 200 }]
    .map((r) => JSON.stringify(r))
    .join('\n');
  const send = async () => {
    const res = await request.post('/api/v1/ingest', { headers: { authorization: `Bearer ${token}` }, data: body });
    expect(res.status()).toBe(200);
    return res.json();
  };
  expect(await send()).toMatchObject({ accepted: 3, duplicates: 0, rejected: 2 });
  // A shipper retrying the whole batch: the three good records come back as duplicates.
  expect(await send()).toMatchObject({ accepted: 0, duplicates: 3, rejected: 2 });
});

test.describe('as an admin', () => {
  test.use({ storageState: storageStateFor('admin') });

  test("a token's accepted, duplicate and rejected counts, and its rejected records with reasons", async ({ page }) => {
    await page.goto('/ingest');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ingest health');
    const row = page.getByTestId('ingest-tokens').getByRole('row').filter({ hasText: TOKEN_NAME });
    await expect(row.getByRole('cell')).toHaveText([new RegExp(TOKEN_NAME), '2', '3', '3', '4', '40 %', '0', /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/]);
    await row.getByRole('link', { name: TOKEN_NAME }).click();
    await expect(page).toHaveURL(/[?&]token=\d+/);
    await expect(page.getByTestId('kpi-rejected')).toContainText('4');
    const rejections = page.getByTestId('latest-rejections');
    await expect(rejections.getByRole('row')).toHaveCount(5);
    await expect(rejections).toContainText('request_id');
    await expect(rejections).toContainText(`no id ${RUN}`);
    await expect(rejections).toContainText('timestamp');
    await expect(page.getByTestId('rejection-reasons').getByRole('row')).not.toHaveCount(1);
  });

  test('the token table downloads as CSV for the same range', async ({ page }) => {
    await page.goto('/ingest');
    const link = page.locator('#ingest-tokens').getByTestId('csv-download');
    const res = await page.request.get((await link.getAttribute('href'))!);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toContain('text/csv');
    const text = await res.text();
    expect(text.split('\r\n')[0]).toBe('token_id,token_name,token_prefix,revoked,batches,accepted,duplicates,rejected,refused,last_bucket');
    expect(text).toContain(`${TOKEN_NAME},`);
  });
});

test.describe('as an engineer', () => {
  test.use({ storageState: storageStateFor('engineer') });
  test('ingest health is for admins', async ({ page }) => {
    await page.goto('/ingest');
    await expect(page.getByTestId('forbidden')).toBeVisible();
    await expect(page.getByText(TOKEN_NAME)).toHaveCount(0);
  });
});
