// An engineer writes an alert rule, previews its 7-day backtest, saves it, sees it fire on injected traffic,
// acknowledges and silences it. The server judges rules every 3 s here (ERRATA_ALERTS_INTERVAL_MS).
import { sqliteStoreOn } from '@/db/sqlite/store';
import { expect, test } from '@playwright/test';
import { openDatabase } from '../../db/client';
import { processBatch } from '../../ingest/index';
import { storageStateFor } from './e2e-env';

const RUN = Date.now().toString(36);
const KEY = `key_alert_${RUN}`;
const RULE = `Conflicts on ${KEY}`;
const W = 5 * 60_000;

test.beforeAll(async () => {
  // 60 state_conflict errors in each 5-minute window of the last 30 minutes (over the 50-request minimum), on a key
  // no other spec uses.
  const now = Date.now();
  const records = [];
  for (let t = Math.floor(now / W) * W - 6 * W, i = 0; t < now - 5_000; t += 5_000, i++) {
    const id = `req_alert_${RUN}_${i}`;
    records.push({ request_id: id, timestamp: new Date(t).toISOString(), status: 409, method: 'POST', route: '/v1/submissions', key_id: KEY, tier: 'pro', error: { code: 'state_conflict', message: 'Conflict.', details: {}, request_id: id } });
  }
  const db = openDatabase(process.env.E2E_DATABASE_PATH!);
  const r = await processBatch(sqliteStoreOn(db), new TextEncoder().encode(records.map((x) => JSON.stringify(x)).join('\n')), { token_id: null });
  db.$client.close();
  expect(r.accepted).toBe(records.length);
});

test.describe('as an engineer', () => {
  test.use({ storageState: storageStateFor('engineer') });

  test('create a rule with the backtest preview, see it fire, acknowledge and silence it', async ({ page }) => {
    test.setTimeout(180_000);
    await page.goto('/alerts/rules/new');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('New alert rule');
    await page.getByLabel('Name').fill(RULE);
    await page.getByLabel('Measure').selectOption('error_count');
    await page.getByLabel(/^Scope/).fill(`key=${KEY}`);
    await page.getByLabel('Kind').selectOption('threshold');
    await page.getByLabel(/^Threshold/).fill('20');
    await page.getByRole('button', { name: 'Preview: last 7 days' }).click();
    const preview = page.getByTestId('backtest');
    await expect(preview).toContainText('Would have fired 1 time', { timeout: 30_000 });
    await expect(preview).toContainText('(the last 7 days)');
    await page.screenshot({ path: `${process.env.E2E_AUTH_DIR}/alert-editor.png`, fullPage: true });
    await page.getByRole('button', { name: 'Save rule' }).click();
    await expect(page).toHaveURL(/\/alerts$/);

    // The new rule catches up the last day within a few evaluation passes.
    const open = page.getByTestId('open-alerts');
    await expect(async () => {
      await page.reload();
      await expect(open.getByRole('row').filter({ hasText: RULE })).toContainText('firing', { timeout: 1000 });
    }).toPass({ timeout: 120_000, intervals: [2000] });

    await page.screenshot({ path: `${process.env.E2E_AUTH_DIR}/alerts-list.png`, fullPage: true });
    await open.getByRole('link', { name: RULE }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(RULE);
    await expect(page.getByTestId('band-chart')).toBeVisible();
    await expect(page.getByTestId('alert-transitions')).toContainText('pending → firing');
    await expect(page.getByTestId('alert-rows').getByRole('row').nth(1)).toContainText(KEY);

    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await expect(page.getByText('acknowledged by e2e-engineer@errata.test')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Acknowledged' })).toBeDisabled();
    await page.getByRole('button', { name: 'Silence 1 h' }).click();
    await expect(page.getByText(/silenced until/)).toBeVisible();
    await expect(page.getByTestId('alert-transitions')).toContainText('firing → acknowledged');
    await expect(page.getByTestId('alert-transitions')).toContainText('firing → silenced');
    await page.screenshot({ path: `${process.env.E2E_AUTH_DIR}/alert-page.png`, fullPage: true });
  });
});

test.describe('as support', () => {
  test.use({ storageState: storageStateFor('support') });

  test('reads alerts but has no rule editor', async ({ page }) => {
    await page.goto('/alerts');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Alerts');
    await expect(page.getByRole('link', { name: 'New rule' })).toHaveCount(0);
    const res = await page.goto('/alerts/rules/new');
    expect(res?.status()).toBe(403);
  });
});
