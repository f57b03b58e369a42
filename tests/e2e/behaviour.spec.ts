// Client behaviour in the browser: the key page's section, the keys that behave worst, an idempotency chain reached
// from the header lookup and from a request page; screenshots in light and dark for a person to look at.
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { BEHAVIOUR_STORY_KEYS as K } from '../../demo/traffic';
import { seedInfo, storageStateFor } from './e2e-env';

const OUT = path.resolve('tests/e2e/screenshots');
test.beforeAll(() => fs.mkdirSync(OUT, { recursive: true }));

for (const scheme of ['light', 'dark'] as const) {
  test.describe(`client behaviour (${scheme})`, () => {
    test.use({ storageState: storageStateFor('engineer'), colorScheme: scheme, viewport: { width: 1440, height: 900 } });

    test('the key page shows the verdict and the fastest retries as request ids', async ({ page }) => {
      await page.goto(`/keys/${K.ignoresRetryAfter}?from=now-2d`);
      const section = page.getByTestId('client-behaviour');
      await expect(section.getByTestId('verdicts')).toContainText('Ignores Retry-After');
      await expect(section.getByTestId('verdicts')).toContainText('Retry storm');
      const rows = section.getByTestId('worst-retries').locator('tbody tr');
      await expect(rows).toHaveCount(10);
      await expect(rows.first()).toContainText('Retried immediately');
      await page.locator('#client-behaviour').screenshot({ path: path.join(OUT, `behaviour-key-section-${scheme}.png`) });
      // A worst example opens its request, whose page says what the client did.
      await rows.first().locator('a').first().click();
      await expect(page.getByTestId('client-action')).toContainText('during the 30 seconds it was asked to wait');
    });

    test('the futile-retry key and the keys that behave worst', async ({ page }) => {
      await page.goto(`/keys/${K.retriesForever}?from=now-2d`);
      await expect(page.getByTestId('verdicts')).toContainText('Retries what cannot succeed');
      await page.goto('/behaviour?from=now-2d');
      const table = page.getByTestId('worst-keys');
      for (const k of [K.ignoresRetryAfter, K.retriesForever, K.reusesIdempotencyKeys]) await expect(table).toContainText(k);
      await expect(table).not.toContainText(K.honoursRetryAfter);
      await page.screenshot({ path: path.join(OUT, `behaviour-worst-keys-${scheme}.png`), fullPage: true });
    });

    test('an idempotency key typed into the lookup opens its chain', async ({ page }) => {
      const key = seedInfo().idempotency_key;
      await page.goto(`/lookup?q=${encodeURIComponent(key)}`);
      await expect(page).toHaveURL(new RegExp(`/idempotency/${key}$`));
      await expect(page.getByTestId('chain-summary')).toContainText('retried while the first was still in progress (409) twice');
      await expect(page.getByTestId('chain-summary')).toContainText('then reused with a different body (422 idempotency_key_mismatch)');
      await expect(page.getByTestId('chain-flags')).toContainText('Reused with a different body');
      await expect(page.getByTestId('chain-steps').locator('tbody tr')).toHaveCount(6);
      await page.screenshot({ path: path.join(OUT, `behaviour-idempotency-chain-${scheme}.png`), fullPage: true });
      // And back: a request of the chain links to it.
      await page.getByTestId('chain-steps').locator('tbody tr').last().locator('a').first().click();
      await expect(page.getByTestId('idempotency-link')).toHaveText(key);
      await expect(page.getByTestId('client-action')).toContainText(`The Idempotency-Key ${key} was created by`);
    });
  });
}
