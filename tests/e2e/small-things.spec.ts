// The rough edges of issue 20 item 12, as a user meets them.
import { expect, test } from '@playwright/test';
import { openDatabase } from '../../db/client';
import { createToken, revokeToken } from '../../db/queries/tokens';
import { storageStateFor } from './e2e-env';

const RUN = Date.now().toString(36);

test.describe('as support', () => {
  test.use({ storageState: storageStateFor('support') });

  test('Escape closes the columns panel and gives focus back to its button', async ({ page }) => {
    await page.goto('/errors');
    const summary = page.getByText(/^Columns \(/);
    await summary.click();
    const panel = page.getByRole('group', { name: 'Columns to show' });
    await expect(panel).toBeVisible();
    await panel.getByRole('checkbox').first().focus();
    await page.keyboard.press('Escape');
    await expect(panel).toBeHidden();
    await expect(summary).toBeFocused();
  });
});

test.describe('as an engineer', () => {
  test.use({ storageState: storageStateFor('engineer') });

  test('the custom range is 24-hour UTC text, and Escape closes it', async ({ page }) => {
    await page.goto('/');
    await page.getByLabel('Custom time range').click();
    const from = page.getByLabel('From (UTC, 24-hour)');
    const to = page.getByLabel('To (UTC, 24-hour)');
    await expect(from).toHaveValue(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    await expect(from).toHaveAttribute('type', 'text');
    await from.fill('2:05 PM');
    await page.getByRole('button', { name: 'Apply range' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'YYYY-MM-DD HH:MM' })).toBeVisible();
    await from.fill('2026-11-30 14:05');
    await to.fill('2026-11-30 18:30');
    await page.getByRole('button', { name: 'Apply range' }).click();
    await expect(page).toHaveURL(/from=2026-11-30T14%3A05%3A00.000Z&to=2026-11-30T18%3A30%3A00.000Z/);
    await page.getByLabel('Custom time range').click();
    await expect(from).toHaveValue('2026-11-30 14:05');
    await expect(to).toHaveValue('2026-11-30 18:30');
    await page.keyboard.press('Escape');
    await expect(from).toBeHidden();
  });

});

test.describe('as an admin (the widest header)', () => {
  test.use({ storageState: storageStateFor('admin') });

  test('the header lookup shows its whole placeholder at 1440 px, and stays small on a phone', async ({ page }) => {
    const fits = () =>
      page.getByTestId('lookup-box').evaluate((el: HTMLTextAreaElement) => {
        const cs = getComputedStyle(el);
        const ctx = document.createElement('canvas').getContext('2d')!;
        ctx.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
        const room = el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
        const hint = el.parentElement!.querySelector('kbd')?.parentElement;
        const hintWidth = hint && getComputedStyle(hint).display !== 'none' ? hint.getBoundingClientRect().width + 8 : 0;
        return { text: ctx.measureText(el.placeholder).width + hintWidth, room };
      });
    await page.setViewportSize({ width: 1440, height: 900 });
    for (const path of ['/', '/errors', '/ingest']) {
      await page.goto(path);
      const { text, room } = await fits();
      expect(text, `placeholder and hint fit on ${path}`).toBeLessThanOrEqual(room);
      await expect(page.getByRole('banner').getByText('e2e-admin@errata.test')).toBeVisible();
    }
    await page.goto('/');
    await page.screenshot({ path: 'tests/e2e/screenshots/ux-header-1440.png', clip: { x: 0, y: 0, width: 1440, height: 120 } });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/');
    const box = await page.getByTestId('lookup-box').boundingBox();
    expect(box!.height).toBeLessThanOrEqual(40);
    const { text, room } = await fits();
    expect(text).toBeLessThanOrEqual(room);
    await page.screenshot({ path: 'tests/e2e/screenshots/ux-header-phone.png' });
    // Pasting an email grows the box by a few lines at most, not over the page.
    await page.getByTestId('lookup-box').fill('line\n'.repeat(12));
    expect((await page.getByTestId('lookup-box').boundingBox())!.height).toBeLessThanOrEqual(90);
    await page.getByTestId('lookup-box').fill('');
    // Scrolled down, the header is gone: the page has the whole phone screen.
    await page.mouse.wheel(0, 600);
    await expect.poll(async () => (await page.locator('header').first().boundingBox())!.y + (await page.locator('header').first().boundingBox())!.height).toBeLessThanOrEqual(0);
  });
});

test.describe('as an admin', () => {
  test.use({ storageState: storageStateFor('admin') });

  test('a shipper still using a revoked token shows up in ingest health, and "last used" agrees with the tokens page', async ({ page, request }) => {
    const name = `revoked shipper ${RUN}`;
    const db = openDatabase(process.env.E2E_DATABASE_PATH!);
    const { id, token } = createToken(db, { name, scopes: ['ingest'] });
    revokeToken(db, id);
    db.$client.close();
    for (let i = 0; i < 3; i++) {
      const res = await request.post('/api/v1/ingest', { headers: { authorization: `Bearer ${token}` }, data: '{"request_id":"x","timestamp":0,"status":200}' });
      expect(res.status()).toBe(401);
    }
    const row = page.getByTestId('ingest-tokens').getByRole('row').filter({ hasText: name });
    // Refused calls are summed and written within about a second.
    await expect(async () => {
      await page.goto('/ingest');
      await expect(row).toHaveCount(1, { timeout: 1000 });
    }).toPass({ timeout: 15_000 });
    await expect(row).toContainText('revoked');
    const cells = row.getByRole('cell');
    await expect(cells.nth(6)).toHaveText('3');
    const lastUsed = (await cells.nth(7).textContent())!;
    expect(lastUsed).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    await expect(page.getByTestId('latest-rejections')).toContainText('The token was revoked.');
    await page.goto('/admin/tokens');
    await expect(page.getByTestId(`token-row-${id}`).getByRole('cell').nth(4)).toHaveText(`${lastUsed} UTC`);
  });
});
