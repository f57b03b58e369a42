import type { Metadata } from 'next';
import { getMetaDb } from '@/db';
import { listAudit } from '@/db/queries/audit';
import { requirePageUser } from '@/auth/page';
import { parseIntStrict } from '@/lib/int-param';
import styles from '../admin.module.css';

export const metadata: Metadata = { title: 'Admin: audit log' };

const PAGE = 100;

function time(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageUser('admin');
  const raw = (await searchParams).before;
  const before = parseIntStrict(Array.isArray(raw) ? raw[0] : raw);
  const entries = listAudit(getMetaDb(), { limit: PAGE, before_id: before !== null && before > 0 ? before : undefined });
  const last = entries.at(-1);
  return (
    <section className={styles.section}>
      <h2>Audit log</h2>
      <p className={styles.muted}>Admin actions, sign-ins and exports, newest first.</p>
      <table className={styles.table}>
        <thead>
          <tr>
            <th>When</th>
            <th>Who</th>
            <th>What</th>
            <th>Target</th>
            <th>Details</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id}>
              <td>{time(e.ts_ms)}</td>
              <td>{e.actor}</td>
              <td className={styles.mono}>{e.action}</td>
              <td>{e.target ?? '—'}</td>
              <td className={styles.mono}>{e.details ? JSON.stringify(e.details) : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {entries.length === 0 && <p className={styles.muted}>Nothing recorded yet.</p>}
      {entries.length === PAGE && last && (
        <p>
          <a href={`/admin/audit?before=${last.id}`}>Older entries</a>
        </p>
      )}
    </section>
  );
}
