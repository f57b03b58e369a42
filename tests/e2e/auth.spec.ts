// Sign-in journeys in a real browser: sign in and out, wrong password, lockout, role limits, and an
// ingested record whose message is HTML shown as text.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { openDatabase } from '../../db/client';
import { createToken } from '../../db/queries/tokens';
import { createUser } from '../../db/queries/users';
import type { UserRole } from '../../lib/roles';
import { storageStateFor } from './e2e-env';

const PASSWORD = 'auth-e2e-password-1';
const run = Date.now().toString(36);
const email = (name: string) => `auth-${name}-${run}@errata.test`;
const XSS = '<img src=x onerror=alert(1)>';
const XSS_ID = `req_auth_xss_${run}`;
let ingestToken = '';

test.beforeAll(async () => {
  const db = openDatabase(process.env.E2E_DATABASE_PATH!);
  const users: Array<[string, UserRole]> = [
    ['admin', 'admin'],
    ['engineer', 'engineer'],
    ['support', 'support'],
    ['locked', 'support'],
    ['wrong', 'support'],
  ];
  for (const [name, role] of users) await createUser(db, { email: email(name), role, password: PASSWORD });
  ingestToken = createToken(db, { name: `auth e2e ${run}`, scopes: ['ingest'] }).token;
  db.$client.close();
});

async function signIn(page: Page, who: string, password = PASSWORD) {
  await page.getByLabel('Email').fill(email(who));
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('sign in, see who is signed in, sign out', async ({ page, context }) => {
  await page.goto('/admin/users');
  await expect(page).toHaveURL(/\/login\?next=%2Fadmin%2Fusers$/);
  await signIn(page, 'admin');
  await expect(page).toHaveURL(/\/admin\/users$/);
  await expect(page.getByRole('banner').getByText(email('admin'))).toBeVisible();
  await page.getByRole('banner').getByRole('link', { name: 'Account' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your account');
  const cookie = (await context.cookies()).find((c) => c.name === 'errata_session');
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
  expect(cookie!.value).toMatch(/^[A-Za-z0-9_-]{43}$/);

  await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login\?signed_out=1$/);
  await expect(page.getByRole('status')).toHaveText('You are signed out.');
  expect((await context.cookies()).find((c) => c.name === 'errata_session')).toBeUndefined();
  // The old cookie value is dead on the server too, not just forgotten by the browser.
  await context.addCookies([{ ...cookie! }]);
  await page.goto('/admin/users');
  await expect(page).toHaveURL(/\/login\?next=%2Fadmin%2Fusers$/);
});

test('a wrong password says so and keeps you on the sign-in page', async ({ page }) => {
  await page.goto('/login');
  await signIn(page, 'wrong', 'not-the-password');
  await expect(page).toHaveURL(/\/login\?error=invalid$/);
  await expect(page.getByTestId('login-error')).toHaveText('Wrong email or password.');
  // An unknown email gets the very same answer.
  await page.goto('/login');
  await page.getByLabel('Email').fill('nobody-at-all@errata.test');
  await page.getByLabel('Password').fill('whatever-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('login-error')).toHaveText('Wrong email or password.');
});

test('wrong passwords make the account wait, with a clear message, even for the right password', async ({ page }) => {
  await page.goto('/login');
  for (let i = 0; i < 2; i++) {
    await signIn(page, 'locked', `wrong-${i}-password`);
    await expect(page.getByTestId('login-error')).toHaveText('Wrong email or password.');
  }
  await signIn(page, 'locked', 'wrong-2-password');
  await expect(page.getByTestId('login-error')).toHaveText(/^Too many failed sign-in attempts\. Try again in (10|9|8) seconds\.$/);
  await signIn(page, 'locked');
  await expect(page).toHaveURL(/\/login\?error=locked/);
  await expect(page.getByTestId('login-error')).toContainText('Try again in');
});

test('a support user lands on lookup and cannot reach admin pages', async ({ page }) => {
  await page.goto('/login');
  await signIn(page, 'support');
  await expect(page).toHaveURL(/\/lookup$/);
  // Every role reaches its own account page from the header.
  await expect(page.getByRole('banner').getByRole('link', { name: 'Account' })).toHaveAttribute('href', '/account');
  for (const path of ['/admin', '/admin/users', '/admin/tokens', '/admin/retention', '/admin/audit']) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(403);
    await expect(page.getByTestId('forbidden')).toBeVisible();
  }
  const api = await page.request.get('/api/v1/admin/users');
  expect(api.status()).toBe(403);
  expect((await api.json()).error.code).toBe('forbidden');
});

test('an admin creates a token shown once, and revokes it', async ({ page }) => {
  await page.goto('/login?next=%2Fadmin%2Ftokens');
  await signIn(page, 'admin');
  await expect(page).toHaveURL(/\/admin\/tokens$/);
  const name = `e2e shipper ${run}`;
  await expect(page.getByRole('button', { name: 'Create' })).toBeEnabled();
  await page.getByLabel('Name').fill(name);
  await page.getByRole('button', { name: 'Create' }).click();
  const value = await page.getByTestId('token-value').textContent();
  expect(value).toMatch(/^errata_/);
  const row = page.getByRole('row').filter({ hasText: name });
  await expect(row).toContainText('active');
  // Only the prefix is ever listed again.
  await page.reload();
  await expect(page.getByText(value!)).toHaveCount(0);
  page.once('dialog', (d) => void d.accept());
  await page.getByRole('row').filter({ hasText: name }).getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByRole('row').filter({ hasText: name })).toContainText('revoked');
  const res = await page.request.post('/api/v1/ingest', { headers: { authorization: `Bearer ${value}` }, data: '{}' });
  expect(res.status()).toBe(401);
});

test('an admin creates a user (password shown once, with a copy button), changes their role, and saves retention', async ({ page }) => {
  await page.goto('/login?next=%2Fadmin%2Fusers');
  await signIn(page, 'admin');
  await expect(page).toHaveURL(/\/admin\/users$/);
  const invitee = email('invitee');
  const emailField = page.getByLabel('Email', { exact: true });
  // The admin forms enable their buttons once React has hydrated: typing before that can be lost (a CI run filled
  // the field, then found it empty and nothing created).
  await expect(page.getByRole('button', { name: 'Create user' })).toBeEnabled();
  await emailField.fill(invitee);
  await expect(emailField).toHaveValue(invitee);
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByTestId('invite-result')).toContainText(invitee);
  await expect(page.getByTestId('invite-password')).toHaveText(/^\S{12,}$/);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByTestId('invite-result').getByRole('button', { name: 'Copy password' }).click();
  await expect(page.getByTestId('invite-result').getByRole('status')).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await page.getByTestId('invite-password').textContent());
  await expect(emailField).toHaveValue('');
  const role = page.getByTestId(`user-row-${invitee}`).getByLabel(`Role of ${invitee}`);
  await expect(role).toHaveValue('support');
  // The same email again: the API's refusal is shown, and the form keeps what was typed.
  await emailField.fill(invitee);
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.locator('main').getByRole('alert')).toContainText('already exists');
  await expect(emailField).toHaveValue(invitee);
  const patched = page.waitForResponse((r) => r.url().includes('/api/v1/admin/users/') && r.request().method() === 'PATCH');
  await role.selectOption('engineer');
  expect((await patched).status()).toBe(200);
  await page.reload();
  await expect(role).toHaveValue('engineer');

  // Saving retention keeps the typed value and says when it applies (same value: other specs' data stays).
  await page.goto('/admin/retention');
  const days = (await page.getByTestId('retention-current').textContent())!.trim();
  await expect(page.getByRole('button', { name: 'Save' })).toBeEnabled();
  await page.getByLabel('Days to keep').fill(days);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toHaveText(`Saved: ${days} days. Older data goes at the next pruning run.`);
  await expect(page.getByLabel('Days to keep')).toHaveValue(days);
});

test('an ingested message that is HTML is shown as text, never run', async ({ page, request }) => {
  const record = {
    request_id: XSS_ID,
    timestamp: new Date().toISOString(),
    status: 400,
    method: 'POST',
    path: '/v1/submissions',
    key_id: 'key_xss',
    error: { code: 'invalid_parameter', message: XSS, details: { field: XSS }, request_id: XSS_ID },
  };
  const ingest = await request.post('/api/v1/ingest', { headers: { authorization: `Bearer ${ingestToken}`, 'content-type': 'application/json' }, data: JSON.stringify(record) });
  expect(ingest.status()).toBe(200);
  expect((await ingest.json()).accepted).toBe(1);

  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto('/login');
  await signIn(page, 'support');
  await page.goto(`/requests/${XSS_ID}`);
  await expect(page.getByText(XSS).first()).toBeVisible();
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  expect(dialogs).toEqual([]);
});

test.describe('admin pages', () => {
  test.use({ storageState: storageStateFor('admin') });
  for (const path of ['/admin/users', '/admin/tokens', '/admin/retention', '/admin/audit']) {
    test(`${path} has no serious accessibility violations`, async ({ page }) => {
      const res = await page.goto(path);
      expect(res?.status()).toBe(200);
      await page.locator('h2').first().waitFor();
      const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(serious.map((v) => `${v.id}: ${v.help} ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    });
  }
});
