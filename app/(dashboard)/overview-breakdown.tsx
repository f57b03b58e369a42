'use client';

import { useRouter } from 'next/navigation';
import { useMemo } from 'react';
import { BreakdownBarChart } from '@/components/charts/breakdown-bar-chart';
import { hrefWith, withParam } from '@/components/filters/url-params';
import { useBreakdown } from '@/components/queries/use-stats';
import { CodeBadge, ReasonBadge, StatusBadge } from '@/components/ui/badge';
import { BreakdownTable } from '@/components/ui/breakdown-table';
import { Card } from '@/components/ui/card';
import { CsvDownloadButton } from '@/components/ui/csv-download';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { tableClasses } from '@/components/ui/table';
import type { Breakdown } from '@/lib/api-types';
import { isErrorDimension, shownRows } from '@/lib/error-rate';
import { NOT_SET_LABEL } from '@/lib/groups';
import { FILTER_PARAM, LIVE_REFRESH_MS, type BreakdownCardSpec } from './overview-config';

export function breakdownQuery(filterQuery: string, spec: BreakdownCardSpec): string {
  return `${filterQuery}${filterQuery ? '&' : ''}by=${spec.by}&limit=${spec.limit}`;
}

export function OverviewBreakdown({
  spec,
  filterQuery,
  csvQuery,
  pageQuery,
  initial,
  now,
  live,
}: {
  spec: BreakdownCardSpec;
  filterQuery: string;
  csvQuery: string;
  pageQuery: string;
  initial: Breakdown;
  now: number;
  live: boolean;
}) {
  const router = useRouter();
  const page = useMemo(() => new URLSearchParams(pageQuery), [pageQuery]);
  const q = useBreakdown(breakdownQuery(filterQuery, spec), {
    initialData: initial,
    initialDataUpdatedAt: now,
    refetchInterval: live ? LIVE_REFRESH_MS : false,
  });
  const data = q.data;
  const param = FILTER_PARAM[spec.by]!;
  // Status, code and reason describe errors only: successes (a null code, status 2xx) are not rows there, and
  // reasons exist only on capacity_exceeded, so their share (from the API) is of the errors that carry one.
  const errorsOnly = isErrorDimension(spec.by);
  const rows = shownRows(spec.by, data.rows);
  const totalErrors = data.total.errors;
  const other = spec.by === 'reason' || !data.other ? null : errorsOnly ? (data.other.errors > 0 ? data.other : null) : data.other;
  const hrefFor = (v: string) => hrefWith('/', withParam(page, param, v));
  // The file holds exactly the rows of this card (the same limit, the rest as "(other)").
  const csvHref = `/api/v1/export/breakdown.csv?${breakdownQuery(csvQuery, spec)}`;
  const id = `breakdown-${spec.by}`;

  let body;
  if (!rows.length) {
    body = (
      <EmptyState title={spec.by === 'reason' ? 'No capacity_exceeded errors' : 'No values'}>
        {spec.by === 'reason' ? 'None of the errors in this range carry a capacity reason.' : null}
      </EmptyState>
    );
  } else {
    body = (
      <>
        {spec.by === 'reason' && (
          <div style={{ padding: '0 12px 6px' }}>
            <BreakdownBarChart
              data={rows.map((r) => ({ ...r, label: r.value ?? NOT_SET_LABEL }))}
              label="capacity_exceeded errors by reason"
              color={(d) => (d.value === 'platform_queue' ? 'var(--c-5xx)' : 'var(--c-4xx)')}
              onBarClick={(v) => router.push(hrefFor(v), { scroll: false })}
            />
          </div>
        )}
        <BreakdownTable
          caption={spec.title}
          valueHeader={spec.valueHeader}
          rows={rows}
          other={other}
          mode={errorsOnly ? 'errors' : 'rate'}
          totalErrors={totalErrors}
          hrefFor={hrefFor}
          testId={id}
          renderValue={
            spec.by === 'status'
              ? (v) => <StatusBadge status={Number(v)} />
              : spec.by === 'code'
                ? (v) => <CodeBadge code={v} />
                : spec.by === 'reason'
                  ? (v) => <ReasonBadge reason={v} />
                  : spec.by === 'key' || spec.by === 'route'
                    ? (v) => (
                        <span className={`mono ${tableClasses.truncate}`} title={v}>
                          {v}
                        </span>
                      )
                    : undefined
          }
          extraLink={
            spec.by === 'key'
              ? (v) => ({ href: `/keys/${encodeURIComponent(v)}`, label: `Open key ${v}` })
              : spec.by === 'code'
                ? (v) => ({ href: `/codes/${encodeURIComponent(v)}`, label: `Open code ${v}` })
                : undefined
          }
        />
      </>
    );
  }
  return (
    <Card id={id} title={spec.title} flush actions={<CsvDownloadButton href={csvHref} label="CSV" ariaLabel={`Download CSV: errors ${spec.title.toLowerCase()}`} />}>
      {q.isError && !data ? <ErrorState>{q.error.message}</ErrorState> : body}
    </Card>
  );
}
