import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { storageStateFor } from './e2e-env';
import { MAIN_PAGES } from './pages';

// Serious and critical WCAG 2.x A/AA violations fail the run; the full list is printed for the rest. Every run scans
// the light theme; `npm run test:screens` (E2E_SCREENS=1) scans both themes.
const SCHEMES = process.env.E2E_SCREENS === '1' ? (['light', 'dark'] as const) : (['light'] as const);
for (const p of MAIN_PAGES) {
  for (const scheme of SCHEMES) {
    test.describe(`${p.name} (${scheme})`, () => {
      test.use({ storageState: p.role ? storageStateFor(p.role) : { cookies: [], origins: [] }, colorScheme: scheme });
      test(`${p.name} has no serious accessibility violations in ${scheme} mode`, async ({ page }) => {
        const res = await page.goto(p.path());
        expect(res?.status()).toBeLessThan(400);
        await page.locator(p.ready).first().waitFor();
        const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
        const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        const summary = serious.map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('\n  ')}`);
        expect(summary, summary.join('\n')).toEqual([]);
      });
    });
  }
}
