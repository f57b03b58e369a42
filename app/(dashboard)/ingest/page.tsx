import type { Metadata } from 'next';
import Link from 'next/link';
import { connection } from 'next/server';
import { getMetaDb, getStore } from '@/db';
import { listTokens } from '@/db/queries/tokens';
import { requirePageUser } from '@/auth';
import type { ChartConfig, TimePoint } from '@/components/charts/types';
import { toUrlSearchParams, withoutParam, withParam, hrefWith } from '@/components/filters/url-params';
import { IngestChart } from '@/components/ingest/ingest-chart';
import { loadIngestHealth, parseIngestScope } from './ingest-view';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { CsvDownloadButton } from '@/components/ui/csv-download';
import { formatCount, formatInt, formatPercent, formatRelative, formatUtc } from '@/components/ui/format';
import { Kpi, KpiGrid } from '@/components/ui/kpi';
import { DataTable, tableClasses } from '@/components/ui/table';
import { EmptyState, ErrorState } from '@/components/ui/states';
import styles from '@/components/keys/entity.module.css';

export const metadata: Metadata = { title: 'Ingest health · errata' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const OUTCOMES: ChartConfig = {
  accepted: { label: 'Accepted', color: 'var(--c-2xx)' },
  duplicates: { label: 'Duplicates', color: 'var(--c-8)' },
  rejected: { label: 'Rejected', color: 'var(--c-5xx)' },
  refused: { label: 'Refused calls', color: 'var(--c-4)' },
};
const TOKEN_COLORS = ['var(--c-1)', 'var(--c-2)', 'var(--c-4)', 'var(--c-6)', 'var(--c-7)', 'var(--c-5)', 'var(--c-3)', 'var(--c-8)'];

export default async function IngestPage({ searchParams }: Props) {
  await requirePageUser('admin');
  await connection();
  const urlParams = toUrlSearchParams(await searchParams);
  const now = Date.now();
  const parsed = parseIngestScope(urlParams, now);
  const head = (
    <header className={styles.head}>
      <h1>Ingest health</h1>
      <p className="muted" style={{ margin: 0 }}>
        What each ingest token sent: records accepted, re-sent duplicates (ignored, as designed), rejected records with why, and
        calls refused at the door (a revoked, unknown or missing token).
      </p>
    </header>
  );
  if (!parsed.ok) {
    return (
      <div className={styles.page}>
        {head}
        <ErrorState title="These filters are not valid">
          {parsed.message} <Link href="/ingest">Reset</Link>
        </ErrorState>
      </div>
    );
  }
  const { filters } = parsed.scope;
  const data = await loadIngestHealth(getStore(), filters, listTokens(getMetaDb()));
  const selected = filters.token_id === undefined ? null : data.allTotals.find((t) => t.token_id === filters.token_id);
  const exact = new URLSearchParams({ from: String(filters.from_ms), to: String(filters.to_ms) });
  if (filters.token_id !== undefined) exact.set('token', String(filters.token_id));
  const received = data.sums.accepted + data.sums.duplicates + data.sums.rejected;
  const prev = data.previousSums;
  const prevReceived = prev.accepted + prev.duplicates + prev.rejected;

  const tokenConfig: ChartConfig = {};
  const tokenPoints: TimePoint[] = data.hours.map((h) => ({ t: h.t }));
  [...data.rejectedByToken.keys()].forEach((id, i) => {
    const name = data.allTotals.find((t) => t.token_id === id)?.token_name ?? `token ${id}`;
    tokenConfig[`t${id}`] = { label: name, color: TOKEN_COLORS[i % TOKEN_COLORS.length], filterValue: String(id) };
    const m = data.rejectedByToken.get(id)!;
    tokenPoints.forEach((p) => (p[`t${id}`] = m.get(p.t) ?? 0));
  });

  return (
    <div className={styles.page}>
      {head}
      {selected || filters.token_id !== undefined ? (
        <p className={styles.meta}>
          <span>
            Token <strong>{selected?.token_name ?? `#${filters.token_id}`}</strong>
          </span>
          <Link href={hrefWith('/ingest', withoutParam(urlParams, 'token'))}>Show all tokens</Link>
        </p>
      ) : null}
      <KpiGrid>
        <Kpi label="Accepted" value={formatCount(data.sums.accepted)} current={data.sums.accepted} previous={prev.accepted} hint={formatInt(data.sums.accepted)} />
        <Kpi label="Duplicates" value={formatCount(data.sums.duplicates)} current={data.sums.duplicates} previous={prev.duplicates} hint={formatInt(data.sums.duplicates)} />
        <Kpi label="Rejected" value={formatCount(data.sums.rejected)} current={data.sums.rejected} previous={prev.rejected} higherIsBad hint={formatInt(data.sums.rejected)} />
        <Kpi
          label="Rejected share"
          value={received ? formatPercent(data.sums.rejected / received) : '—'}
          current={received ? data.sums.rejected / received : null}
          previous={prevReceived ? prev.rejected / prevReceived : null}
          higherIsBad
          deltaFormat="points"
        />
        <Kpi label="Refused calls" value={formatCount(data.sums.refused)} current={data.sums.refused} previous={prev.refused} higherIsBad hint={formatInt(data.sums.refused)} />
      </KpiGrid>

      <Card id="ingest-over-time" title="Records per hour" subtitle={`${formatInt(data.sums.batches)} batches · ${formatInt(received)} records`}>
        {received === 0 && data.sums.refused === 0 ? (
          <EmptyState title="Nothing ingested in this range">Widen the range, or check that the shipper is sending with a valid token.</EmptyState>
        ) : (
          <IngestChart data={data.hours.map((h): TimePoint => ({ ...h }))} config={OUTCOMES} label="Accepted, duplicate and rejected records per hour, stacked bar chart" />
        )}
      </Card>

      {data.rejectedByToken.size ? (
        <Card id="rejected-by-token" title="Rejected records per hour, by token">
          <IngestChart data={tokenPoints} config={tokenConfig} label="Rejected records per hour by token, stacked bar chart" tokenSeries />
        </Card>
      ) : null}

      <Card
        id="ingest-tokens"
        title="Tokens"
        subtitle="Totals in this range"
        flush
        actions={<CsvDownloadButton href={`/ingest/tokens.csv?${exact}`} filename="ingest-tokens.csv" />}
      >
        {data.totals.length === 0 ? (
          <p className="muted" style={{ padding: '6px 12px 12px', margin: 0 }}>
            No batches in this range.
          </p>
        ) : (
          <DataTable caption="Ingest totals per token" testId="ingest-tokens">
            <thead>
              <tr>
                <th scope="col">Token</th>
                <th scope="col" className={tableClasses.right}>
                  Batches
                </th>
                <th scope="col" className={tableClasses.right}>
                  Accepted
                </th>
                <th scope="col" className={tableClasses.right}>
                  Duplicates
                </th>
                <th scope="col" className={tableClasses.right}>
                  Rejected
                </th>
                <th scope="col" className={tableClasses.right}>
                  Rejected %
                </th>
                <th scope="col" className={tableClasses.right}>
                  Refused calls
                </th>
                <th scope="col">Last used (UTC)</th>
              </tr>
            </thead>
            <tbody>
              {data.totals.map((t) => {
                const all = t.accepted + t.duplicates + t.rejected;
                return (
                  <tr key={t.token_id}>
                    <td>
                      <Link href={hrefWith('/ingest', withParam(urlParams, 'token', String(t.token_id)))}>{t.token_name}</Link>{' '}
                      {t.token_prefix ? <code className="muted">{t.token_prefix}…</code> : null}{' '}
                      {t.revoked ? <Badge tone="warn">revoked</Badge> : null}
                    </td>
                    <td className={`${tableClasses.right} num`}>{formatInt(t.batches)}</td>
                    <td className={`${tableClasses.right} num`}>{formatInt(t.accepted)}</td>
                    <td className={`${tableClasses.right} num`}>{formatInt(t.duplicates)}</td>
                    <td className={`${tableClasses.right} num`}>{formatInt(t.rejected)}</td>
                    <td className={`${tableClasses.right} num`}>{all ? formatPercent(t.rejected / all) : '—'}</td>
                    <td className={`${tableClasses.right} num`}>{formatInt(t.refused)}</td>
                    <td className="num">{formatUtc(data.lastUsed.get(t.token_id) ?? t.last_ms ?? t.last_bucket_ms, { zone: false })}</td>
                  </tr>
                );
              })}
            </tbody>
          </DataTable>
        )}
      </Card>

      <div className={styles.grid2}>
        <Card id="rejection-reasons" title="Why records were rejected" subtitle="Rejected samples in this range, by code" flush>
          {data.reasons.length === 0 ? (
            <p className="muted" style={{ padding: '6px 12px 12px', margin: 0 }}>
              No rejected samples in this range.
            </p>
          ) : (
            <DataTable caption="Rejections by code" testId="rejection-reasons">
              <thead>
                <tr>
                  <th scope="col">Code</th>
                  <th scope="col" className={tableClasses.right}>
                    Samples
                  </th>
                  <th scope="col">Latest</th>
                </tr>
              </thead>
              <tbody>
                {data.reasons.map((r) => (
                  <tr key={r.code}>
                    <td className="mono">{r.code}</td>
                    <td className={`${tableClasses.right} num`}>{formatInt(Number(r.count))}</td>
                    <td className="num">{formatRelative(Number(r.last_ms), now)}</td>
                  </tr>
                ))}
              </tbody>
            </DataTable>
          )}
        </Card>
        <Card id="ingest-about" title="Reading this page">
          <ul style={{ margin: 0, paddingLeft: 18 }}>
            <li>
              <strong>Duplicates</strong> are records re-sent with the same request id and code; shippers retry whole batches, so
              some are normal. They change nothing.
            </li>
            <li>
              <strong>Rejected</strong> records failed validation one by one; the rest of their batch was kept. The newest 1,000
              samples are kept.
            </li>
            <li>
              <strong>Refused calls</strong> never reached the records: the token was revoked, unknown or missing, or lacked the
              ingest scope. A shipper still using a revoked token shows up here.
            </li>
            <li>Times are UTC; counts are per hour of receipt. &ldquo;Last used&rdquo; is the same as on the tokens page.</li>
          </ul>
        </Card>
      </div>

      <Card
        id="latest-rejections"
        title="Latest rejected records"
        subtitle={data.rejections.length ? `Newest ${data.rejections.length}${selected ? ` from ${selected.token_name}` : ''}` : undefined}
        flush
        actions={<CsvDownloadButton href={`/ingest/rejections.csv?${exact}`} filename="ingest-rejections.csv" />}
      >
        {data.rejections.length === 0 ? (
          <p className="muted" style={{ padding: '6px 12px 12px', margin: 0 }}>
            No rejected records kept.
          </p>
        ) : (
          <DataTable caption="Latest rejected records" testId="latest-rejections">
            <thead>
              <tr>
                <th scope="col">Received (UTC)</th>
                <th scope="col">Token</th>
                <th scope="col" className={tableClasses.right}>
                  Line
                </th>
                <th scope="col">Code</th>
                <th scope="col">Field</th>
                <th scope="col">Reason</th>
                <th scope="col">Record (start)</th>
              </tr>
            </thead>
            <tbody>
              {data.rejections.map((r) => (
                <tr key={r.id}>
                  <td className="num" style={{ whiteSpace: 'nowrap' }}>
                    {formatUtc(r.received_ms, { zone: false })}
                  </td>
                  <td>{r.token_name}</td>
                  <td className={`${tableClasses.right} num`}>{r.line}</td>
                  <td className="mono">{r.code}</td>
                  <td className="mono">{r.field ?? '—'}</td>
                  <td className={tableClasses.wrap}>{r.message}</td>
                  <td className={tableClasses.wrap}>
                    {r.sample ? <code style={{ overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }}>{r.sample.slice(0, 300)}</code> : '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </DataTable>
        )}
      </Card>
    </div>
  );
}
