import Link from 'next/link';
import type { KeyBehaviour } from '@/lib/api-types';
import { Badge, CodeBadge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { CsvDownloadButton } from '@/components/ui/csv-download';
import { formatInt, formatUtc } from '@/components/ui/format';
import { DataTable, tableClasses } from '@/components/ui/table';
import { classLabel, classTone, gap, verdictLabel, verdictTone } from './format';

const COUNTS: Array<[keyof KeyBehaviour['total'], string]> = [
  ['limited', 'Asked to wait'],
  ['honoured', 'Honoured'],
  ['early', 'Retried early'],
  ['immediate', 'Retried within 1 s'],
  ['abandoned', 'Gave up'],
  ['storms', 'Limits followed by a storm'],
  ['futile_retries', 'Futile retries'],
  ['idempotency_mismatch', 'Key reused, other body (422)'],
  ['idempotency_in_progress', 'Retried in progress (409)'],
];

const requestHref = (id: string) => `/requests/${encodeURIComponent(id)}`;

/** A key's client behaviour: verdict, counts, and the worst examples as request ids. */
export function ClientBehaviour({ data, csvHref }: { data: KeyBehaviour; csvHref: string }) {
  const t = data.total;
  return (
    <Card
      id="client-behaviour"
      title="Client behaviour"
      subtitle="What this key did after being asked to wait, after errors that cannot succeed on retry, and with idempotency keys (whole UTC days)"
      actions={<CsvDownloadButton href={csvHref} label="Retries CSV" filename="client-behaviour.csv" />}
    >
      <div data-testid="client-behaviour">
        <p style={{ margin: '0 0 10px', display: 'flex', gap: 6, flexWrap: 'wrap' }} data-testid="verdicts">
          {t.verdicts.map((v) => (
            <Badge key={v} tone={verdictTone(v)}>
              {verdictLabel(v)}
            </Badge>
          ))}
        </p>
        <dl style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(150px, 1fr))', gap: '6px 16px', margin: '0 0 14px' }}>
          {COUNTS.map(([k, label]) => (
            <div key={k}>
              <dt className="muted" style={{ fontSize: 12 }}>
                {label}
              </dt>
              <dd className="num" style={{ margin: 0, fontWeight: 600 }} data-testid={`count-${k}`}>
                {formatInt(t[k] as number)}
              </dd>
            </div>
          ))}
        </dl>
        {data.worst_retries.length > 0 ? (
          <>
            <h3 style={{ fontSize: 14, margin: '8px 0 4px' }}>Fastest retries after being asked to wait</h3>
            <DataTable caption="Fastest retries after being asked to wait" testId="worst-retries">
              <thead>
                <tr>
                  <th scope="col">Limited request</th>
                  <th scope="col">Time (UTC)</th>
                  <th scope="col">Asked to wait</th>
                  <th scope="col">Next request</th>
                  <th scope="col" className={tableClasses.right}>
                    After
                  </th>
                  <th scope="col">Class</th>
                </tr>
              </thead>
              <tbody>
                {data.worst_retries.map((r) => (
                  <tr key={`${r.request_id}|${r.code}`}>
                    <td>
                      <Link href={requestHref(r.request_id)} className="mono">
                        {r.request_id}
                      </Link>
                    </td>
                    <td className="num">{formatUtc(r.ts_ms, { seconds: true })}</td>
                    <td className="num">{gap(r.retry_after_ms)}</td>
                    <td>
                      {r.next_request_id ? (
                        <Link href={requestHref(r.next_request_id)} className="mono">
                          {r.next_request_id}
                        </Link>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td className={`num ${tableClasses.right}`}>{gap(r.next_gap_ms)}</td>
                    <td>
                      <Badge tone={classTone(r.retry_class)}>{classLabel(r.retry_class)}</Badge>
                    </td>
                  </tr>
                ))}
              </tbody>
            </DataTable>
          </>
        ) : null}
        {data.storms.length > 0 ? (
          <>
            <h3 style={{ fontSize: 14, margin: '14px 0 4px' }}>Retry storms</h3>
            <ul style={{ margin: 0, paddingLeft: 18 }} data-testid="storms">
              {data.storms.map((s) => (
                <li key={`${s.request_id}|${s.code}`}>
                  <Link href={requestHref(s.request_id)} className="mono">
                    {s.request_id}
                  </Link>{' '}
                  at {formatUtc(s.ts_ms, { seconds: true })}: {s.requests_before} requests in the minute before, {s.requests_after} in the minute after
                </li>
              ))}
            </ul>
          </>
        ) : null}
        {data.futile_retries.length > 0 ? (
          <>
            <h3 style={{ fontSize: 14, margin: '14px 0 4px' }}>Retries that cannot succeed</h3>
            <ul style={{ margin: 0, paddingLeft: 18 }} data-testid="futile">
              {data.futile_retries.map((f) => (
                <li key={`${f.request_id}|${f.code}`}>
                  <Link href={requestHref(f.request_id)} className="mono">
                    {f.request_id}
                  </Link>{' '}
                  <CodeBadge code={f.code} /> at {formatUtc(f.ts_ms, { seconds: true })}, again within 5 minutes
                </li>
              ))}
            </ul>
          </>
        ) : null}
        {t.limited === 0 && t.futile_retries === 0 && t.idempotency_mismatch === 0 && t.idempotency_in_progress === 0 ? (
          <p className="muted" style={{ margin: 0 }}>
            Nothing to report: this key was not asked to wait, did not repeat errors that cannot succeed, and had no idempotency conflicts in this range.
          </p>
        ) : null}
      </div>
    </Card>
  );
}
