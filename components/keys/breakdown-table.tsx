import Link from 'next/link';
import type { ReactNode } from 'react';
import type { Breakdown, BreakdownRow } from '@/db/queries/stats';
import { Card } from '@/components/ui/card';
import { CsvDownloadButton } from '@/components/ui/csv-download';
import { formatInt, formatPercent } from '@/components/ui/format';
import { DataTable, ShareBar, tableClasses } from '@/components/ui/table';

export interface BreakdownTableProps {
  id: string;
  title: string;
  subtitle?: string;
  /** Column header for the dimension value. */
  valueLabel: string;
  breakdown: Breakdown;
  csvHref: string;
  /** Where a row leads (a drill-down); null for no link. */
  hrefFor?: (value: string) => string | null;
  /** How to show a value; defaults to the text itself. */
  render?: (value: string) => ReactNode;
  emptyLabel?: string;
  /** Show the error rate column (meaningless where every row is an error). */
  showRate?: boolean;
}

/** A breakdown as a table with share bars and "Download CSV" for exactly these filters. */
export function BreakdownTable({ id, title, subtitle, valueLabel, breakdown, csvHref, hrefFor, render, emptyLabel = '(not set)', showRate = true }: BreakdownTableProps) {
  const rows: BreakdownRow[] = breakdown.rows.filter((r) => r.errors > 0 || showRate);
  const maxErrors = Math.max(1, ...rows.map((r) => r.errors));
  return (
    <Card id={id} title={title} subtitle={subtitle} flush actions={<CsvDownloadButton href={csvHref} filename={`${id}.csv`} />}>
      {rows.length === 0 ? (
        <p className="muted" style={{ padding: '6px 12px 12px', margin: 0 }}>
          Nothing in this range.
        </p>
      ) : (
        <DataTable caption={title} testId={id}>
          <thead>
            <tr>
              <th scope="col">{valueLabel}</th>
              <th scope="col" className={tableClasses.right}>
                Errors
              </th>
              {showRate ? (
                <>
                  <th scope="col" className={tableClasses.right}>
                    Requests
                  </th>
                  <th scope="col" className={tableClasses.right}>
                    Error rate
                  </th>
                </>
              ) : null}
              <th scope="col">
                <span className="sr-only">Share of errors</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const value = r.value ?? '';
              const href = value && hrefFor ? hrefFor(value) : null;
              const shown = value ? (render ? render(value) : value) : <span className="muted">{emptyLabel}</span>;
              return (
                <tr key={value}>
                  <td className={tableClasses.wrap}>{href ? <Link href={href}>{shown}</Link> : shown}</td>
                  <td className={`${tableClasses.right} num`}>{formatInt(r.errors)}</td>
                  {showRate ? (
                    <>
                      <td className={`${tableClasses.right} num`}>{formatInt(r.requests)}</td>
                      <td className={`${tableClasses.right} num`}>{r.error_rate == null ? '—' : formatPercent(r.error_rate)}</td>
                    </>
                  ) : null}
                  <td style={{ width: '22%' }}>
                    <ShareBar ratio={r.errors / maxErrors} color="var(--c-5xx)" />
                  </td>
                </tr>
              );
            })}
            {breakdown.other ? (
              <tr>
                <td className="muted">Everything else</td>
                <td className={`${tableClasses.right} num`}>{formatInt(breakdown.other.errors)}</td>
                {showRate ? (
                  <>
                    <td className={`${tableClasses.right} num`}>{formatInt(breakdown.other.requests)}</td>
                    <td className={`${tableClasses.right} num`}>{breakdown.other.error_rate == null ? '—' : formatPercent(breakdown.other.error_rate)}</td>
                  </>
                ) : null}
                <td />
              </tr>
            ) : null}
          </tbody>
        </DataTable>
      )}
    </Card>
  );
}
