'use client';

import { useMemo } from 'react';
import { ErrorRateChart, StackedCountChart } from '@/components/charts/time-chart';
import type { ChartConfig, TimePoint } from '@/components/charts/types';
import { withParam, withRange } from '@/components/filters/url-params';
import { useFilterNavigation } from '@/components/filters/use-filter-navigation';
import { useTimeseries } from '@/components/queries/use-stats';
import { buttonClass } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { CsvDownloadButton } from '@/components/ui/csv-download';
import { EmptyState, NoTotalsNotice } from '@/components/ui/states';
import type { Timeseries } from '@/db/types';
import { FILTER_PARAM, LIVE_REFRESH_MS, OVERVIEW_BY, OVERVIEW_BY_LABELS, SERIES_LIMIT, type OverviewBy } from './overview-config';
import styles from './overview.module.css';

const PALETTE = ['var(--c-1)', 'var(--c-2)', 'var(--c-3)', 'var(--c-4)', 'var(--c-5)', 'var(--c-6)', 'var(--c-7)', 'var(--c-8)'];
const CLASS_COLOR: Record<string, string> = { '2xx': 'var(--c-2xx)', '3xx': 'var(--c-3xx)', '4xx': 'var(--c-4xx)', '5xx': 'var(--c-5xx)' };
/** Dimensions that only classify errors: a group's rate is its share of all requests, so the lines add up. */
const ERROR_ONLY: ReadonlySet<string> = new Set(['status_class', 'code', 'reason']);
const RATE_LINES = 5;

/** ISO without milliseconds: readable in a shared link. */
function isoParam(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function groupLabel(by: OverviewBy, key: string): string {
  if (key === '') return by === 'reason' ? '(no reason)' : '(not set)';
  return key;
}

/** Series query: the filters plus the grouping the chart asks for. */
export function seriesQuery(filterQuery: string, by: OverviewBy): string {
  return `${filterQuery}${filterQuery ? '&' : ''}interval=auto&by=${by}&limit=${SERIES_LIMIT}`;
}

/** Maps the API series into chart rows; keys are s0…sN because group values may hold dots Recharts reads as paths. */
function toChartData(series: Timeseries, by: OverviewBy) {
  const groups = series.groups.filter((g) => g.errors > 0).slice(0, SERIES_LIMIT + 1);
  const countConfig: ChartConfig = {};
  const rateConfig: ChartConfig = { all: { label: 'All errors', color: 'var(--text)', filterValue: null } };
  const keyOf = new Map<string, string>();
  groups.forEach((g, i) => {
    const k = `s${i}`;
    keyOf.set(g.key, k);
    const color = g.key === '(other)' ? 'var(--c-other)' : by === 'status_class' ? (CLASS_COLOR[g.key] ?? PALETTE[i % 8]) : PALETTE[i % 8];
    const filterValue = g.key === '' || g.key === '(other)' ? null : g.key;
    countConfig[k] = { label: groupLabel(by, g.key), color, filterValue };
    if (g.key !== '(other)' && i < RATE_LINES) rateConfig[k] = { label: groupLabel(by, g.key), color, filterValue };
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
      if (!rateConfig[k]) continue;
      if (ERROR_ONLY.has(by)) r[k] = b.no_totals || b.requests === 0 ? null : counts.errors / b.requests;
      else r[k] = counts.requests > 0 && !b.no_totals ? counts.errors / counts.requests : null;
    }
    countData.push(c);
    rateData.push(r);
  }
  return { countConfig, rateConfig, countData, rateData };
}

export function OverviewCharts({
  filterQuery,
  csvQuery,
  by,
  live,
  now,
  initial,
  rangeNoTotals,
}: {
  filterQuery: string;
  csvQuery: string;
  by: OverviewBy;
  live: boolean;
  now: number;
  initial: Timeseries;
  /** The summary already said the whole range lacks totals: no second notice per bucket. */
  rangeNoTotals: boolean;
}) {
  const { navigate } = useFilterNavigation();
  const q = useTimeseries(seriesQuery(filterQuery, by), { initialData: initial, initialDataUpdatedAt: now, refetchInterval: live ? LIVE_REFRESH_MS : false });
  const series = q.data;
  const { countConfig, rateConfig, countData, rateData } = useMemo(() => toChartData(series, by), [series, by]);
  const interval = series.interval_ms;
  const withoutTotals = series.buckets.filter((b) => b.no_totals).length;
  const noRateAtAll = series.buckets.every((b) => b.error_rate == null);

  const onBucketClick = (t: number) => navigate((p) => withRange(p, isoParam(t), isoParam(t + interval)));
  const onRangeSelect = (from: number, to: number) => navigate((p) => withRange(p, isoParam(from), isoParam(to)));
  const onSeriesClick = (cfg: ChartConfig) => (key: string) => {
    const v = cfg[key]?.filterValue;
    const param = FILTER_PARAM[by];
    if (v && param) navigate((p) => withParam(p, param, v));
  };
  const csvHref = `/api/v1/export/timeseries.csv?${csvQuery}${csvQuery ? '&' : ''}interval=${series.interval}&by=${by}&limit=${SERIES_LIMIT}`;

  return (
    <>
      {withoutTotals > 0 && !rangeNoTotals && (
        <NoTotalsNotice>
          {withoutTotals} of {series.buckets.length} {series.interval} buckets have errors but no success records; their error rate is left blank
          rather than drawn as 100 %.
        </NoTotalsNotice>
      )}
      <div className={styles.charts}>
        <Card title="Error rate" subtitle={`per ${series.interval} · click to zoom, drag to select a range`}>
          {noRateAtAll ? (
            <EmptyState title="No error rate to draw">
              Every bucket with errors lacks success records, so the rate is unknown. The errors chart still shows the counts.
            </EmptyState>
          ) : (
          <ErrorRateChart
            data={rateData}
            config={rateConfig}
            intervalMs={interval}
            label={`Error rate per ${series.interval}`}
            onBucketClick={onBucketClick}
            onRangeSelect={onRangeSelect}
            onSeriesClick={onSeriesClick(rateConfig)}
          />
          )}
        </Card>
        <Card
          title="Errors"
          subtitle={`per ${series.interval}, stacked by ${OVERVIEW_BY_LABELS[by].toLowerCase()}`}
          actions={
            <>
              <div role="group" aria-label="Stack errors by" className={styles.bySwitch}>
                {OVERVIEW_BY.map((b) => (
                  <button
                    key={b}
                    type="button"
                    className={buttonClass(b === by ? 'primary' : 'ghost', 'small')}
                    aria-pressed={b === by}
                    onClick={() => navigate((p) => withParam(p, 'by', b))}
                  >
                    {OVERVIEW_BY_LABELS[b]}
                  </button>
                ))}
              </div>
              <CsvDownloadButton href={csvHref} label="CSV" ariaLabel="Download CSV: errors over time" />
            </>
          }
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
    </>
  );
}
