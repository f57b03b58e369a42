import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getDb } from '@/db';
import { getBreakdown, getSummary, getTimeseries } from '@/db/queries/stats';
import { toUrlSearchParams } from '@/components/filters/url-params';
import { LinkButton } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { ErrorState } from '@/components/ui/states';
import { ValidationError } from '@/lib/api-error';
import { getPageUser, hasRole, requirePageUser } from '@/lib/auth';
import { filtersToQueryString, isOpenEnded, parseFilters, previousPeriod, type Filters } from '@/lib/filters';
import { OverviewBreakdown } from './overview-breakdown';
import { OverviewCharts } from './overview-charts';
import { OVERVIEW_BREAKDOWNS, SERIES_LIMIT, parseOverviewBy, type BreakdownCardSpec, type OverviewBy } from './overview-config';
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

/** A section whose query failed says so in its own card; the rest of the overview still renders. */
function SectionFailed({ title, error }: { title: string; error: unknown }) {
  console.error(`errata: overview section "${title}" failed`, error);
  return (
    <Card title={title}>
      <ErrorState title="Could not load this">The query failed on the server. Reload to try again; the other panels are unaffected.</ErrorState>
    </Card>
  );
}

function ChartsSection({ view, by, rangeNoTotals, compare }: { view: ViewProps; by: OverviewBy; rangeNoTotals: boolean; compare: boolean }) {
  const t0 = performance.now();
  let timeseries;
  let previous;
  try {
    timeseries = getTimeseries(getDb(), view.filters, { interval: 'auto', by, limit: SERIES_LIMIT });
    if (compare) {
      // The same length just before, in the same bucket size: drawn dashed over this period's charts.
      const prev = previousPeriod(view.filters, view.now);
      const query = `${filtersToQueryString(prev)}&interval=${timeseries.interval}`;
      previous = { query, initial: getTimeseries(getDb(), prev, { interval: timeseries.interval }) };
    }
  } catch (e) {
    if (e instanceof ValidationError) return <ErrorState title="This range cannot be charted">{e.message}</ErrorState>;
    return <SectionFailed title="Error rate and errors over time" error={e} />;
  }
  return (
    <div data-query-ms={(performance.now() - t0).toFixed(1)} className={styles.section}>
      <OverviewCharts
        filterQuery={view.filterQuery}
        csvQuery={view.csvQuery}
        by={by}
        live={view.live}
        now={view.now}
        initial={timeseries}
        rangeNoTotals={rangeNoTotals}
        previous={previous}
      />
    </div>
  );
}

function BreakdownSection({ view, spec }: { view: ViewProps; spec: BreakdownCardSpec }) {
  const t0 = performance.now();
  let breakdown;
  try {
    breakdown = getBreakdown(getDb(), view.filters, { by: spec.by, limit: spec.limit });
  } catch (e) {
    return <SectionFailed title={spec.title} error={e} />;
  }
  return (
    <div data-query-ms={(performance.now() - t0).toFixed(1)}>
      <OverviewBreakdown
        spec={spec}
        filterQuery={view.filterQuery}
        csvQuery={view.csvQuery}
        pageQuery={view.pageQuery}
        initial={breakdown}
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
  const summary = getSummary(getDb(), filters);
  const summaryMs = performance.now() - t0;
  // An empty range stops here: no charts of zeros, no empty tables.
  const empty = (summary.requests.value ?? 0) === 0;

  return (
    <div className={styles.page}>
      <div data-query-ms={summaryMs.toFixed(1)} className={styles.section}>
        <OverviewSummary pageQuery={view.pageQuery} filterQuery={view.filterQuery} live={view.live} now={now} initial={summary} />
      </div>
      {!empty && (
        <>
          <ChartsSection view={view} by={by} rangeNoTotals={summary.no_totals} compare={sp.compare === 'previous'} />
          <div className={styles.breakdowns}>
            {OVERVIEW_BREAKDOWNS.map((spec) => (
              <BreakdownSection key={spec.by} view={view} spec={spec} />
            ))}
          </div>
        </>
      )}
      <div className={styles.footer}>Times in UTC{view.live ? " · this view follows now and refreshes every 30 s" : ""}</div>
    </div>
  );
}
