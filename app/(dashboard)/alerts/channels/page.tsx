import type { Metadata } from 'next';
import Link from 'next/link';
import { connection } from 'next/server';
import { getMetaDb } from '@/db';
import { channelList } from '@/alerts/channel-views';
import { requirePageUser } from '@/auth';
import { hasRole } from '@/lib/roles';
import { AddChannelForm, ChannelActions } from '@/components/alerts/channel-admin';
import { Badge, type Tone } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { formatRelative, formatUtc } from '@/components/ui/format';
import { EmptyState } from '@/components/ui/states';
import { DataTable } from '@/components/ui/table';
import styles from '@/components/keys/entity.module.css';

export const metadata: Metadata = { title: 'Alert channels · errata' };

const KIND: Record<string, string> = { webhook: 'Webhook', slack: 'Slack', email: 'Email' };
const LAST_TONE: Record<string, Tone> = { delivered: 'ok', failed: 'err', pending: 'warn', skipped: 'outline' };

// Channels are admin settings: admins add, test, edit, switch off and delete; engineers and support see which
// channels exist and whether they deliver, not their URLs or credentials.
export default async function ChannelsPage() {
  const user = await requirePageUser('support');
  await connection();
  const admin = hasRole(user.role, 'admin');
  const now = Date.now();
  const channels = channelList(getMetaDb(), admin);
  return (
    <div className={styles.page}>
      <header className={styles.head}>
        <p className="muted" style={{ margin: 0 }}>
          <Link href="/alerts">Alerts</Link>
        </p>
        <h1>Notification channels</h1>
        <p className="muted" style={{ margin: 0 }}>
          Where alerts are sent: signed webhooks, Slack incoming webhooks and email. Rules pick their channels. Every attempt is in the{' '}
          <Link href="/alerts/deliveries">delivery log</Link>.{admin ? '' : ' Only admins change channels.'}
        </p>
      </header>
      <Card title="Channels" flush>
        {channels.length ? (
          <DataTable caption="Notification channels" testId="alert-channels">
            <thead>
              <tr>
                <th>Channel</th>
                <th>Sends to</th>
                <th>State</th>
                <th>Last delivery</th>
                {admin ? <th>Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {channels.map((c) => (
                <tr key={c.id} data-channel={c.name}>
                  <td>
                    <strong>{c.name}</strong>
                    <div className="muted">{KIND[c.type] ?? c.type}</div>
                  </td>
                  <td>
                    <code style={{ wordBreak: 'break-all' }}>{c.destination}</code>
                    {c.allow_private ? <div className="muted">private addresses allowed</div> : null}
                  </td>
                  <td>
                    <Badge tone={c.enabled ? 'ok' : 'outline'}>{c.enabled ? 'on' : 'off'}</Badge>
                    {c.disabled_reason ? <div className="muted">{c.disabled_reason}</div> : null}
                  </td>
                  <td>
                    {c.last ? (
                      <>
                        <Badge tone={LAST_TONE[c.last.status] ?? 'info'}>{c.last.status}</Badge>{' '}
                        <span title={formatUtc(c.last.at_ms, { zone: true })}>{formatRelative(c.last.at_ms, now)}</span>
                        {c.last.status !== 'delivered' && c.last.error ? <div className="muted">{c.last.error}</div> : null}
                      </>
                    ) : (
                      <span className="muted">none yet</span>
                    )}
                    <div>
                      <Link href={`/alerts/deliveries?channel=${c.id}`}>Delivery log</Link>
                    </div>
                  </td>
                  {admin && c.config ? (
                    <td>
                      <ChannelActions channel={{ id: c.id, name: c.name, type: c.type, config: c.config, allow_private: c.allow_private, enabled: c.enabled }} />
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </DataTable>
        ) : (
          <EmptyState title="No channels yet">{admin ? 'Add one below; alerts are listed on the alerts page until then.' : 'An admin adds them; alerts are listed on the alerts page until then.'}</EmptyState>
        )}
      </Card>
      {admin ? (
        <Card title="Add a channel" subtitle="Checked before it is saved: where the URL resolves (no link-local or metadata addresses, private ones only when allowed), or a connection to the SMTP server">
          <AddChannelForm />
        </Card>
      ) : null}
    </div>
  );
}
