// Issue 20 items 1–4 as a user meets them: an honest error rate under an error filter, a key that failed everything,
// the previous period, unknown parameters, CSV that follows the screen.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { expect, test } from '@playwright/test';
import { seedInfo, storageStateFor } from './e2e-env';

test.use({ storageState: storageStateFor('engineer') });

const OUT = path.resolve('tests/e2e/screenshots');
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const H = 3_600_000;
const pct = (s: string) => Number(s.replace(/[^\d.]/g, ''));

for (const scheme of ['light', 'dark'] as const) {
  test.describe(`overview with code=internal_error (${scheme})`, () => {
    test.use({ colorScheme: scheme, viewport: { width: 1440, height: 900 } });
    test(`the rate is internal_error's share of all requests, not 100 % (${scheme})`, async ({ page }) => {
      const seed = seedInfo();
      // The spike hour and the hour around it: plenty of successes, 1,500+ internal_error.
      await page.goto(`/?from=${iso(seed.spike_hour_ms - H)}&to=${iso(seed.spike_hour_ms + H)}&code=internal_error`);
      const rate = page.getByTestId('kpi-error-rate');
      await expect(rate).not.toContainText('unknown');
      const value = pct(await rate.locator('div').nth(1).innerText());
      expect(value).toBeGreaterThan(0);
      expect(value).toBeLessThan(100);
      // Requests are the whole population, errors only internal_error: they differ.
      const requests = await page.getByTestId('kpi-requests').locator('div').nth(1).getAttribute('title');
      const errors = await page.getByTestId('kpi-errors').locator('div').nth(1).getAttribute('title');
      expect(Number(requests!.replace(/,/g, ''))).toBeGreaterThan(Number(errors!.replace(/,/g, '')));
      // No false "no request totals" warning, and the rate chart draws.
      await expect(page.locator('[data-state="no-totals"]')).toHaveCount(0);
      await expect(page.getByText('No error rate to draw')).toHaveCount(0);
      await expect(page.getByTestId('chart-line')).toBeVisible();
      // Tiers: requests ≠ errors and no tier at 100 %.
      const tiers = page.getByTestId('breakdown-tier').locator('tbody tr');
      await expect(tiers.first()).toBeVisible();
      for (const row of await tiers.all()) {
        const cells = await row.locator('td').allInnerTexts();
        const [errs, reqs, r] = [cells[1], cells[3], cells[4]].map((c) => c.replace(/,/g, ''));
        expect(Number(reqs)).toBeGreaterThan(Number(errs));
        expect(pct(r)).toBeLessThan(100);
      }
      // Thousands separators in the tables.
      await expect(page.getByTestId('breakdown-tier').locator('tbody')).toContainText(/\d,\d{3}/);
      // The errors KPI against the previous period: the hour before the spike had (almost) no internal_error.
      await expect(page.getByTestId('kpi-errors')).toContainText(/new · previous period [\d,]+|vs previous/);
      fs.mkdirSync(OUT, { recursive: true });
      await page.screenshot({ path: path.join(OUT, `rate-internal-error-${scheme}.png`), fullPage: true });

      // The previous period as an overlay.
      await page.getByTestId('compare-previous').click();
      await expect(page).toHaveURL(/compare=previous/);
      await expect(page.getByRole('button', { name: 'Previous period', exact: true })).toBeVisible();
      await expect(page.getByTestId('chart-line').locator('path[stroke-dasharray="5 4"]').first()).toBeAttached();
      await page.screenshot({ path: path.join(OUT, `rate-compare-${scheme}.png`), fullPage: true });
    });
  });
}

test('a key that failed every request says so in words', async ({ page }) => {
  const seed = seedInfo();
  await page.goto(`/keys/key_spike_0?from=${iso(seed.spike_hour_ms)}&to=${iso(seed.spike_hour_ms + H)}`);
  const notice = page.locator('[data-state="all-failed"]');
  await expect(notice).toContainText(/All [\d,]+ requests failed since \d\d-\d\d \d\d:\d\d UTC/);
  await expect(page.locator('[data-state="no-totals"]')).toHaveCount(0);
  await expect(page.getByTestId('kpi-error-rate')).toContainText('100 %');
  fs.mkdirSync(OUT, { recursive: true });
  await page.screenshot({ path: path.join(OUT, 'rate-key-all-failed-light.png') });
});

test('an unknown parameter on a page is named, not silently ignored, with a one-click fix', async ({ page }) => {
  await page.goto('/?key_id=key_spike_1&from=now-7d');
  const notice = page.getByTestId('unknown-params');
  await expect(notice).toContainText('Ignored key_id');
  await expect(notice).toContainText('Did you mean key?');
  await notice.getByTestId('unknown-param-fix').click();
  await expect(page).toHaveURL(/[?&]key=key_spike_1/);
  await expect(page).not.toHaveURL(/key_id=/);
  await expect(page.getByTestId('unknown-params')).toHaveCount(0);
  await expect(page.getByTestId('filter-chip').filter({ hasText: 'key_spike_1' })).toBeVisible();
});

test('the explorer CSV has the columns on screen; "all fields" has every one', async ({ page, request }) => {
  const seed = seedInfo();
  await page.goto(`/errors?from=${iso(seed.spike_hour_ms)}&to=${iso(seed.spike_hour_ms + H)}&cols=time,request_id,code,key_id`);
  const href = await page.getByTestId('csv-download').getAttribute('href');
  expect(href).toContain('cols=ts,request_id,code,key_id');
  const res = await request.get(href!);
  expect(res.status()).toBe(200);
  expect(res.headers()['content-disposition']).toContain('status-4xx+5xx');
  const rows = parse(await res.text()) as string[][];
  expect(rows[0]).toEqual(['ts', 'request_id', 'code', 'key_id']);
  const first = page.getByTestId('errors-table').locator('tbody tr').first();
  expect(rows[1][1]).toBe((await first.getByTestId('request-link').innerText()).trim());
  const all = await request.get((await page.getByTestId('csv-all-fields').getAttribute('href'))!);
  expect((parse(await all.text()) as string[][])[0]).toContain('details');
});

test('explorer paging: newer as well as older, the row range at the top, jump to a time', async ({ page }) => {
  const seed = seedInfo();
  await page.goto(`/errors?from=${iso(seed.spike_hour_ms)}&to=${iso(seed.spike_hour_ms + H)}&limit=25`);
  await expect(page.getByTestId('row-range-top')).toContainText('showing rows 1–25');
  const firstId = (await page.getByTestId('request-link').first().innerText()).trim();
  await page.getByRole('link', { name: 'Older ⟩' }).click();
  await expect(page.getByTestId('row-range-top')).toContainText('showing rows 26–50');
  await page.getByRole('link', { name: 'Older ⟩' }).click();
  await expect(page.getByTestId('row-range')).toContainText('Rows 51–75');
  const thirdFirst = (await page.getByTestId('request-link').first().innerText()).trim();
  await page.getByRole('link', { name: '⟨ Newer' }).click();
  await expect(page.getByTestId('row-range')).toContainText('Rows 26–50');
  await page.getByRole('link', { name: '⟨ Newer' }).click();
  await expect(page.getByTestId('row-range')).toContainText('Rows 1–25');
  expect((await page.getByTestId('request-link').first().innerText()).trim()).toBe(firstId);
  await expect(page.getByRole('link', { name: '⟨ Newer' })).toHaveCount(0);
  expect(thirdFirst).not.toBe(firstId);

  // Jump to a minute inside the spike: the list starts at the newest row at or before it.
  const at = seed.spike_hour_ms + 10 * 60_000;
  await page.getByTestId('jump-to-time').locator('input').fill(new Date(at).toISOString().slice(0, 16).replace('T', ' '));
  await page.getByTestId('jump-to-time').getByRole('button', { name: 'Go' }).click();
  await expect(page).toHaveURL(new RegExp(`to=${encodeURIComponent(iso(at + 60_000))}`));
  const t = await page.getByTestId('errors-table').locator('tbody tr').first().locator('time').getAttribute('datetime');
  expect(Date.parse(t!)).toBeLessThan(at + 60_000);
  expect(Date.parse(t!)).toBeGreaterThan(at - 60_000);
  await page.screenshot({ path: path.join(OUT, 'rate-explorer-paging-light.png') });
});
