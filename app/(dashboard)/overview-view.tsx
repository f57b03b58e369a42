'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useMemo } from 'react';
import { ErrorRateChart, StackedCountChart } from '@/components/charts/time-chart';
import { BreakdownBarChart } from '@/components/charts/breakdown-bar-chart';
import type { ChartConfig, TimePoint } from '@/components/charts/types';
import { FilterBar } from '@/components/filters/filter-bar';
import { hrefWith, withParam, withRange } from '@/components/filters/url-params';
import { useFilterNavigation } from '@/components/filters/use-filter-navigation';
import { useBreakdown, useSummary, useTimeseries } from '@/components/queries/use-stats';
import { CodeBadge, ReasonBadge, StatusBadge } from '@/components/ui/badge';
import { BreakdownTable } from '@/components/ui/breakdown-table';
import { LinkButton, buttonClass } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { CsvDownloadButton } from '@/components/ui/csv-download';
import { tableClasses } from '@/components/ui/table';
import { formatCount, formatDuration, formatInt, formatPercent, formatUtc } from '@/components/ui/format';
import { Kpi, KpiGrid } from '@/components/ui/kpi';
import { EmptyState, ErrorState, NoTotalsNotice } from '@/components/ui/states';
import type { Breakdown, Summary, Timeseries } from '@/db/queries/stats';
import {
  FILTER_PARAM,
  LIVE_REFRESH_MS,
  OVERVIEW_BREAKDOWNS,
  OVERVIEW_BY,
  OVERVIEW_BY_LABELS,
  SERIES_LIMIT,
  type BreakdownCardSpec,
  type OverviewBy,
} from './overview-config';
import styles from './overview.module.css';

const PALETTE = ['var(--c-1)', 'var(--c-2)', 'var(--c-3)', 'var(--c-4)', 'var(--c-5)', 'var(--c-6)', 'var(--c-7)', 'var(--c-8)'];
const CLASS_COLOR: Record<string, string> = { '2xx': 'var(--c-2xx)', '3xx': 'var(--c-3xx)', '4xx': 'var(--c-4xx)', '5xx': 'var(--c-5xx)' };
/** Dimensions that only classify errors: a group's rate is its share of all requests, so the lines add up. */
const ERROR_ONLY: ReadonlySet<string> = new Set(['status_class', 'code', 'reason']);
const ERRORS_ONLY_BREAKDOWNS: ReadonlySet<string> = new Set(['status', 'code', 'reason']);

/** ISO without milliseconds: readable in a shared link. */
export function isoParam(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

interface Props {
  pageQuery: string;
  filterQuery: string;
  csvQuery: string;
  by: OverviewBy;
  live: boolean;
  now: number;
  queryMs: number;
  summary: Summary;
  timeseries: Timeseries;
  breakdowns: Breakdown[];
}

function groupLabel(by: OverviewBy, key: string): string {
  if (key === '') return by === 'reason' ? '(no reason)' : '(not set)';
  return key;
}

export function OverviewView(props: Props) {
  const { pageQuery, filterQuery, csvQuery, by, live, now } = props;
  const { navigate, pending } = useFilterNavigation();
  const refetchInterval = live ? LIVE_REFRESH_MS : false;
  const liveOpts = { initialDataUpdatedAt: now, refetchInterval } as const;
  const seriesQuery = `${filterQuery}${filterQuery ? '&' : ''}interval=auto&by=${by}&limit=${SERIES_LIMIT}`;
  const summaryQ = useSummary(filterQuery, { ...liveOpts, initialData: props.summary });
  const seriesQ = useTimeseries(seriesQuery, { ...liveOpts, initialData: props.timeseries });
  const summary = summaryQ.data;
  const series = seriesQ.data;
  const page = useMemo(() => new URLSearchParams(pageQuery), [pageQuery]);

  const errorsHref = hrefWith('/errors', withParam(page, 'by', []));
  const rangeLabel = `${formatUtc(summary.from_ms, { seconds: false, zone: false })} → ${formatUtc(summary.to_ms, { seconds: false })}`;
  const liveFailed = live && (summaryQ.isRefetchError || seriesQ.isRefetchError);
  const empty = (summary.requests.value ?? 0) === 0;

  // Chart series: stable keys s0…sN (group values may contain dots or slashes, which Recharts reads as paths).
  const { countConfig, rateConfig, countData, rateData } = useMemo(() => {
    const groups = series.groups.filter((g) => g.errors > 0).slice(0, SERIES_LIMIT + 1);
    const countConfig: ChartConfig = {};
    const rateConfig: ChartConfig = { all: { label: 'All errors', color: 'var(--text)', filterValue: null } };
    const keyOf = new Map<string, string>();
    groups.forEach((g, i) => {
      const k = `s${i}`;
      keyOf.set(g.key, k);
      const color =
        g.key === '(other)' ? 'var(--c-other)' : by === 'status_class' ? (CLASS_COLOR[g.key] ?? PALETTE[i % 8]) : PALETTE[i % 8];
      const filterValue = g.key === '' || g.key === '(other)' ? null : g.key;
      countConfig[k] = { label: groupLabel(by, g.key), color, filterValue };
      if (g.key !== '(other)' && i < 5) rateConfig[k] = { label: groupLabel(by, g.key), color, filterValue };
    });
    if (!groups.length) countConfig.errors = { label: 'Errors', color: 'var(--c-5xx)', filterValue: null };
    const countData: TimePoint[] = [];
    const rateData: TimePoint[] = [];
    for (const b of series.buckets) {
      const c: TimePoint = { t: b.ts_ms };
      const r: TimePoint = { t: b.ts_ms, all: b.error_rate };
      if (!groups.length) c.errors = b.errors;
      for (const g of groups) {
        const k = keyOf.get(g.key)!;
        const counts = b.groups?.[g.key] ?? { requests: 0, errors: 0 };
        c[k] = counts.errors;
        if (rateConfig[k]) {
          if (ERROR_ONLY.has(by)) r[k] = b.no_totals || b.requests === 0 ? null : counts.errors / b.requests;
          else r[k] = counts.requests > 0 && !(counts.errors === counts.requests && b.no_totals) ? counts.errors / counts.requests : null;
        }
      }
      countData.push(c);
      rateData.push(r);
    }
    return { countConfig, rateConfig, countData, rateData };
  }, [series, by]);

  const interval = series.interval_ms;
  const bucketsWithoutTotals = series.buckets.filter((b) => b.no_totals).length;
  const onBucketClick = (t: number) => navigate((q) => withRange(q, isoParam(t), isoParam(t + interval)));
  const onRangeSelect = (from: number, to: number) => navigate((q) => withRange(q, isoParam(from), isoParam(to)));
  const onSeriesClick = (cfg: ChartConfig) => (key: string) => {
    const v = cfg[key]?.filterValue;
    const param = FILTER_PARAM[by];
    if (v && param) navigate((q) => withParam(q, param, v));
  };

  return (
    <div className={`${styles.page} ${pending ? styles.pending : ''}`} aria-busy={pending}>
      <div className={styles.titleRow}>
        <div>
          <h1>Overview</h1>
          <div className={styles.titleMeta}>
            <span data-testid="range-label">{rangeLabel}</span>
            <span>· {formatDuration(summary.to_ms - summary.from_ms)}</span>
            {live && (
              <span
                className={`${styles.live} ${liveFailed ? styles.liveFailed : ''}`}
                title={liveFailed ? 'The last refresh failed; showing the data from before' : `Refreshes every ${LIVE_REFRESH_MS / 1000} s`}
              >
                <span className={styles.liveDot} aria-hidden="true" />
                {liveFailed ? 'Live refresh failed' : 'Live'}
              </span>
            )}
          </div>
        </div>
        <div className={styles.actions}>
          <LinkButton href={errorsHref} variant="primary" size="small" data-testid="view-errors">
            View {formatCount(summary.errors.value ?? 0)} errors →
          </LinkButton>
        </div>
      </div>

      <FilterBar pathname="/" params={page} />

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

      {summary.no_totals ? (
        <NoTotalsNotice>
          This range has {formatInt(summary.errors.value)} errors but no success records, so the error rate is unknown, not 100 %. Check that the
          gateway ships every request to errata, not only failures.
        </NoTotalsNotice>
      ) : (
        bucketsWithoutTotals > 0 && (
          <NoTotalsNotice>
            {bucketsWithoutTotals} of {series.buckets.length} {series.interval} buckets have errors but no success records; their error rate is
            left blank.
          </NoTotalsNotice>
        )
      )}

      {empty ? (
        <Card>
          <EmptyState title="No records in this range">
            <p>
              Nothing was ingested between {rangeLabel}
              {page.toString().match(/(status|code|tier|key|account|route|method|reason)=/) ? ' that matches these filters' : ''}.
            </p>
            <div className={styles.emptyLinks}>
              <Link className={buttonClass('default', 'small')} href={hrefWith('/', withRange(page, 'now-7d', null))}>
                Last 7 days
              </Link>
              <Link className={buttonClass('default', 'small')} href={hrefWith('/', withRange(page, 'now-30d', null))}>
                Last 30 days
              </Link>
              <Link className={buttonClass('default', 'small')} href="/ingest">
                Ingest health
              </Link>
            </div>
          </EmptyState>
        </Card>
      ) : (
        <>
          <div className={styles.charts}>
            <Card
              title="Error rate"
              subtitle={`per ${series.interval} · click a point to zoom, drag to select`}
              actions={seriesQ.isError && !seriesQ.data ? null : undefined}
            >
              <ErrorRateChart
                data={rateData}
                config={rateConfig}
                intervalMs={interval}
                label={`Error rate per ${series.interval}`}
                onBucketClick={onBucketClick}
                onRangeSelect={onRangeSelect}
                onSeriesClick={onSeriesClick(rateConfig)}
              />
            </Card>
            <Card
              title="Errors"
              subtitle={`per ${series.interval}, stacked by ${OVERVIEW_BY_LABELS[by].toLowerCase()}`}
              actions={<BySwitch by={by} onChange={(v) => navigate((q) => withParam(q, 'by', v))} />}
            >
              <StackedCountChart
                data={countData}
                config={countConfig}
                intervalMs={interval}
                label={`Errors per ${series.interval} by ${OVERVIEW_BY_LABELS[by]}`}
                onBucketClick={onBucketClick}
                onRangeSelect={onRangeSelect}
                onSeriesClick={onSeriesClick(countConfig)}
              />
            </Card>
          </div>

          <div className={styles.breakdowns}>
            {OVERVIEW_BREAKDOWNS.map((spec, i) => (
              <BreakdownCard
                key={spec.by}
                spec={spec}
                filterQuery={filterQuery}
                csvQuery={csvQuery}
                page={page}
                initial={props.breakdowns[i]}
                now={now}
                refetchInterval={refetchInterval}
              />
            ))}
          </div>
        </>
      )}

      <div className={styles.footer} data-testid="query-time" data-query-ms={props.queryMs.toFixed(1)}>
        Queried in {props.queryMs.toFixed(0)} ms · data as of {formatUtc(summaryQ.dataUpdatedAt || now)} · times in UTC
      </div>
    </div>
  );
}

function BySwitch({ by, onChange }: { by: OverviewBy; onChange: (v: OverviewBy) => void }) {
  return (
    <div role="group" aria-label="Stack errors by" style={{ display: 'inline-flex', gap: 2 }}>
      {OVERVIEW_BY.map((b) => (
        <button
          key={b}
          type="button"
          className={buttonClass(b === by ? 'primary' : 'ghost', 'small')}
          aria-pressed={b === by}
          onClick={() => onChange(b)}
        >
          {OVERVIEW_BY_LABELS[b]}
        </button>
      ))}
    </div>
  );
}

function BreakdownCard({
  spec,
  filterQuery,
  csvQuery,
  page,
  initial,
  now,
  refetchInterval,
}: {
  spec: BreakdownCardSpec;
  filterQuery: string;
  csvQuery: string;
  page: URLSearchParams;
  initial: Breakdown;
  now: number;
  refetchInterval: number | false;
}) {
  const router = useRouter();
  const q = useBreakdown(`${filterQuery}${filterQuery ? '&' : ''}by=${spec.by}&limit=${spec.limit}`, {
    initialData: initial,
    initialDataUpdatedAt: now,
    refetchInterval,
  });
  const data = q.data;
  const param = FILTER_PARAM[spec.by]!;
  // Status, code and reason describe errors only: successes (a null code, status 2xx) are not rows there, and
  // reasons exist only on capacity_exceeded, so their share is of the errors that carry one.
  const errorsOnly = ERRORS_ONLY_BREAKDOWNS.has(spec.by);
  const rows = errorsOnly ? data.rows.filter((r) => r.value !== null && r.errors > 0) : data.rows;
  const totalErrors = spec.by === 'reason' ? rows.reduce((a, r) => a + r.errors, 0) : data.total.errors;
  const other = spec.by === 'reason' || !data.other ? null : errorsOnly ? (data.other.errors > 0 ? data.other : null) : data.other;
  const hrefFor = (v: string) => hrefWith('/', withParam(page, param, v));
  const csvHref = `/api/v1/export/breakdown.csv?${csvQuery}${csvQuery ? '&' : ''}by=${spec.by}`;
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
              data={rows.map((r) => ({ ...r, label: r.value ?? '(not set)' }))}
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
