import { expect, test, type Page } from '@playwright/test';
import { openDatabase } from '../../db/client';
import { sqliteStoreOn } from '../../db/sqlite/store';
import { processBatch } from '../../ingest/index';
import { seedInfo, storageStateFor } from './e2e-env';

test.use({ storageState: storageStateFor('engineer') });

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** Center of the tallest stack in the errors chart: the spike global-setup seeded. */
async function tallestBarCenter(page: Page): Promise<{ x: number; y: number }> {
  const chart = page.getByTestId('chart-bar');
  await expect(chart.locator('.recharts-bar-rectangle').first()).toBeVisible();
  return chart.evaluate((el) => {
    const tops = new Map<number, { top: number; bottom: number }>();
    for (const r of el.querySelectorAll('.recharts-bar-rectangle path')) {
      const b = r.getBoundingClientRect();
      if (b.height <= 0) continue;
      const x = Math.round(b.left + b.width / 2);
      const cur = tops.get(x) ?? { top: Infinity, bottom: -Infinity };
      tops.set(x, { top: Math.min(cur.top, b.top), bottom: Math.max(cur.bottom, b.bottom) });
    }
    let best = { x: 0, top: Infinity, bottom: 0 };
    for (const [x, t] of tops) if (t.top < best.top) best = { x, ...t };
    return { x: best.x, y: (best.top + best.bottom) / 2 };
  });
}

test('clicking the spike on the overview filters to its hour, then its rows, then one request', async ({ page }) => {
  const seed = seedInfo();
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
  await expect(page.getByTestId('kpi-errors')).not.toContainText('—');

  const { x, y } = await tallestBarCenter(page);
  await page.mouse.click(x, y);
  await expect(page).toHaveURL(new RegExp(`from=${encodeURIComponent(iso(seed.spike_hour_ms))}`));
  await expect(page).toHaveURL(new RegExp(`to=${encodeURIComponent(iso(seed.spike_hour_ms + 3_600_000))}`));
  // The zoomed view counts the spike: at least its 1,500 errors, most of them internal_error.
  await expect(page.getByTestId('filter-chip').filter({ hasText: 'Range' })).toBeVisible();
  const codeTable = page.getByTestId('breakdown-code');
  await expect(codeTable.locator('tbody tr').first()).toContainText(seed.spike_code);

  await page.getByTestId('view-errors').click();
  await expect(page).toHaveURL(/\/errors\?/);
  await expect(page).toHaveURL(new RegExp(`from=${encodeURIComponent(iso(seed.spike_hour_ms))}`));
  const total = Number((await page.getByTestId('total-count').innerText()).replace(/,/g, ''));
  expect(total).toBeGreaterThanOrEqual(seed.spike_count);
  const firstLink = page.getByTestId('errors-table').getByTestId('request-link').first();
  const id = (await firstLink.innerText()).trim();
  await firstLink.click();
  await expect(page).toHaveURL(new RegExp(`/requests/${encodeURIComponent(id)}$`));
  await expect(page.getByText(id).first()).toBeVisible();
});

test('dragging across the error-rate chart selects that range', async ({ page }) => {
  await page.goto('/');
  const plot = page.getByTestId('chart-line').locator('.recharts-surface');
  await expect(plot).toBeVisible();
  const box = (await plot.boundingBox())!;
  const yMid = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width * 0.3, yMid);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, yMid, { steps: 5 });
  await page.mouse.move(box.x + box.width * 0.7, yMid, { steps: 5 });
  await page.mouse.up();
  await expect(page).toHaveURL(/from=\d{4}-\d\d-\d\dT.*&to=\d{4}-\d\d-\d\dT/);
  const u = new URL(page.url());
  const span = Date.parse(u.searchParams.get('to')!) - Date.parse(u.searchParams.get('from')!);
  // About 40 % of a 24-hour chart: several hours, well short of the whole day.
  expect(span).toBeGreaterThanOrEqual(4 * 3_600_000);
  expect(span).toBeLessThanOrEqual(14 * 3_600_000);
});

test('a breakdown value narrows the whole view, and its chip removes the filter', async ({ page }) => {
  await page.goto('/');
  const errorsBefore = await page.getByTestId('kpi-errors').innerText();
  await page.getByTestId('breakdown-tier').getByRole('link', { name: 'pro', exact: true }).click();
  await expect(page).toHaveURL(/[?&]tier=pro(&|$)/);
  const chip = page.getByTestId('filter-chip').filter({ hasText: 'Tier' });
  await expect(chip).toContainText('pro');
  await expect(page.getByTestId('kpi-errors')).not.toHaveText(errorsBefore);
  // Every tier row but pro is gone from the tier breakdown.
  await expect(page.getByTestId('breakdown-tier').locator('tbody tr')).toHaveCount(1);
  await chip.getByRole('link', { name: /Remove filter/ }).click();
  await expect(page).not.toHaveURL(/tier=/);
});

test('presets write a rolling range to the URL and show live refresh; a closed range does not', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('group', { name: 'Time range' }).getByRole('button', { name: '7d' }).click();
  await expect(page).toHaveURL(/from=now-7d/);
  await expect(page.getByRole('group', { name: 'Time range' }).getByRole('button', { name: '7d' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByText('Live', { exact: true })).toBeVisible();
  await page.goto('/?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z');
  await expect(page.getByText('Live', { exact: true })).toHaveCount(0);
});

test('an open-ended view refreshes live through the API and shows newly ingested records', async ({ page }) => {
  await page.clock.install();
  await page.goto('/?from=now-1h');
  const kpi = page.getByTestId('kpi-requests');
  const before = await kpi.innerText();
  // 2,000 more successes a minute ago, written straight to the server's database file.
  const db = openDatabase(process.env.E2E_DATABASE_PATH!, { migrate: false });
  const ts = new Date(Date.now() - 60_000).toISOString();
  const lines = Array.from({ length: 2000 }, (_, i) =>
    JSON.stringify({ request_id: `req_live_${i}_${Date.now()}`, timestamp: ts, status: 200, method: 'GET', route: '/v1/models' }),
  );
  expect((await processBatch(sqliteStoreOn(db), new TextEncoder().encode(lines.join('\n')), { token_id: null })).accepted).toBe(2000);
  db.$client.close();
  const refreshed = page.waitForResponse((r) => r.url().includes('/api/v1/stats/summary') && r.status() === 200);
  await page.clock.fastForward(31_000);
  await refreshed;
  await expect(kpi).not.toHaveText(before);
  await expect(page.getByText('Live refresh failed')).toHaveCount(0);
});

test('a range with no data says so instead of drawing empty charts', async ({ page }) => {
  await page.goto('/?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z');
  await expect(page.getByText('No records in this range')).toBeVisible();
  await expect(page.getByTestId('kpi-requests')).toContainText('0');
  await expect(page.getByTestId('chart-bar')).toHaveCount(0);
});

test('errors without request totals are called out, and the rate is unknown rather than 100 %', async ({ page }) => {
  const seed = seedInfo();
  await page.goto(`/?from=${iso(seed.no_totals_from_ms)}&to=${iso(seed.no_totals_to_ms)}`);
  await expect(page.getByRole('note').filter({ hasText: 'Errors but no request totals' })).toBeVisible();
  await expect(page.getByTestId('kpi-error-rate')).toContainText('unknown');
});

test('invalid filters in a link get a readable message, not a crash', async ({ page }) => {
  await page.goto('/?from=yesterday');
  await expect(page.getByText("This link's filters are not valid")).toBeVisible();
  await expect(page.getByRole('link', { name: 'Reset to the last 24 hours' })).toBeVisible();
});

test.describe('as support staff', () => {
  test.use({ storageState: storageStateFor('support') });
  test('the overview sends them to the errors explorer', async ({ page }) => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/errors$/);
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' })).toHaveCount(0);
  });
});

test.describe('signed out', () => {
  test.use({ storageState: { cookies: [], origins: [] } });
  test('the overview asks for a session and comes back to the same view', async ({ page }) => {
    const res = await page.goto('/?from=now-7d&tier=pro');
    expect(res?.status()).toBe(200);
    await expect(page).toHaveURL(/\/login\?next=%2F%3Ffrom%3Dnow-7d%26tier%3Dpro$/);
  });
});
