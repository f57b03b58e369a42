import type { Metadata } from 'next';
import Link from 'next/link';
import { requirePageUser } from '@/auth';
import { RuleEditor } from '@/components/alerts/rule-editor';
import { Card } from '@/components/ui/card';
import styles from '@/components/keys/entity.module.css';

export const metadata: Metadata = { title: 'New alert rule · errata' };

export default async function NewRulePage() {
  await requirePageUser('engineer');
  return (
    <div className={styles.page}>
      <header className={styles.head}>
        <p className="muted" style={{ margin: 0 }}>
          <Link href="/alerts">Alerts</Link>
        </p>
        <h1>New alert rule</h1>
        <p className="muted" style={{ margin: 0 }}>
          Preview how often it would have fired over the last 7 days of stored data before saving it. New rules notify every enabled channel.
        </p>
      </header>
      <Card>
        <RuleEditor />
      </Card>
    </div>
  );
}
