import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { connection } from 'next/server';
import { getMetaDb } from '@/db';
import { MIN_PASSWORD_LENGTH } from '@/lib/password';
import { ensureSetupCode } from '@/auth/setup';
import styles from '../login/auth.module.css';

export const metadata: Metadata = { title: 'First-run setup' };

const MESSAGES: Record<string, string> = {
  code: 'That one-time code is wrong. Copy it from the server log.',
  email: 'Enter a valid email.',
  password: `The password must have at least ${MIN_PASSWORD_LENGTH} characters.`,
};

// Only while no user exists; afterwards it sends everyone to sign in.
export default async function SetupPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await connection();
  if (!ensureSetupCode(getMetaDb())) redirect('/login');
  const raw = (await searchParams).error;
  const error = MESSAGES[Array.isArray(raw) ? raw[0] : (raw ?? '')];
  return (
    <main className={styles.wrap}>
      <div className={styles.card}>
        <h1 className={styles.brand}>Set up errata</h1>
        <p className={styles.lead}>Create the first admin. The one-time code is printed in the server log.</p>
        {error && (
          <p className={styles.error} role="alert">
            {error}
          </p>
        )}
        <form className={styles.form} method="post" action="/api/auth/setup">
          <label className={styles.label}>
            One-time code
            <input className={styles.input} name="code" autoComplete="off" required placeholder="XXXX-XXXX-XXXX-XXXX" />
          </label>
          <label className={styles.label}>
            Admin email
            <input className={styles.input} type="email" name="email" autoComplete="username" required />
          </label>
          <label className={styles.label}>
            Password
            <input className={styles.input} type="password" name="password" autoComplete="new-password" minLength={MIN_PASSWORD_LENGTH} required />
          </label>
          <button className={styles.button} type="submit">
            Create admin and sign in
          </button>
        </form>
      </div>
    </main>
  );
}
