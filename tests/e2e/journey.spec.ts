// The three tasks of issue 20 end to end on the seeded demo-like data, with screenshots in light and dark at each
// key step (tests/e2e/screenshots/journey-*.png): support answers an email quoting two ids; an engineer explains
// the worst incident (overview → spike → its requests → one request), picking a filter value from the suggestions;
// an admin creates a support user and a token.
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { seedInfo, storageStateFor } from './e2e-env';

const OUT = path.resolve('tests/e2e/screenshots');
const RUN = Date.now().toString(36);

async function shoot(page: Page, name: string) {
  fs.mkdirSync(OUT, { recursive: true });
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: path.join(OUT, `journey-${name}-${scheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

test.describe('support', () => {
  test.use({ storageState: storageStateFor('support'), viewport: { width: 1280, height: 900 } });
  test('an email quoting two ids: one line per id and one combined reply', async ({ page }) => {
    await page.goto('/errors');
    const box = page.getByRole('textbox', { name: 'Look up request ids' });
    await box.fill('Hi,\n\nour upload failed twice: X-Request-Id req_spike_00007, then "request_id": "req_spike_00042".\n\nThanks, Sam');
    await box.press('Enter');
    await expect(page).toHaveURL(/\/lookup\?q=/);
    await expect(page.getByTestId('lookup-summary')).toHaveText('2 ids in the text: 2 found, 0 missing.');
    const lines = page.getByTestId('lookup-line');
    await expect(lines).toHaveCount(2);
    await expect(lines.nth(0)).toContainText('req_spike_00007');
    await expect(lines.nth(1)).toContainText('req_spike_00042');
    const reply = await page.getByTestId('lookup-reply').getByRole('textbox').inputValue();
    expect(reply.match(/^Hello,$/gm)).toHaveLength(1);
    expect(reply.match(/^Best regards,$/gm)).toHaveLength(1);
    expect(reply).toContain('About req_spike_00007');
    await shoot(page, 'support-lookup');
  });
});

test.describe('engineer', () => {
  test.use({ storageState: storageStateFor('engineer'), viewport: { width: 1440, height: 900 } });
  test("the week's worst incident: overview → the spike → its requests → one request", async ({ page }) => {
    const seed = seedInfo();
    await page.goto('/?from=now-7d');
    await expect(page.getByTestId('kpi-errors')).not.toContainText('—');
    await shoot(page, 'engineer-overview');

    // Filter values are offered with counts as you type; the spike's code is picked from the list by keyboard.
    await page.getByLabel('Filter field').selectOption('code');
    const value = page.getByRole('combobox', { name: 'Filter value' });
    await value.fill('internal');
    const list = page.getByRole('listbox', { name: 'Code values' });
    await expect(list.getByRole('option').first()).toContainText(seed.spike_code);
    await expect(value).toHaveAttribute('aria-expanded', 'true');
    await shoot(page, 'engineer-suggestions');
    await value.press('ArrowDown');
    await expect(value).toHaveAttribute('aria-activedescendant', /.+/);
    await value.press('Enter');
    await expect(page).toHaveURL(new RegExp(`code=${seed.spike_code}`));

    // The spike's hour, then the requests behind it, then one of them.
    await page.goto(`/?code=${seed.spike_code}&from=${new Date(seed.spike_hour_ms).toISOString()}&to=${new Date(seed.spike_hour_ms + 3_600_000).toISOString()}`);
    await expect(page.getByTestId('breakdown-code').locator('tbody tr').first()).toContainText(seed.spike_code);
    await page.getByTestId('view-errors').click();
    await expect(page).toHaveURL(/\/errors\?/);
    const total = Number((await page.getByTestId('total-count').innerText()).replace(/,/g, ''));
    expect(total).toBeGreaterThanOrEqual(seed.spike_count);
    await shoot(page, 'engineer-requests');
    const first = page.getByTestId('errors-table').getByTestId('request-link').first();
    const id = (await first.innerText()).trim();
    await first.click();
    await expect(page).toHaveURL(new RegExp(`/requests/${encodeURIComponent(id)}$`));
    await expect(page.getByRole('heading', { level: 1 })).toContainText(id);
    // The list under the key's strip says how many it shows of how many the summary counted (it said "The 50
    // requests in this window (first 50)" beside "made 151 requests").
    const made = Number((await page.getByText(/made \d+ requests? within/).innerText()).match(/made (\d+)/)![1]);
    await expect(page.getByText(made > 50 ? `The first 50 of the ${made} requests in this window` : `The ${made} request${made === 1 ? '' : 's'} in this window`)).toBeVisible();
    await shoot(page, 'engineer-request');
  });

  test('an unknown code typed in the filter bar is flagged', async ({ page }) => {
    await page.goto('/errors');
    await page.getByLabel('Filter field').selectOption('code');
    await page.getByRole('combobox', { name: 'Filter value' }).fill('internal_eror');
    await expect(page.getByTestId('filter-value-unknown')).toContainText('“internal_eror” is not a known code');
  });
});

test.describe('admin', () => {
  test.use({ storageState: storageStateFor('admin'), viewport: { width: 1280, height: 900 } });
  test('creates a support user and a token', async ({ page }) => {
    await page.goto('/admin/users');
    const email = `journey-support-${RUN}@errata.test`;
    // Enabled once hydrated: what is typed before that can be lost.
    await expect(page.getByRole('button', { name: 'Create user' })).toBeEnabled();
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByRole('button', { name: 'Create user' }).click();
    await expect(page.getByTestId('invite-result')).toContainText(email);
    await expect(page.getByTestId(`user-row-${email}`).getByLabel(`Role of ${email}`)).toHaveValue('support');
    await shoot(page, 'admin-user');

    await page.goto('/admin/tokens');
    const name = `journey shipper ${RUN}`;
    await expect(page.getByRole('button', { name: 'Create' })).toBeEnabled();
    await page.getByLabel('Name').fill(name);
    await page.getByRole('button', { name: 'Create' }).click();
    await expect(page.getByTestId('token-value')).toHaveText(/^errata_/);
    await expect(page.getByRole('row').filter({ hasText: name })).toContainText('active');
    await shoot(page, 'admin-token');
  });
});
