import Link from 'next/link';
import type { KeySummary } from '@/lib/key-insight';
import { getCatalogEntry } from '@/lib/catalog';
import type { KeyInsight } from '@/lib/key-insight';
import { insightText } from '@/components/request/details';
import { StatusBadge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { formatInt, formatRelative, formatUtc } from '@/components/ui/format';
import { DataTable, tableClasses } from '@/components/ui/table';
import { EntityHeader } from './entity-header';
import styles from './entity.module.css';

/** What support staff see of a key: who owns it, what it did in the range, what errata makes of it, its latest failures. */
export function KeySummaryView({ summary, insight, now }: { summary: KeySummary; insight: KeyInsight | null; now: number }) {
  const s = summary;
  const explorer = `/errors?${new URLSearchParams({ key: s.key_id, from: String(s.from_ms), to: String(s.to_ms) })}`;
  return (
    <div className={styles.page} data-testid="key-summary">
      <EntityHeader eyebrow="API key · summary" title={s.key_id}>
        <span>
          Account <strong className="mono">{s.account_id ?? '—'}</strong>
        </span>
        <span>
          Tier <strong>{s.tier ?? '—'}</strong>
        </span>
        <span>
          Latest request <strong>{s.latest_ms !== null ? `${formatUtc(s.latest_ms)} (${formatRelative(s.latest_ms, now)})` : 'none stored'}</strong>
        </span>
        <Link href={explorer}>This key in the errors explorer →</Link>
      </EntityHeader>
      {insight ? (
        <p className={styles.insight} data-testid="key-insight">
          <strong>What errata knows:</strong> {insightText(insight)}
        </p>
      ) : null}
      <div className={styles.grid2}>
        <Card
          id="key-codes"
          title="In this range, by code"
          subtitle={`${formatInt(s.requests)} requests · ${formatInt(s.errors)} errors · from ${formatUtc(s.from_ms, { seconds: false })}`}
          flush
        >
          {s.by_code.length === 0 ? (
            <p className="muted" style={{ padding: '6px 12px 12px', margin: 0 }}>
              No requests from this key in this range. Widen the range in the header.
            </p>
          ) : (
            <DataTable caption="Requests of this key by code, in this range" testId="key-summary-codes">
              <thead>
                <tr>
                  <th scope="col">Code</th>
                  <th scope="col">Meaning</th>
                  <th scope="col" className={tableClasses.right}>
                    Requests
                  </th>
                </tr>
              </thead>
              <tbody>
                {s.by_code.map((c) => (
                  <tr key={c.code ?? ''}>
                    <td className="mono">{c.code ?? 'success'}</td>
                    <td className={tableClasses.wrap}>{c.code === null ? 'Succeeded' : (getCatalogEntry(c.code)?.title ?? 'Not in the error reference')}</td>
                    <td className={`${tableClasses.right} num`}>{formatInt(c.count)}</td>
                  </tr>
                ))}
              </tbody>
            </DataTable>
          )}
        </Card>
        <Card id="key-recent" title="Latest failures" subtitle="Open one for its cause, fix and reply" flush>
          {s.recent_failures.length === 0 ? (
            <p className="muted" style={{ padding: '6px 12px 12px', margin: 0 }}>
              No recent failures.
            </p>
          ) : (
            <DataTable caption="Latest failures of this key" testId="key-summary-failures">
              <thead>
                <tr>
                  <th scope="col">Time (UTC)</th>
                  <th scope="col">Status</th>
                  <th scope="col">Request</th>
                </tr>
              </thead>
              <tbody>
                {s.recent_failures.map((r) => (
                  <tr key={`${r.request_id}|${r.code}`}>
                    <td className="num">{formatUtc(r.ts_ms, { zone: false })}</td>
                    <td>
                      <StatusBadge status={r.status} /> <span className="mono">{r.code}</span>
                    </td>
                    <td className="mono">
                      <Link href={`/requests/${encodeURIComponent(r.request_id)}`}>{r.request_id}</Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </DataTable>
          )}
        </Card>
      </div>
    </div>
  );
}
