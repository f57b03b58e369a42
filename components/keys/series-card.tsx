'use client';

import type { Timeseries } from '@/lib/api-types';
import { ErrorRateChart, StackedCountChart } from '@/components/charts/time-chart';
import type { ChartConfig, TimePoint } from '@/components/charts/types';
import { useFilterNavigation } from '@/components/filters/use-filter-navigation';
import { withParam, withRange } from '@/components/filters/url-params';
import { useTimeseries } from '@/components/queries/use-stats';
import { Card } from '@/components/ui/card';
import { CsvDownloadButton } from '@/components/ui/csv-download';
import { formatDuration, formatPercent, formatUtc } from '@/components/ui/format';
import { ErrorState, NoTotalsNotice } from '@/components/ui/states';
import { NOT_SET_LABEL, OTHER_GROUP } from '@/lib/groups';

const PALETTE = ['var(--c-1)', 'var(--c-2)', 'var(--c-3)', 'var(--c-4)', 'var(--c-5)', 'var(--c-6)', 'var(--c-7)', 'var(--c-8)'];
const LIVE_MS = 30_000;

export interface SeriesCardProps {
  id: string;
  title: string;
  /** The filters' query string plus interval/by, as the API takes it. */
  query: string;
  initial: Timeseries;
  initialAt: number;
  live: boolean;
  /** Which URL parameter a legend click sets (the `by` dimension's filter), if any. */
  seriesParam?: string;
  /** Label for a group value ('' = not set). */
  emptyLabel?: string;
  /** Also draw the error rate of the same buckets. */
  showRate?: boolean;
  /** "Download CSV" of exactly these buckets (timeseries export with the resolved range). */
  csvHref?: string;
  /** Legend labels for group values (e.g. capacity reasons in words). */
  groupLabels?: Record<string, string>;
  /** Totals from a wider query: draws this series' errors as a share of all requests. */
  share?: { query: string; initial: Timeseries; label: string };
}

function colorFor(key: string, i: number): string {
  if (/^5\d\d$|^5xx$/.test(key)) return 'var(--c-5xx)';
  if (/^4\d\d$|^4xx$/.test(key)) return i % 2 ? 'var(--c-4xx)' : 'var(--c-2)';
  if (key === OTHER_GROUP) return 'var(--c-other)';
  return PALETTE[i % PALETTE.length];
}

/** Errors over time split by one dimension, refreshed live for open-ended ranges; clicks zoom or filter via the URL. */
export function SeriesCard({ id, title, query, initial, initialAt, live, seriesParam, emptyLabel = NOT_SET_LABEL, csvHref, groupLabels, showRate, share }: SeriesCardProps) {
  const opts = { initialData: initial, initialDataUpdatedAt: initialAt, refetchInterval: live ? LIVE_MS : (false as const) };
  const { data, error } = useTimeseries(query, opts);
  const totals = useTimeseries(share?.query ?? query, share ? { ...opts, initialData: share.initial } : opts);
  const { navigate } = useFilterNavigation();
  const ts = data ?? initial;

  const groups = ts.groups.filter((g) => g.errors > 0);
  const config: ChartConfig = {};
  groups.forEach((g, i) => {
    config[`g${i}`] = { label: g.key === '' ? emptyLabel : (groupLabels?.[g.key] ?? g.key), color: colorFor(g.key, i), filterValue: g.key === '' || g.key === OTHER_GROUP ? null : g.key };
  });
  const points: TimePoint[] = ts.buckets.map((b) => {
    const p: TimePoint = { t: b.ts_ms };
    groups.forEach((g, i) => (p[`g${i}`] = b.groups?.[g.key]?.errors ?? 0));
    return p;
  });
  const total = groups.reduce((n, g) => n + g.errors, 0);

  const zoom = (from: number, to: number) => navigate((q) => withRange(q, new Date(from).toISOString(), new Date(to).toISOString()));
  const handlers = {
    onBucketClick: (t: number) => zoom(t, t + ts.interval_ms),
    onRangeSelect: zoom,
    onSeriesClick: seriesParam ? (key: string) => {
      const v = config[key]?.filterValue;
      if (v) navigate((q) => withParam(q, seriesParam, v));
    } : undefined,
  };

  const totalsTs = share ? (totals.data ?? share.initial) : null;
  const ratePoints: TimePoint[] = totalsTs
    ? ts.buckets.map((b, i) => {
        const all = totalsTs.buckets[i];
        return { t: b.ts_ms, rate: all && all.requests > 0 && !all.no_totals ? b.errors / all.requests : null };
      })
    : ts.buckets.map((b) => ({ t: b.ts_ms, rate: b.error_rate }));
  const noTotals = (totalsTs ?? ts).buckets.some((b) => b.no_totals);
  const known = ratePoints.filter((p) => p.rate !== null);
  const rateLabel = share ? share.label : 'Error rate';

  return (
    <Card
      id={id}
      title={title}
      actions={csvHref ? <CsvDownloadButton href={csvHref} /> : undefined}
      subtitle={`${formatDuration(ts.interval_ms)} buckets · ${total.toLocaleString('en-US')} errors${live ? ' · live' : ''}`}>
      {error ? <ErrorState title="Could not refresh">{error.message}</ErrorState> : null}
      {total === 0 ? (
        <p className="muted">No errors in this range.</p>
      ) : (
        <StackedCountChart data={points} config={config} intervalMs={ts.interval_ms} label={`${title}, stacked bar chart`} height={200} {...handlers} />
      )}
      {showRate || share ? (
        <>
          <h3 style={{ margin: '12px 0 4px' }}>{rateLabel}</h3>
          {known.length === 0 ? (
            <p className="muted">
              {noTotals
                ? 'Unknown: this range has errors but no success records, so there is no rate to draw.'
                : 'No requests in this range.'}
            </p>
          ) : known.length === 1 ? (
            <p>
              {formatPercent(known[0].rate)} <span className="muted">in the only bucket with requests ({formatUtc(known[0].t, { seconds: false })}).</span>
            </p>
          ) : (
            <>
              {noTotals ? <NoTotalsNotice /> : null}
              <ErrorRateChart
                data={ratePoints}
                config={{ rate: { label: rateLabel, color: 'var(--c-5xx)' } }}
                intervalMs={ts.interval_ms}
                label={`${rateLabel} over time, line chart`}
                height={150}
                onBucketClick={handlers.onBucketClick}
                onRangeSelect={handlers.onRangeSelect}
              />
            </>
          )}
        </>
      ) : null}
    </Card>
  );
}
