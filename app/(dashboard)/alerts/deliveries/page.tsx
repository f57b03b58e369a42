import type { Metadata } from 'next';
import Link from 'next/link';
import { connection } from 'next/server';
import { getMetaDb } from '@/db';
import { getAlertChannel, getAlertEvent } from '@/db/queries/alerts';
import { deliveryLog } from '@/alerts/channel-views';
import { requirePageUser } from '@/auth';
import { hasRole } from '@/lib/roles';
import { ReplayButton } from '@/components/alerts/channel-admin';
import styles from '@/components/alerts/channels.module.css';
import { Badge, type Tone } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { formatRelative, formatUtc } from '@/components/ui/format';
import { EmptyState, Notice } from '@/components/ui/states';
import { DataTable } from '@/components/ui/table';
import page from '@/components/keys/entity.module.css';

export const metadata: Metadata = { title: 'Delivery log · errata' };

const TONE: Record<string, Tone> = { delivered: 'ok', failed: 'err', pending: 'warn', skipped: 'outline' };
const KIND: Record<string, string> = { 'alert.firing': 'firing', 'alert.resolved': 'resolved', 'alert.test': 'test' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

function idOf(v: string | string[] | undefined): number | null | 'bad' {
  if (v === undefined) return null;
  const n = Number(Array.isArray(v) ? v[0] : v);
  return Number.isSafeInteger(n) && n > 0 ? n : 'bad';
}

function responseText(status: number | null): string {
  return status === null ? 'no answer' : String(status);
}

export default async function DeliveriesPage({ searchParams }: Props) {
  const user = await requirePageUser('support');
  await connection();
  const admin = hasRole(user.role, 'admin');
  const sp = await searchParams;
  const channelId = idOf(sp.channel);
  const alertId = idOf(sp.alert);
  const db = getMetaDb();
  const channel = typeof channelId === 'number' ? getAlertChannel(db, channelId) : undefined;
  const alert = typeof alertId === 'number' ? getAlertEvent(db, alertId) : undefined;
  const bad = channelId === 'bad' || alertId === 'bad' || (channelId !== null && !channel) || (alertId !== null && !alert);
  const rows = bad ? [] : deliveryLog(db, { channel_id: channel?.id, event_id: alert?.id, limit: 200 });
  const now = Date.now();
  return (
    <div className={page.page}>
      <header className={page.head}>
        <p className="muted" style={{ margin: 0 }}>
          <Link href="/alerts">Alerts</Link> · <Link href="/alerts/channels">Channels</Link>
        </p>
        <h1>Delivery log{channel ? `: ${channel.name}` : alert ? `: alert ${alert.id}` : ''}</h1>
        <p className="muted" style={{ margin: 0 }}>
          Every notification and each attempt to send it, newest first. A failed attempt is retried with backoff for about a day; the same message (same{' '}
          <code>webhook-id</code>) goes out each time{admin ? ', and Replay sends it again now' : ''}.
          {channel || alert ? (
            <>
              {' '}
              <Link href="/alerts/deliveries">Show all deliveries</Link>
            </>
          ) : null}
        </p>
      </header>
      {bad ? <Notice tone="warn">No such channel or alert: {[sp.channel && `channel=${sp.channel}`, sp.alert && `alert=${sp.alert}`].filter(Boolean).join(', ')}.</Notice> : null}
      <Card title="Deliveries" subtitle="The newest 200" flush>
        {rows.length ? (
          <DataTable caption="Delivery log" testId="delivery-log">
            <thead>
              <tr>
                <th>Created</th>
                <th>Channel</th>
                <th>Alert</th>
                <th>Status</th>
                <th>Attempts (time · response · error)</th>
                <th>Next retry</th>
                {admin ? <th>Replay</th> : null}
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => (
                <tr key={d.id} data-delivery={d.id}>
                  <td title={formatUtc(d.created_ms, { zone: true, seconds: true })}>{formatRelative(d.created_ms, now)}</td>
                  <td>{d.channel ? <Link href={`/alerts/deliveries?channel=${d.channel.id}`}>{d.channel.name}</Link> : <span className="muted">deleted</span>}</td>
                  <td>
                    {d.alert ? (
                      <Link href={`/alerts/${d.alert.id}`}>
                        {d.alert.rule_name}
                        {d.alert.group_value ? ` · ${d.alert.group_value}` : ''}
                      </Link>
                    ) : d.kind === 'alert.test' ? (
                      <span className="muted">test message</span>
                    ) : (
                      <span className="muted">alert deleted</span>
                    )}
                    <div className="muted">{KIND[d.kind] ?? d.kind}</div>
                  </td>
                  <td>
                    <Badge tone={TONE[d.status] ?? 'info'}>{d.status}</Badge>
                    {d.status === 'skipped' && d.last_error ? <div className="muted">{d.last_error}</div> : null}
                  </td>
                  <td>
                    {d.attempts.length ? (
                      <ol className={styles.attempts}>
                        {d.attempts.map((a) => (
                          <li key={a.id}>
                            <span className={styles.mono}>{formatUtc(a.at_ms, { seconds: true })}</span> · {responseText(a.http_status)} · {a.duration_ms} ms
                            {a.error ? <span> · {a.error}</span> : null}
                          </li>
                        ))}
                      </ol>
                    ) : (
                      <span className="muted">none yet</span>
                    )}
                  </td>
                  <td>{d.next_attempt_ms ? <span title={formatUtc(d.next_attempt_ms, { zone: true, seconds: true })}>{d.next_attempt_ms <= now ? 'due now' : formatUtc(d.next_attempt_ms, { seconds: true })}</span> : '—'}</td>
                  {admin ? <td>{d.channel && d.status !== 'pending' ? <ReplayButton id={d.id} /> : null}</td> : null}
                </tr>
              ))}
            </tbody>
          </DataTable>
        ) : (
          <EmptyState title="No deliveries yet">Notifications appear here when a rule with a channel fires or resolves, or when an admin sends a test.</EmptyState>
        )}
      </Card>
    </div>
  );
}
