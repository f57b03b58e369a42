'use client';

import { useMemo } from 'react';
import { ErrorRateChart, StackedCountChart } from '@/components/charts/time-chart';
import type { ChartConfig, ChartMark, TimePoint } from '@/components/charts/types';
import { withParam, withRange, withoutParam } from '@/components/filters/url-params';
import { formatInt } from '@/components/ui/format';
import { useFilterNavigation } from '@/components/filters/use-filter-navigation';
import { useExpectedBand, useTimeseries } from '@/components/queries/use-stats';
import { buttonClass } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { CsvDownloadButton } from '@/components/ui/csv-download';
import { EmptyState, NoTotalsNotice } from '@/components/ui/states';
import type { Timeseries } from '@/lib/api-types';
import { errorRate } from '@/lib/error-rate';
import type { ExpectedBand } from '@/lib/expected-band';
import { NOT_SET_LABEL, OTHER_GROUP } from '@/lib/groups';
import { FILTER_PARAM, LIVE_REFRESH_MS, OVERVIEW_BY, OVERVIEW_BY_LABELS, SERIES_LIMIT, type OverviewBy } from './overview-config';
import { bandSourceNote, incidentQuery, incidentSentence, isoParam, OverviewIncidents, zoomTo } from './overview-incidents';
import styles from './overview.module.css';

const PALETTE = ['var(--c-1)', 'var(--c-2)', 'var(--c-3)', 'var(--c-4)', 'var(--c-5)', 'var(--c-6)', 'var(--c-7)', 'var(--c-8)'];
const CLASS_COLOR: Record<string, string> = { '2xx': 'var(--c-2xx)', '3xx': 'var(--c-3xx)', '4xx': 'var(--c-4xx)', '5xx': 'var(--c-5xx)' };
const RATE_LINES = 5;

function groupLabel(by: OverviewBy, key: string): string {
  if (key === '') return by === 'reason' ? '(no reason)' : NOT_SET_LABEL;
  return key;
}

/** Series query: the filters plus the grouping the chart asks for. */
export function seriesQuery(filterQuery: string, by: OverviewBy, interval: 'auto' | 'minute' = 'auto'): string {
  return `${filterQuery}${filterQuery ? '&' : ''}interval=${interval}&by=${by}&limit=${SERIES_LIMIT}`;
}

const BAND_LABEL = 'Usual errors';

const PREVIOUS_COLOR = 'var(--text-muted)';

/** Maps the API series into chart rows; keys are s0…sN because group values may hold dots Recharts reads as paths. */
function toChartData(series: Timeseries, by: OverviewBy, previous: Timeseries | null, errorFiltered: boolean, band: ExpectedBand | null) {
  const groups = series.groups.filter((g) => g.errors > 0).slice(0, SERIES_LIMIT + 1);
  const countConfig: ChartConfig = {};
  const rateConfig: ChartConfig = { all: { label: errorFiltered ? 'Matching errors' : 'All errors', color: 'var(--text)', filterValue: null } };
  const keyOf = new Map<string, string>();
  groups.forEach((g, i) => {
    const k = `s${i}`;
    keyOf.set(g.key, k);
    const color = g.key === OTHER_GROUP ? 'var(--c-other)' : by === 'status_class' ? (CLASS_COLOR[g.key] ?? PALETTE[i % 8]) : PALETTE[i % 8];
    const filterValue = g.key === '' || g.key === OTHER_GROUP ? null : g.key;
    countConfig[k] = { label: groupLabel(by, g.key), color, filterValue };
    if (g.key !== OTHER_GROUP && i < RATE_LINES) rateConfig[k] = { label: groupLabel(by, g.key), color, filterValue };
  });
  if (!groups.length) countConfig.errors = { label: 'Errors', color: 'var(--c-5xx)', filterValue: null };
  const countData: TimePoint[] = [];
  const rateData: TimePoint[] = [];
  // The previous period's bucket that started one period-length earlier (both are floored to the same bucket size).
  const len = series.to_ms - series.from_ms;
  const prevAt = new Map((previous?.buckets ?? []).map((b) => [b.ts_ms, b]));
  const iv = series.interval_ms;
  if (previous) {
    rateConfig.prev = { label: 'Previous period', color: PREVIOUS_COLOR, filterValue: null, overlay: true };
    countConfig.prev = { label: 'Previous period (total)', color: PREVIOUS_COLOR, filterValue: null, overlay: true };
  }
  // The band is drawn only when it was computed for these very buckets.
  const bandAt = new Map(band && band.interval_ms === iv ? band.points.map((p) => [p.ts_ms, p]) : []);
  for (const b of series.buckets) {
    const c: TimePoint = { t: b.ts_ms };
    const e = bandAt.get(b.ts_ms);
    if (e && e.upper != null) {
      c.band_lo = e.lower;
      c.band_hi = e.upper;
      c.band_mid = e.expected;
    }
    const r: TimePoint = { t: b.ts_ms, all: b.error_rate };
    if (previous) {
      const p = prevAt.get(Math.floor((b.ts_ms - len) / iv) * iv);
      r.prev = p ? p.error_rate : null;
      c.prev = p ? p.errors : null;
    }
    if (!groups.length) c.errors = b.errors;
    for (const g of groups) {
      const k = keyOf.get(g.key)!;
      const counts = b.groups?.[g.key] ?? { requests: 0, errors: 0 };
      c[k] = counts.errors;
      if (!rateConfig[k]) continue;
      // The API counts by lib/error-rate.ts: an error dimension's group carries the bucket's requests, so its rate is
      // its share of all requests and the lines add up; a tier's group carries the tier's requests.
      r[k] = b.no_totals ? null : errorRate(counts);
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
  interval: requestedInterval,
  band: initialBand,
  rangeNoTotals,
  previous,
}: {
  filterQuery: string;
  csvQuery: string;
  by: OverviewBy;
  live: boolean;
  now: number;
  initial: Timeseries;
  /** The interval the page asked for (minute after a short drag-zoom). */
  interval: 'auto' | 'minute';
  /** The errors series' expected band and incidents (null: not available). */
  band: ExpectedBand | null;
  /** The summary already said the whole range lacks totals: no second notice per bucket. */
  rangeNoTotals: boolean;
  /** With ?compare=previous: the previous period's series (its query refreshes with this one). */
  previous?: { query: string; initial: Timeseries };
}) {
  const { navigate, searchParams } = useFilterNavigation();
  const q = useTimeseries(seriesQuery(filterQuery, by, requestedInterval), { initialData: initial, initialDataUpdatedAt: now, refetchInterval: live ? LIVE_REFRESH_MS : false });
  const series = q.data;
  const prevQ = useTimeseries(previous?.query ?? seriesQuery(filterQuery, by), {
    initialData: previous?.initial ?? initial,
    initialDataUpdatedAt: now,
    refetchInterval: live && previous ? LIVE_REFRESH_MS : false,
  });
  const prevSeries = previous ? prevQ.data : null;
  const bandQ = useExpectedBand(`${filterQuery}${filterQuery ? '&' : ''}interval=${initial.interval}`, {
    initialData: initialBand,
    initialDataUpdatedAt: now,
    refetchInterval: live ? LIVE_REFRESH_MS : false,
  });
  const band = bandQ.data;
  // With a filter on the error (status, code, reason) the line is those failures' share of all requests.
  const errorFiltered = /(^|&)(status|code|reason)=/.test(filterQuery);
  const { countConfig, rateConfig, countData, rateData } = useMemo(
    () => toChartData(series, by, prevSeries, errorFiltered, band),
    [series, by, prevSeries, errorFiltered, band],
  );
  const comparing = !!previous;
  const interval = series.interval_ms;
  const withoutTotals = series.buckets.filter((b) => b.no_totals).length;
  const noRateAtAll = series.buckets.every((b) => b.error_rate == null);

  const onBucketClick = (t: number) => navigate((p) => withRange(p, isoParam(t), isoParam(t + interval)));
  // A drag is a zoom: a short stretch goes straight to minute buckets, and the URL says so.
  const onRangeSelect = (from: number, to: number) => navigate((p) => zoomTo(p, from, to));
  const incidents = band && band.interval_ms === interval ? band.incidents : [];
  const marks: ChartMark[] = incidents.map((inc) => ({
    x1: Math.floor(inc.from_ms / interval) * interval,
    x2: Math.ceil(inc.to_ms / interval) * interval - interval,
    label: inc.code ?? `${formatInt(inc.errors)} errors`,
    title: `${incidentSentence(inc)}. Open the overview of it.`,
    onClick: () => navigate((p) => withoutParam(incidentQuery(p, inc), 'compare')),
  }));
  const bandShown = countData.some((d) => d.band_hi != null);
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
        <Card
          title="Error rate"
          subtitle={`per ${series.interval} · click to zoom, drag to select a range`}
          actions={
            <button
              type="button"
              className={buttonClass(comparing ? 'primary' : 'ghost', 'small')}
              aria-pressed={comparing}
              data-testid="compare-previous"
              onClick={() => navigate((p) => (comparing ? withoutParam(p, 'compare') : withParam(p, 'compare', 'previous')))}
            >
              Compare with previous period
            </button>
          }
        >
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
            band={bandShown ? { label: BAND_LABEL } : undefined}
            marks={marks}
          />
          {band && (
            <p className={styles.bandNote} data-testid="band-note" data-source={band.source}>
              {bandShown && <span className={styles.bandKey} aria-hidden="true" />}
              {bandSourceNote(band.source)}
              {incidents.length > 0 && ` ${incidents.length === 1 ? 'One stretch' : `${incidents.length} stretches`} above it marked; click one for its view.`}
            </p>
          )}
        </Card>
      </div>
      {band && (
        <OverviewIncidents
          incidents={incidents}
          note={bandSourceNote(band.source)}
          pageQuery={searchParams.toString()}
          filterQuery={filterQuery}
        />
      )}
    </>
  );
}
