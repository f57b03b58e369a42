import type { Metadata } from 'next';
import { requirePageUser } from '@/auth/page';
import { MIN_PASSWORD_LENGTH } from '@/lib/password';
import styles from '../admin/admin.module.css';

export const metadata: Metadata = { title: 'Your account' };

const ERRORS: Record<string, string> = {
  current: 'The current password is wrong.',
  weak: `The new password must have at least ${MIN_PASSWORD_LENGTH} characters.`,
  mismatch: 'The two new passwords differ.',
  locked: 'Too many wrong passwords: your account is locked for 15 minutes.',
};

export default async function AccountPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePageUser('support');
  const sp = await searchParams;
  const error = ERRORS[String(Array.isArray(sp.error) ? sp.error[0] : (sp.error ?? ''))];
  return (
    <div className={styles.shell}>
      <h1 className={styles.title}>Your account</h1>
      <section className={styles.section}>
        <h2>Signed in</h2>
        <p>
          <strong>{user.email}</strong>, role <strong>{user.role}</strong>. An admin changes roles.
        </p>
      </section>
      <section className={styles.section}>
        <h2>Change password</h2>
        {sp.changed && (
          <p className={styles.secret} role="status">
            Password changed. Your other sessions were signed out.
          </p>
        )}
        {error && (
          <p className={styles.error} role="alert">
            {error}
          </p>
        )}
        <form className={styles.row} method="post" action="/api/auth/password">
          <input type="hidden" name="username" value={user.email} autoComplete="username" />
          <label className={styles.field}>
            Current password
            <input className={styles.input} type="password" name="current_password" autoComplete="current-password" required />
          </label>
          <label className={styles.field}>
            New password
            <input className={styles.input} type="password" name="new_password" autoComplete="new-password" minLength={MIN_PASSWORD_LENGTH} required />
          </label>
          <label className={styles.field}>
            New password again
            <input className={styles.input} type="password" name="confirm_password" autoComplete="new-password" minLength={MIN_PASSWORD_LENGTH} required />
          </label>
          <button className={styles.primary} type="submit">
            Change password
          </button>
        </form>
      </section>
    </div>
  );
}
