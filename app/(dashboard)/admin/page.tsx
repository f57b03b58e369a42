import type { Metadata } from 'next';
import { requirePageUser } from '@/auth/page';
import styles from './admin.module.css';

export const metadata: Metadata = { title: 'Admin' };

export default async function AdminHome() {
  await requirePageUser('admin');
  return (
    <div className={styles.cards}>
      <a href="/admin/users">
        <strong>Users</strong>
        <p className={styles.muted}>Invite people, change roles, disable accounts.</p>
      </a>
      <a href="/admin/tokens">
        <strong>Ingest and API tokens</strong>
        <p className={styles.muted}>Create tokens with scopes, see when they were last used, revoke them.</p>
      </a>
      <a href="/admin/retention">
        <strong>Retention</strong>
        <p className={styles.muted}>How many days of records errata keeps.</p>
      </a>
      <a href="/admin/audit">
        <strong>Audit log</strong>
        <p className={styles.muted}>Who changed what, signed in or exported, and when.</p>
      </a>
    </div>
  );
}
