// Issue 15, finding 3: `/login?next=/%09/evil.example/x` used to land a signed-in user on http://evil.example/
// (Chromium drops the tab from "/\t/evil.example/x", leaving "//evil.example/x"). Now every such next goes home.
import { expect, test } from '@playwright/test';
import { storageStateFor } from './e2e-env';

const TRICKY = ['/%09/evil.example/x', '/%0A/evil.example/x', '/%0D%0A/evil.example', '/%5C/evil.example', '/..//evil.example', '//evil.example', '/%E2%80%AE/evil.example'];

test.describe('signed in', () => {
  test.use({ storageState: storageStateFor('admin') });

  for (const next of TRICKY) {
    test(`/login?next=${next} stays on errata`, async ({ page, baseURL }) => {
      const res = await page.goto(`/login?next=${next}`);
      expect(res?.status()).toBeLessThan(500);
      expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
      await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible();
    });
  }
});

test('signing in with a tricky next lands on errata', async ({ page, baseURL }) => {
  // A fresh context: the browser posts the form and follows the 303 itself.
  await page.goto('/login?next=/%09/evil.example/x');
  await page.getByLabel('Email').fill('e2e-admin@errata.test');
  await page.getByLabel('Password').fill('e2e-admin-password-123');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
});
