import Link from 'next/link';
import type { RequestRecord } from '@/lib/api-types';
import { CodeBadge, ReasonBadge, StatusBadge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { CsvDownloadButton } from '@/components/ui/csv-download';
import { formatLatency, formatUtc } from '@/components/ui/format';
import { DataTable, tableClasses } from '@/components/ui/table';

/** The newest failing requests of this view; each row opens the request page. Messages render as text. */
export function RecentFailures({
  id = 'recent-failures',
  records,
  csvHref,
  moreHref,
  show,
}: {
  id?: string;
  records: RequestRecord[];
  csvHref: string;
  moreHref: string;
  /** Which context columns to show (a key page hides the key). */
  show: { key?: boolean; code?: boolean; reason?: boolean };
}) {
  return (
    <Card
      id={id}
      title="Recent failures"
      subtitle={records.length ? `Newest ${records.length}` : undefined}
      flush
      actions={
        <>
          <Link href={moreHref}>All in the explorer →</Link>
          <CsvDownloadButton href={csvHref} />
        </>
      }
    >
      {records.length === 0 ? (
        <p className="muted" style={{ padding: '6px 12px 12px', margin: 0 }}>
          No failures in this range.
        </p>
      ) : (
        <DataTable caption="Recent failures" testId={id}>
          <thead>
            <tr>
              <th scope="col">Time (UTC)</th>
              <th scope="col">Status</th>
              {show.code ? <th scope="col">Code</th> : null}
              {show.reason ? <th scope="col">Reason</th> : null}
              <th scope="col">Message</th>
              {show.key ? <th scope="col">Key</th> : null}
              <th scope="col">Endpoint</th>
              <th scope="col" className={tableClasses.right}>
                Latency
              </th>
              <th scope="col">Request id</th>
            </tr>
          </thead>
          <tbody>
            {records.map((r) => (
              <tr key={`${r.request_id}|${r.code ?? ''}`}>
                <td className="num" style={{ whiteSpace: 'nowrap' }}>
                  {formatUtc(r.ts_ms, { zone: false })}
                </td>
                <td>
                  <StatusBadge status={r.status} />
                </td>
                {show.code ? (
                  <td>
                    <CodeBadge code={r.code} link />
                  </td>
                ) : null}
                {show.reason ? (
                  <td>
                    <ReasonBadge reason={r.reason} />
                  </td>
                ) : null}
                <td className={tableClasses.wrap}>{r.message ?? ''}</td>
                {show.key ? (
                  <td className="mono">{r.key_id ? <Link href={`/keys/${encodeURIComponent(r.key_id)}`}>{r.key_id}</Link> : '—'}</td>
                ) : null}
                <td className="mono">
                  {r.method ? `${r.method} ` : ''}
                  {r.route ?? r.path ?? ''}
                </td>
                <td className={`${tableClasses.right} num`}>{formatLatency(r.latency_ms)}</td>
                <td className="mono">
                  <Link href={`/requests/${encodeURIComponent(r.request_id)}`}>{r.request_id}</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </DataTable>
      )}
    </Card>
  );
}
