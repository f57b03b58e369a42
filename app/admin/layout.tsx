import type { ReactNode } from 'react';
import { SignOutButton } from '@/components/auth/sign-out-button';
import { requirePageUser } from '@/lib/auth/page';
import styles from './admin.module.css';

// Shared chrome for /admin/*. Each page still calls requirePageUser('admin') itself.
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const user = await requirePageUser('admin');
  return (
    <div className={styles.shell}>
      <div className={styles.top}>
        <h1 className={styles.title}>
          <a href="/">errata</a> · admin
        </h1>
        <div className={styles.who}>
          <span data-testid="signed-in-as">{user.email}</span>
          <SignOutButton className={styles.button} />
        </div>
      </div>
      <nav className={styles.nav} aria-label="Admin">
        <a href="/admin/users">Users</a>
        <a href="/admin/tokens">Tokens</a>
        <a href="/admin/retention">Retention</a>
        <a href="/admin/audit">Audit log</a>
      </nav>
      {children}
    </div>
  );
}
