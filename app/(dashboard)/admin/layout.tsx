import type { ReactNode } from 'react';
import { requirePageUser } from '@/auth/page';
import styles from './admin.module.css';

// Admin section inside the dashboard shell. Each page still calls requirePageUser('admin') itself.
export default async function AdminLayout({ children }: { children: ReactNode }) {
  await requirePageUser('admin');
  return (
    <div className={styles.shell}>
      <h1 className={styles.title}>Admin</h1>
      <nav className={styles.nav} aria-label="Admin">
        <a href="/admin/users">Users</a>
        <a href="/admin/tokens">Tokens</a>
        <a href="/admin/retention">Retention</a>
        <a href="/admin/audit">Audit log</a>
        <a href="/ingest">Ingest health</a>
      </nav>
      {children}
    </div>
  );
}
