import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { expectedBand } from '@/alerts/expected-band';
import { getStore } from '@/db';
import type { Breakdown, Timeseries } from '@/lib/api-types';
import { toUrlSearchParams } from '@/components/filters/url-params';
import { LinkButton } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { ErrorState } from '@/components/ui/states';
import { ValidationError } from '@/lib/api-error';
import type { ExpectedBand } from '@/lib/expected-band';
import { getPageUser, hasRole, requirePageUser } from '@/auth';
import { filtersToQueryString, isOpenEnded, parseFilters, previousPeriod, type Filters } from '@/lib/filters';
import { OverviewBreakdown } from './overview-breakdown';
import { OverviewCharts } from './overview-charts';
import { OVERVIEW_BREAKDOWNS, SERIES_LIMIT, parseOverviewBy, parseOverviewInterval, type BreakdownCardSpec, type OverviewBy } from './overview-config';
import { OverviewSummary } from './overview-summary';
import styles from './overview.module.css';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Overview' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

interface ViewProps {
  filters: Filters;
  filterQuery: string;
  csvQuery: string;
  pageQuery: string;
  live: boolean;
  now: number;
}

/** One query's answer or failure, with its time (the page's data-query-ms attributes). */
type Timed<T> = { ok: true; value: T; ms: number } | { ok: false; error: unknown; ms: number };

// One query at a time: each section's time is its own query's, not its siblings' (they would all be in flight at once).
async function timed<T>(query: () => Promise<T>): Promise<Timed<T>> {
  const t0 = performance.now();
  try {
    const value = await query();
    return { ok: true, value, ms: performance.now() - t0 };
  } catch (error) {
    return { ok: false, error, ms: performance.now() - t0 };
  }
}

/** This period's series and, with ?compare=previous, the same length just before it in the same bucket size. */
interface ChartData {
  current: Timeseries;
  /** The interval asked of the API: minute after a short drag-zoom (when the range allows it), else auto. */
  interval: 'auto' | 'minute';
  previous?: { query: string; initial: Timeseries };
  /** The errors series' expected band and incidents; null when it could not be read (the charts still show). */
  band: ExpectedBand | null;
}

/** A section whose query failed says so in its own card; the rest of the overview still renders. */
function SectionFailed({ title, error }: { title: string; error: unknown }) {
  console.error(`errata: overview section "${title}" failed`, error);
  return (
    <Card title={title}>
      <ErrorState title="Could not load this">The query failed on the server. Reload to try again; the other panels are unaffected.</ErrorState>
    </Card>
  );
}

function ChartsSection({ view, by, rangeNoTotals, result }: { view: ViewProps; by: OverviewBy; rangeNoTotals: boolean; result: Timed<ChartData> }) {
  if (!result.ok) {
    const e = result.error;
    if (e instanceof ValidationError) return <ErrorState title="This range cannot be charted">{e.message}</ErrorState>;
    return <SectionFailed title="Error rate and errors over time" error={e} />;
  }
  return (
    <div data-query-ms={result.ms.toFixed(1)} className={styles.section}>
      <OverviewCharts
        filterQuery={view.filterQuery}
        csvQuery={view.csvQuery}
        by={by}
        live={view.live}
        now={view.now}
        initial={result.value.current}
        interval={result.value.interval}
        band={result.value.band}
        rangeNoTotals={rangeNoTotals}
        previous={result.value.previous}
      />
    </div>
  );
}

function BreakdownSection({ view, spec, result }: { view: ViewProps; spec: BreakdownCardSpec; result: Timed<Breakdown> }) {
  if (!result.ok) return <SectionFailed title={spec.title} error={result.error} />;
  return (
    <div data-query-ms={result.ms.toFixed(1)}>
      <OverviewBreakdown
        spec={spec}
        filterQuery={view.filterQuery}
        csvQuery={view.csvQuery}
        pageQuery={view.pageQuery}
        initial={result.value}
        now={view.now}
        live={view.live}
      />
    </div>
  );
}

export default async function OverviewPage({ searchParams }: { searchParams: SearchParams }) {
  // Support staff land here after sign-in; their page is the errors explorer, not a 403.
  const viewer = await getPageUser();
  if (viewer && !hasRole(viewer.role, 'engineer')) redirect('/errors');
  await requirePageUser('engineer');
  const sp = await searchParams;
  const now = Date.now();
  let filters: Filters;
  try {
    filters = parseFilters(sp, { now });
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    return (
      <ErrorState title="This link's filters are not valid">
        <p>{e.message}</p>
        <LinkButton href="/">Reset to the last 24 hours</LinkButton>
      </ErrorState>
    );
  }
  const view: ViewProps = {
    filters,
    // The API sees the range as written (now-24h stays relative, so live refresh moves with time).
    filterQuery: filtersToQueryString(filters),
    // CSV links pin the range this render used: the file matches what is on screen.
    csvQuery: filtersToQueryString(filters, { absoluteRange: true }),
    pageQuery: toUrlSearchParams(sp).toString(),
    live: isOpenEnded(filters),
    now,
  };
  const by = parseOverviewBy(sp.by);
  const t0 = performance.now();
  const summary = await getStore().summary(filters);
  const summaryMs = performance.now() - t0;
  // An empty range stops here: no charts of zeros, no empty tables.
  const empty = (summary.requests.value ?? 0) === 0;
  const store = getStore();
  const compare = sp.compare === 'previous';
  const series = empty
    ? null
    : await timed(async (): Promise<ChartData> => {
        let interval = parseOverviewInterval(sp.interval);
        let current: Timeseries;
        try {
          current = await store.timeseries(filters, { interval, by, limit: SERIES_LIMIT });
        } catch (e) {
          // A minute zoom kept in the URL after the range or filters changed beyond what minutes allow: choose again.
          if (!(e instanceof ValidationError) || interval === 'auto') throw e;
          interval = 'auto';
          current = await store.timeseries(filters, { interval, by, limit: SERIES_LIMIT });
        }
        let band: ExpectedBand | null = null;
        try {
          band = await expectedBand(store, filters, { interval: current.interval, now, series: current });
        } catch (e) {
          console.error('errata: overview expected band failed', e);
        }
        if (!compare) return { current, interval, band };
        // Drawn dashed over this period's charts.
        const prev = previousPeriod(filters, now);
        const initial = await store.timeseries(prev, { interval: current.interval });
        return { current, interval, band, previous: { query: `${filtersToQueryString(prev)}&interval=${current.interval}`, initial } };
      });
  const breakdowns: Timed<Breakdown>[] = [];
  if (!empty) for (const spec of OVERVIEW_BREAKDOWNS) breakdowns.push(await timed(() => store.breakdown(filters, { by: spec.by, limit: spec.limit })));

  return (
    <div className={styles.page}>
      <div data-query-ms={summaryMs.toFixed(1)} className={styles.section}>
        <OverviewSummary pageQuery={view.pageQuery} filterQuery={view.filterQuery} live={view.live} now={now} initial={summary} />
      </div>
      {series && (
        <>
          <ChartsSection view={view} by={by} rangeNoTotals={summary.no_totals} result={series} />
          <div className={styles.breakdowns}>
            {OVERVIEW_BREAKDOWNS.map((spec, i) => (
              <BreakdownSection key={spec.by} view={view} spec={spec} result={breakdowns[i]} />
            ))}
          </div>
        </>
      )}
      <div className={styles.footer}>Times in UTC{view.live ? " · this view follows now and refreshes every 30 s" : ""}</div>
    </div>
  );
}
