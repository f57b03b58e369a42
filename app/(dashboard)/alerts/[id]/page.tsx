import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { connection } from 'next/server';
import { getMetaDb, getStore } from '@/db';
import { alertDetail } from '@/alerts/views';
import { NotFoundError } from '@/lib/api-error';
import { requirePageUser } from '@/auth';
import { hasRole } from '@/lib/roles';
import { AlertActions } from '@/components/alerts/alert-actions';
import { BandChart } from '@/components/alerts/band-chart';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { formatCount, formatUtc } from '@/components/ui/format';
import { DataTable } from '@/components/ui/table';
import styles from '@/components/keys/entity.module.css';

export const metadata: Metadata = { title: 'Alert · errata' };

type Props = { params: Promise<{ id: string }> };

export default async function AlertPage({ params }: Props) {
  const user = await requirePageUser('support');
  await connection();
  const id = Number((await params).id);
  const db = getMetaDb();
  let d;
  try {
    d = await alertDetail(db, getStore(), Number.isSafeInteger(id) ? id : -1);
  } catch (err) {
    if (err instanceof NotFoundError) notFound();
    throw err;
  }
  const a = d.alert;
  const now = Date.now();
  return (
    <div className={styles.page}>
      <header className={styles.head}>
        <p className="muted" style={{ margin: 0 }}>
          <Link href="/alerts">Alerts</Link>
        </p>
        <h1>
          {d.rule.name}
          {a.group_value ? ` · ${d.rule.split} ${a.group_value}` : ''}
        </h1>
        <p style={{ margin: 0, display: 'flex', gap: 8, flexWrap: 'wrap', alignItems: 'center' }}>
          <Badge tone={a.state === 'firing' ? 'err' : a.state === 'pending' ? 'warn' : 'ok'}>{a.state}</Badge>
          <Badge tone="outline">{a.severity}</Badge>
          <span>
            {d.rule.kind === 'threshold'
              ? `${formatCount(a.observed)} observed against a threshold of ${formatCount(a.expected)}`
              : `${formatCount(a.observed)} observed, ${formatCount(a.expected)} expected (band to ${formatCount(a.upper)}), ${a.baseline_source.replace('_', ' ')} baseline`}{' '}
            in the last {d.rule.window} window; since {formatUtc(a.started_ms)}
          </span>
          {a.acked_by ? <span className="muted">acknowledged by {a.acked_by}</span> : null}
          {a.silenced_until_ms && a.silenced_until_ms > now ? <span className="muted">silenced until {formatUtc(a.silenced_until_ms, { zone: true })}</span> : null}
        </p>
        {hasRole(user.role, 'engineer') && (a.state === 'firing' || a.state === 'pending') ? (
          <AlertActions id={a.id} acked={a.acked_by !== null} silenced={(a.silenced_until_ms ?? 0) > now} />
        ) : null}
        <p style={{ margin: 0 }}>
          <Link href={`/?${d.view_query}`}>Open this view on the overview</Link> · <Link href={`/alerts/deliveries?alert=${a.id}`}>Its notifications (delivery log)</Link>
        </p>
      </header>
      <Card title="Observed against the expected band">
        <BandChart points={d.series.map((p) => ({ t: p.from_ms, observed: p.observed, expected: p.expected, upper: p.upper, breach: p.breach }))} label={`${d.rule.name}: observed per window against the expected band`} />
      </Card>
      <Card title="Transitions" flush>
        <DataTable caption="Transitions" testId="alert-transitions">
          <thead>
            <tr>
              <th>At</th>
              <th>Change</th>
              <th>Observed</th>
              <th>Expected</th>
              <th>By</th>
            </tr>
          </thead>
          <tbody>
            {d.transitions.map((t) => (
              <tr key={t.id}>
                <td>{formatUtc(t.at_ms, { zone: true })}</td>
                <td>
                  {t.from_state} → {t.to_state}
                </td>
                <td>{formatCount(t.observed)}</td>
                <td>{formatCount(t.expected)}</td>
                <td>{t.actor ?? 'evaluator'}</td>
              </tr>
            ))}
          </tbody>
        </DataTable>
      </Card>
      <Card title="The requests behind it" subtitle="Newest first, at most 50" flush>
        <DataTable caption="Requests behind the alert" testId="alert-rows">
          <thead>
            <tr>
              <th>Time</th>
              <th>Request</th>
              <th>Status</th>
              <th>Code</th>
              <th>Key</th>
              <th>Route</th>
            </tr>
          </thead>
          <tbody>
            {d.rows.map((r) => (
              <tr key={`${r.request_id}-${r.code}`}>
                <td>{formatUtc(r.ts_ms)}</td>
                <td>
                  <Link href={`/requests/${encodeURIComponent(r.request_id)}`}>{r.request_id}</Link>
                </td>
                <td>{r.status}</td>
                <td>{r.code ?? '—'}</td>
                <td>{r.key_id ?? '—'}</td>
                <td>{r.route ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </DataTable>
      </Card>
    </div>
  );
}
