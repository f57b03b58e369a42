import type { Metadata } from 'next';
import Link from 'next/link';
import { connection } from 'next/server';
import { getMetaDb } from '@/db';
import { listAlertRules } from '@/db/queries/alerts';
import { listAlerts, type AlertListItem } from '@/alerts/views';
import { requirePageUser } from '@/auth';
import { hasRole } from '@/lib/roles';
import { Badge, type Tone } from '@/components/ui/badge';
import { LinkButton } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { formatCount, formatRelative, formatUtc } from '@/components/ui/format';
import { EmptyState } from '@/components/ui/states';
import { DataTable } from '@/components/ui/table';
import styles from '@/components/keys/entity.module.css';

export const metadata: Metadata = { title: 'Alerts · errata' };

const TONE: Record<string, Tone> = { firing: 'err', pending: 'warn', resolved: 'ok', cleared: 'outline' };

function AlertTable({ rows, now, caption }: { rows: AlertListItem[]; now: number; caption: string }) {
  return (
    <DataTable caption={caption} testId={caption.toLowerCase().replace(/\W+/g, '-')}>
      <thead>
        <tr>
          <th>State</th>
          <th>Rule</th>
          <th>Since</th>
          <th>Observed / expected</th>
          <th>Ended</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((a) => (
          <tr key={a.id}>
            <td>
              <Badge tone={TONE[a.state]}>{a.state}</Badge>
              {a.acked_by ? <span className="muted"> acked</span> : null}
            </td>
            <td>
              <Link href={`/alerts/${a.id}`}>
                {a.rule_name}
                {a.group_value ? ` · ${a.group_value}` : ''}
              </Link>
            </td>
            <td title={formatUtc(a.started_ms, { zone: true })}>{formatRelative(a.started_ms, now)}</td>
            <td>
              {formatCount(a.observed)} / {formatCount(a.expected)}
            </td>
            <td>{a.ended_ms ? formatUtc(a.ended_ms) : '—'}</td>
          </tr>
        ))}
      </tbody>
    </DataTable>
  );
}

export default async function AlertsPage() {
  const user = await requirePageUser('support');
  await connection();
  const db = getMetaDb();
  const now = Date.now();
  const open = listAlerts(db, { states: ['firing', 'pending'], limit: 200 });
  // Cleared alerts breached once and never fired: kept (API, the alert's page) but not listed as history.
  const history = listAlerts(db, { states: ['resolved'], limit: 100 });
  const rules = listAlertRules(db);
  return (
    <div className={styles.page}>
      <header className={styles.head}>
        <h1>Alerts</h1>
        <p className="muted" style={{ margin: 0 }}>
          What fired against the learned baseline (the same time of week over the last 4 weeks), what is pending a second breach, and what resolved.{' '}
          {rules.filter((r) => r.enabled).length} of {rules.length} rules on.
        </p>
        <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap' }}>
          {hasRole(user.role, 'engineer') ? (
            <LinkButton href="/alerts/rules/new" variant="primary">
              New rule
            </LinkButton>
          ) : null}
          <LinkButton href="/alerts/channels">Channels</LinkButton>
          <LinkButton href="/alerts/deliveries">Delivery log</LinkButton>
        </div>
      </header>
      <Card title="Firing and pending" flush>
        {open.length ? <AlertTable rows={open} now={now} caption="Open alerts" /> : <EmptyState title="Nothing is firing">Every rule is within its expected band.</EmptyState>}
      </Card>
      <Card title="History" flush>
        {history.length ? <AlertTable rows={history} now={now} caption="Alert history" /> : <EmptyState title="No alerts yet" />}
      </Card>
    </div>
  );
}
