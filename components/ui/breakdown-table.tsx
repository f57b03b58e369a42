import Link from 'next/link';
import type { ReactNode } from 'react';
import { formatInt, formatPercent } from './format';
import { DataTable, ShareBar, tableClasses } from './table';
import { NOT_SET_LABEL } from '@/lib/groups';

export interface BreakdownTableRow {
  value: string | null;
  requests: number;
  errors: number;
  error_rate: number | null;
  /** Share of the view's errors, as the API computes it (lib/error-rate.ts rowShareBase). */
  share?: number | null;
}

/**
 * Dimension values with errors and their share; `rate` mode adds requests and error rate (tier, key, endpoint),
 * `errors` mode is for dimensions only errors have (status, code, reason), where the share of errors says more.
 * Each value links to the view filtered by it, or with `drillDown` to another view (the key and code pages'
 * tables, wrapped in a card by components/keys/breakdown-card.tsx).
 */
export function BreakdownTable({
  mode = 'rate',
  caption,
  valueHeader,
  rows,
  other,
  totalErrors,
  hrefFor,
  renderValue,
  extraLink,
  color = 'var(--err)',
  testId,
  drillDown = false,
}: {
  caption: string;
  valueHeader: string;
  rows: BreakdownTableRow[];
  other?: BreakdownTableRow | null;
  totalErrors: number;
  /** Where a click on the value goes (null: not filterable, e.g. "not set"). */
  hrefFor: (value: string) => string | null;
  renderValue?: (value: string) => ReactNode;
  /** A secondary link per value (the key or code page). */
  extraLink?: (value: string) => { href: string; label: string } | null;
  color?: string;
  testId?: string;
  mode?: 'rate' | 'errors';
  /** Value links open another view (scrolled to its top), not this one filtered. */
  drillDown?: boolean;
}) {
  const rate = mode === 'rate';
  const shareClass = `${tableClasses.shareCell} ${rate ? tableClasses.shareRate : ''}`;
  const ratioOf = (r: BreakdownTableRow) => r.share ?? (totalErrors ? r.errors / totalErrors : null);
  const share = (r: BreakdownTableRow) => formatPercent(ratioOf(r));
  return (
    <DataTable caption={caption} testId={testId}>
      <thead>
        <tr>
          <th scope="col">{valueHeader}</th>
          <th scope="col" className={tableClasses.right}>
            Errors
          </th>
          <th scope="col" className={shareClass}>
            <span className="sr-only">Share of errors</span>
          </th>
          {rate ? (
            <>
              <th scope="col" className={tableClasses.right}>
                Requests
              </th>
              <th scope="col" className={tableClasses.right}>
                Error rate
              </th>
            </>
          ) : (
            <th scope="col" className={tableClasses.right}>
              Share
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const href = r.value === null ? null : hrefFor(r.value);
          const content = r.value === null ? <span className="muted">{NOT_SET_LABEL}</span> : (renderValue?.(r.value) ?? r.value);
          const extra = r.value === null ? null : extraLink?.(r.value);
          return (
            <tr key={r.value ?? '\u0000'}>
              <td>
                {href ? (
                  <Link href={href} scroll={drillDown} title={drillDown ? undefined : `Filter by ${r.value}`} data-testid="breakdown-link">
                    {content}
                  </Link>
                ) : (
                  content
                )}
                {extra && (
                  <>
                    {' '}
                    <Link href={extra.href} aria-label={extra.label} title={extra.label}>
                      ↗
                    </Link>
                  </>
                )}
              </td>
              <td className={tableClasses.right}>{formatInt(r.errors)}</td>
              <td style={{ width: rate ? '14%' : '35%' }} className={shareClass}>
                <ShareBar ratio={ratioOf(r) ?? 0} color={color} />
              </td>
              {rate ? (
                <>
                  <td className={tableClasses.right}>{formatInt(r.requests)}</td>
                  <td className={tableClasses.right}>{r.error_rate == null ? <span className="muted">—</span> : formatPercent(r.error_rate)}</td>
                </>
              ) : (
                <td className={tableClasses.right}>{share(r)}</td>
              )}
            </tr>
          );
        })}
        {other && (
          <tr>
            <td className="muted">Other values</td>
            <td className={tableClasses.right}>{formatInt(other.errors)}</td>
            <td className={shareClass}>
              <ShareBar ratio={ratioOf(other) ?? 0} color="var(--c-other)" />
            </td>
            {rate ? (
              <>
                <td className={tableClasses.right}>{formatInt(other.requests)}</td>
                <td className={tableClasses.right}>{other.error_rate == null ? '—' : formatPercent(other.error_rate)}</td>
              </>
            ) : (
              <td className={tableClasses.right}>{share(other)}</td>
            )}
          </tr>
        )}
      </tbody>
    </DataTable>
  );
}
