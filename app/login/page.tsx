import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { connection } from 'next/server';
import { getMetaDb } from '@/db';
import { countUsers } from '@/db/queries/users';
import { lockedMessage } from '@/auth/login';
import { getPageUser, safeNext } from '@/auth/page';
import { homeFor } from '@/lib/roles';
import { parseIntStrict } from '@/lib/int-param';
import { ensureSetupCode } from '@/auth/setup';
import styles from './auth.module.css';

export const metadata: Metadata = { title: 'Sign in' };

type Search = Promise<Record<string, string | string[] | undefined>>;

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

// Messages come from a fixed list keyed by the error code: nothing from the URL is echoed.
function message(error: string | undefined, retry: number): string | null {
  switch (error) {
    case 'invalid':
      return 'Wrong email or password.';
    case 'missing':
      return 'Enter your email and password.';
    case 'locked':
      return lockedMessage(retry);
    default:
      return null;
  }
}

export default async function LoginPage({ searchParams }: { searchParams: Search }) {
  await connection();
  const params = await searchParams;
  const next = safeNext(one(params.next));
  const user = await getPageUser();
  if (user) redirect(next === '/' ? homeFor(user.role) : next);
  const noUsers = countUsers(getMetaDb()) === 0;
  if (noUsers) ensureSetupCode(getMetaDb());
  const retry = parseIntStrict(one(params.retry)) || 900;
  const error = message(one(params.error), Math.min(retry, 86_400));
  return (
    <main className={styles.wrap}>
      <div className={styles.card}>
        <h1 className={styles.brand}>errata</h1>
        <p className={styles.lead}>Sign in to see your platform&apos;s errors.</p>
        {error && (
          <p className={styles.error} role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        {one(params.signed_out) && !error && (
          <p className={styles.note} role="status">
            You are signed out.
          </p>
        )}
        {noUsers && (
          <p className={styles.note}>
            No users yet. Open <a href="/setup">first-run setup</a> with the one-time code printed in the server log, or run{' '}
            <code className={styles.code}>npx errata user create --email you@example.com --role admin</code>.
          </p>
        )}
        <form className={styles.form} method="post" action="/api/auth/login">
          <input type="hidden" name="next" value={next} />
          <label className={styles.label}>
            Email
            {/* biome-ignore lint/a11y/noAutofocus: signing in is the page's one task */}
            <input className={styles.input} type="email" name="email" autoComplete="username" required autoFocus />
          </label>
          <label className={styles.label}>
            Password
            <input className={styles.input} type="password" name="password" autoComplete="current-password" required />
          </label>
          <button className={styles.button} type="submit">
            Sign in
          </button>
        </form>
        <p className={styles.hint}>Forgot your password? Ask an errata admin to reset it.</p>
      </div>
    </main>
  );
}
