'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useMemo } from 'react';
import { FilterBar } from '@/components/filters/filter-bar';
import { hrefWith, withParam, withRange } from '@/components/filters/url-params';
import { useSummary } from '@/components/queries/use-stats';
import { LinkButton, buttonClass } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { formatCount, formatDuration, formatInt, formatPercent, formatUtc } from '@/components/ui/format';
import { Kpi, KpiGrid } from '@/components/ui/kpi';
import { AllFailedNotice, EmptyState, NoTotalsNotice } from '@/components/ui/states';
import type { Summary } from '@/lib/api-types';
import { PAGE_QUERY } from '@/lib/param-names';
import { LIVE_REFRESH_MS } from './overview-config';
import styles from './overview.module.css';

/** Title, range, filters, KPIs against the previous period, and the empty / no-totals states. */
export function OverviewSummary({
  pageQuery,
  filterQuery,
  live,
  now,
  initial,
}: {
  pageQuery: string;
  filterQuery: string;
  live: boolean;
  now: number;
  initial: Summary;
}) {
  const router = useRouter();
  const q = useSummary(filterQuery, { initialData: initial, initialDataUpdatedAt: now, refetchInterval: live ? LIVE_REFRESH_MS : false });
  const summary = q.data;
  const page = useMemo(() => new URLSearchParams(pageQuery), [pageQuery]);
  const empty = (summary.requests.value ?? 0) === 0;
  const wasEmpty = (initial.requests.value ?? 0) === 0;
  // A live view that was empty when rendered gets its charts from the server once data arrives.
  useEffect(() => {
    if (wasEmpty && !empty) router.refresh();
  }, [wasEmpty, empty, router]);

  const rangeLabel = `${formatUtc(summary.from_ms, { seconds: false, zone: false })} → ${formatUtc(summary.to_ms, { seconds: false })}`;
  const filtered = /(^|&)(status|code|tier|key|account|route|method|reason)=/.test(pageQuery);
  return (
    <>
      <div className={styles.titleRow}>
        <div>
          <h1>Overview</h1>
          <div className={styles.titleMeta}>
            <span data-testid="range-label">{rangeLabel}</span>
            <span>· {formatDuration(summary.to_ms - summary.from_ms)}</span>
            {live && (
              <span
                className={`${styles.live} ${q.isRefetchError ? styles.liveFailed : ''}`}
                title={q.isRefetchError ? 'The last refresh failed; showing the data from before' : `Refreshes every ${LIVE_REFRESH_MS / 1000} s`}
              >
                <span className={styles.liveDot} aria-hidden="true" />
                {q.isRefetchError ? 'Live refresh failed' : 'Live'}
              </span>
            )}
            <span>· as of {formatUtc(q.dataUpdatedAt || now)}</span>
          </div>
        </div>
        <div className={styles.actions}>
          <LinkButton href={hrefWith('/errors', withParam(page, 'by', []))} variant="primary" size="small" data-testid="view-errors">
            View {formatCount(summary.errors.value ?? 0)} errors →
          </LinkButton>
        </div>
      </div>

      <FilterBar pathname="/" params={page} allowed={PAGE_QUERY['/']} />

      <KpiGrid>
        <Kpi label="Requests" value={formatCount(summary.requests.value)} hint={formatInt(summary.requests.value)} current={summary.requests.value} previous={summary.requests.previous} />
        <Kpi label="Errors" value={formatCount(summary.errors.value)} hint={formatInt(summary.errors.value)} current={summary.errors.value} previous={summary.errors.previous} higherIsBad />
        <Kpi
          label="Error rate"
          value={summary.error_rate.value == null ? (summary.no_totals ? 'unknown' : '—') : formatPercent(summary.error_rate.value)}
          current={summary.error_rate.value}
          previous={summary.error_rate.previous}
          higherIsBad
          deltaFormat="points"
        />
        <Kpi label="5xx" value={formatCount(summary.errors_5xx.value)} hint={formatInt(summary.errors_5xx.value)} current={summary.errors_5xx.value} previous={summary.errors_5xx.previous} higherIsBad />
      </KpiGrid>

      {summary.no_totals && (
        <NoTotalsNotice>
          This range has {formatInt(summary.errors.value)} errors but no success records at all, so the error rate is unknown, not 100 %. Check
          that the gateway ships every request to errata, not only failures.
        </NoTotalsNotice>
      )}
      {summary.all_failed && <AllFailedNotice requests={summary.all_failed.requests} sinceMs={summary.all_failed.since_ms} />}

      {empty && (
        <Card>
          <EmptyState title="No records in this range">
            <p>
              Nothing was ingested between {rangeLabel}
              {filtered ? ' that matches these filters' : ''}.
            </p>
            <div className={styles.emptyLinks}>
              <Link className={buttonClass('default', 'small')} href={hrefWith('/', withRange(page, 'now-7d', null))}>
                Last 7 days
              </Link>
              <Link className={buttonClass('default', 'small')} href={hrefWith('/', withRange(page, 'now-30d', null))}>
                Last 30 days
              </Link>
              {filtered && (
                <Link className={buttonClass('default', 'small')} href={hrefWith('/', withRange(new URLSearchParams(), page.get('from'), page.get('to')))}>
                  Clear filters
                </Link>
              )}
            </div>
          </EmptyState>
        </Card>
      )}
    </>
  );
}
