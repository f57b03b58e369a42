import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { storageStateFor } from './e2e-env';
import { MAIN_PAGES } from './pages';

const OUT = path.resolve('tests/e2e/screenshots');
const VIEWPORTS = [
  { name: 'desktop', width: 1440, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;

test.beforeAll(() => {
  if (SCREENS) fs.mkdirSync(OUT, { recursive: true });
});

// Every main page at laptop and phone width must fit the viewport. With E2E_SCREENS=1 (`npm run test:screens`)
// light and dark are both checked and saved as screenshots for a person to look at.
const SCREENS = process.env.E2E_SCREENS === '1';
const SCHEMES = SCREENS ? (['light', 'dark'] as const) : (['light'] as const);
for (const p of MAIN_PAGES) {
  for (const vp of VIEWPORTS) {
    for (const scheme of SCHEMES) {
      test.describe(`${p.name} ${vp.name} ${scheme}`, () => {
        test.use({
          storageState: p.role ? storageStateFor(p.role) : { cookies: [], origins: [] },
          viewport: { width: vp.width, height: vp.height },
          colorScheme: scheme,
          isMobile: vp.name === 'phone',
          hasTouch: vp.name === 'phone',
        });
        test(`screenshot ${p.name} ${vp.name} ${scheme}`, async ({ page }) => {
          const res = await page.goto(p.path());
          expect(res?.status()).toBeLessThan(400);
          await page.locator(p.ready).first().waitFor();
          // The page must fit the viewport's width: horizontal scrolling belongs inside tables only.
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          expect(overflow, 'page is wider than the viewport').toBeLessThanOrEqual(1);
          if (SCREENS) await page.screenshot({ path: path.join(OUT, `${p.name}-${vp.name}-${scheme}.png`), fullPage: true });
        });
      });
    }
  }
}
