import fs from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { seedInfo, storageStateFor } from './e2e-env';

test.use({ storageState: storageStateFor('engineer') });

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** Minimal RFC 4180 reader: quoted fields, doubled quotes, CRLF or LF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

async function tableRows(page: Page): Promise<{ request_id: string; status: string; code: string }[]> {
  const table = page.getByTestId('errors-table');
  const headers = (await table.locator('thead th').allInnerTexts()).map((h) => h.trim());
  const idx = (name: string) => headers.indexOf(name);
  const rows = await table.locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => (td.textContent ?? '').trim())),
  );
  return rows.map((cells) => ({
    request_id: cells[idx('Request id')],
    status: cells[idx('Status')],
    // The code cell may also show the capacity reason and an unknown-code marker after the code.
    code: cells[idx('Code')].split(/\s+/)[0],
  }));
}

test('Download CSV gives exactly the filtered rows on screen, in the same order', async ({ page }) => {
  const seed = seedInfo();
  await page.goto(`/errors?from=${iso(seed.spike_hour_ms)}&to=${iso(seed.spike_hour_ms + 3_600_000)}&limit=25`);
  const onScreen = await tableRows(page);
  expect(onScreen).toHaveLength(25);
  const total = Number((await page.getByTestId('total-count').innerText()).replace(/,/g, ''));

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('csv-download').click()]);
  expect(download.suggestedFilename()).toMatch(/\.csv$/);
  const csv = parseCsv(fs.readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, ''));
  const [header, ...body] = csv;
  const col = (name: string) => header.indexOf(name);
  expect(col('request_id')).toBeGreaterThanOrEqual(0);
  // Every matching row (not only this page), and the page's rows first, field for field.
  expect(body).toHaveLength(total);
  const fromCsv = body.slice(0, onScreen.length).map((r) => ({ request_id: r[col('request_id')], status: r[col('status')], code: r[col('code')] }));
  expect(fromCsv).toEqual(onScreen);
});

test('keyset pages move to older rows and back to the newest', async ({ page }) => {
  const seed = seedInfo();
  await page.goto(`/errors?from=${iso(seed.spike_hour_ms)}&to=${iso(seed.spike_hour_ms + 3_600_000)}&limit=25`);
  const first = await tableRows(page);
  await page.getByRole('link', { name: 'Older ⟩' }).click();
  await expect(page.getByTestId('row-range')).toContainText('Rows 26–50');
  const second = await tableRows(page);
  expect(second).toHaveLength(25);
  expect(second.map((r) => r.request_id)).not.toContain(first[0].request_id);
  await page.getByRole('link', { name: '⟨ Newest' }).click();
  await expect(page.getByTestId('row-range')).toContainText('Rows 1–25');
  expect((await tableRows(page))[0]).toEqual(first[0]);
});

test('columns are chosen in the URL, and a filter chip narrows the rows', async ({ page }) => {
  await page.goto('/errors');
  await expect(page.getByTestId('errors-table')).toBeVisible();
  await page.getByText(/^Columns \(/).click();
  await page.getByRole('checkbox', { name: 'Message' }).uncheck();
  await expect(page).toHaveURL(/cols=/);
  await expect(page.getByTestId('errors-table').locator('thead th', { hasText: 'Message' })).toHaveCount(0);
  await page.getByRole('checkbox', { name: 'Latency' }).check();
  await expect(page.getByTestId('errors-table').locator('thead th', { hasText: 'Latency' })).toHaveCount(1);

  await page.getByLabel('Filter field').selectOption('code');
  await page.getByLabel('Filter value').fill('rate_limited');
  await page.getByRole('button', { name: 'Add filter' }).click();
  await expect(page).toHaveURL(/code=rate_limited/);
  const rows = await tableRows(page);
  expect(rows.length).toBeGreaterThan(0);
  for (const r of rows) expect(r.code).toBe('rate_limited');
});

test('an empty result says what was searched', async ({ page }) => {
  await page.goto('/errors?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z');
  await expect(page.getByText('No errors in this range')).toBeVisible();
  await expect(page.getByTestId('errors-table')).toHaveCount(0);
});

test.describe('as support staff', () => {
  test.use({ storageState: storageStateFor('support') });
  test('the explorer opens and each row leads to its request page', async ({ page }) => {
    await page.goto('/errors');
    const link = page.getByTestId('request-link').first();
    const id = (await link.innerText()).trim();
    await link.click();
    await expect(page).toHaveURL(new RegExp(`/requests/${encodeURIComponent(id)}$`));
  });
});
