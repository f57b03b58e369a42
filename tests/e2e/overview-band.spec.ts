// The overview's errors chart: the expected band, the seeded spike marked as an incident with one click to its
// filtered view, the incidents in words, and a drag-zoom that goes straight to minute buckets.
import { expect, test, type Page } from '@playwright/test';
import { seedInfo, storageStateFor } from './e2e-env';

test.use({ storageState: storageStateFor('engineer'), viewport: { width: 1440, height: 900 } });

const H = 3_600_000;

async function bandVisible(page: Page) {
  const chart = page.getByTestId('chart-bar');
  await expect(chart.locator('.recharts-area-area').first()).toBeVisible();
  await expect(page.getByTestId('band-note')).toContainText(/Band: /);
}

test('the errors chart draws the expected band and marks the seeded spike; one click opens its filtered view', async ({ page }, info) => {
  const seed = seedInfo();
  await page.goto('/');
  await bandVisible(page);
  // Two days of history: the trailing day stands in, and the chart says so.
  await expect(page.getByTestId('band-note')).toHaveAttribute('data-source', 'trailing_day');
  await expect(page.getByTestId('band-note')).toContainText('trailing day');

  const mark = page.getByTestId('incident-mark').filter({ hasText: seed.spike_code });
  await expect(mark).toHaveCount(1);
  // The stretch holding the spike (it may share it with the seeded revoked-key loop: then its code is named too).
  await expect(mark.locator('title')).toHaveText(new RegExp(`${seed.spike_code}.*tier|tier.*${seed.spike_code}`));
  const topCode = /^[\d,]+ (\S+)/.exec((await mark.locator('title').textContent()) ?? '')![1];
  // Listed in words under the chart: the spike's code with at least its count, over a window holding its hour.
  const line = page.getByTestId('incident').filter({ hasText: seed.spike_code });
  await expect(line).toHaveCount(1);
  const count = Number(new RegExp(`([\\d,]+) ${seed.spike_code}`).exec(await line.innerText())![1].replace(/,/g, ''));
  expect(count).toBeGreaterThanOrEqual(seed.spike_count);
  await expect(line).toContainText(/tiers? /);
  await page.screenshot({ path: info.outputPath('overview-band-light.png'), fullPage: true });

  // The flag hangs at the plot's top edge, where a stretch's tallest bar may reach: SVG paints in document order, so
  // every bar must come before the flag, or the bar covers it and takes the click.
  const barsAfterFlag = await mark.evaluate((flag) => {
    const bars = [...document.querySelectorAll('[data-testid="chart-bar"] .recharts-bar-rectangle')];
    return bars.filter((bar) => flag.compareDocumentPosition(bar) & Node.DOCUMENT_POSITION_FOLLOWING).length;
  });
  expect(barsAfterFlag).toBe(0);
  // Stretches close together hang their flags in rows: no flag hides another's label.
  const flagBoxes = await page.getByTestId('incident-mark').evaluateAll((flags) => flags.map((f) => f.querySelector('rect')!.getBoundingClientRect().toJSON() as DOMRect));
  for (const [i, a] of flagBoxes.entries()) {
    for (const b of flagBoxes.slice(i + 1)) {
      const overlap = a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
      expect(overlap, `flags at x ${a.left}–${a.right} and ${b.left}–${b.right} overlap`).toBe(false);
    }
  }
  await mark.click();
  await expect(page).toHaveURL(new RegExp(`[?&]code=${topCode}(&|$)`));
  await expect(page).toHaveURL(/[?&]interval=minute(&|$)/);
  const u = new URL(page.url());
  expect(Date.parse(u.searchParams.get('from')!)).toBeLessThanOrEqual(seed.spike_hour_ms);
  expect(Date.parse(u.searchParams.get('to')!)).toBeGreaterThanOrEqual(seed.spike_hour_ms + H);
  // The filtered view: minute buckets, the code's breakdown, the spike still marked at minute resolution.
  await expect(page.getByText('per minute, stacked by', { exact: false })).toBeVisible();
  await expect(page.getByTestId('breakdown-code').locator('tbody tr').first()).toContainText(topCode);
  // When the revoked-key loop led the stretch (it depends on the hour the suite runs), the click opened the loop's
  // code, which is steady at minute resolution: the spike's own code over the same window is the view to check.
  if (topCode !== seed.spike_code) {
    u.searchParams.set('code', seed.spike_code);
    await page.goto(`${u.pathname}?${u.searchParams}`);
    await expect(page.getByText('per minute, stacked by', { exact: false })).toBeVisible();
  }
  await expect(page.getByTestId('incident-mark').filter({ hasText: seed.spike_code }).first()).toBeVisible();

  // The rows link of the listed incident is the explorer on the same code and window.
  await page.getByTestId('incident').first().getByTestId('incident-rows').click();
  await expect(page).toHaveURL(/\/errors\?/);
  await expect(page).toHaveURL(new RegExp(`[?&]code=${seed.spike_code}(&|$)`));
  const total = Number((await page.getByTestId('total-count').innerText()).replace(/,/g, ''));
  expect(total).toBeGreaterThan(0);
});

test('dragging across a short stretch of the errors chart zooms to it in minute buckets, and the URL reproduces it', async ({ page }) => {
  await page.goto('/');
  await bandVisible(page);
  await expect(page.getByText('per hour, stacked by', { exact: false })).toBeVisible();
  const plot = page.getByTestId('chart-bar').locator('.recharts-surface');
  const box = (await plot.boundingBox())!;
  // Low in the plot, below the marks' flags: about three of the 24 hourly buckets.
  const y = box.y + box.height * 0.85;
  await page.mouse.move(box.x + box.width * 0.3, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.35, y, { steps: 4 });
  await page.mouse.move(box.x + box.width * 0.4, y, { steps: 4 });
  await page.mouse.up();
  await expect(page).toHaveURL(/[?&]interval=minute(&|$)/);
  const u = new URL(page.url());
  const span = Date.parse(u.searchParams.get('to')!) - Date.parse(u.searchParams.get('from')!);
  expect(span).toBeGreaterThanOrEqual(2 * H);
  expect(span).toBeLessThanOrEqual(5 * H);
  await expect(page.getByText('per minute, stacked by', { exact: false })).toBeVisible();
  await expect(page.getByText('per minute · click to zoom', { exact: false })).toBeVisible();

  // The same URL opened afresh shows the same minute view.
  await page.goto(u.pathname + u.search);
  await expect(page.getByText('per minute, stacked by', { exact: false })).toBeVisible();
});

test.describe('dark', () => {
  test.use({ colorScheme: 'dark' });
  test('the band and the marks are drawn in the dark theme too', async ({ page }, info) => {
    await page.goto('/');
    await bandVisible(page);
    await expect(page.getByTestId('incident-mark').first()).toBeVisible();
    await page.screenshot({ path: info.outputPath('overview-band-dark.png'), fullPage: true });
  });
});
