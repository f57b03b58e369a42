import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getDb } from '@/db';
import { getBreakdown, getSummary, getTimeseries } from '@/db/queries/stats';
import { toUrlSearchParams } from '@/components/filters/url-params';
import { ErrorState } from '@/components/ui/states';
import { LinkButton } from '@/components/ui/button';
import { ValidationError } from '@/lib/api-error';
import { getPageUser, hasRole, requirePageUser } from '@/lib/auth';
import { filtersToQueryString, isOpenEnded, parseFilters, type Filters } from '@/lib/filters';
import { OVERVIEW_BREAKDOWNS, SERIES_LIMIT, parseOverviewBy } from './overview-config';
import { OverviewView } from './overview-view';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Overview' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

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
  const by = parseOverviewBy(sp.by);
  const db = getDb();
  const t0 = performance.now();
  const summary = getSummary(db, filters);
  const timeseries = getTimeseries(db, filters, { interval: 'auto', by, limit: SERIES_LIMIT });
  const breakdowns = OVERVIEW_BREAKDOWNS.map((spec) => getBreakdown(db, filters, { by: spec.by, limit: spec.limit }));
  const queryMs = performance.now() - t0;

  // The API sees the range as written (now-24h stays relative, so live refresh moves with time).
  const filterQuery = filtersToQueryString(filters);
  // CSV links pin the range this render used: the file matches what is on screen.
  const csvQuery = filtersToQueryString(filters, { absoluteRange: true });
  return (
    <OverviewView
      pageQuery={toUrlSearchParams(sp).toString()}
      filterQuery={filterQuery}
      csvQuery={csvQuery}
      by={by}
      live={isOpenEnded(filters)}
      now={now}
      queryMs={queryMs}
      summary={summary}
      timeseries={timeseries}
      breakdowns={breakdowns}
    />
  );
}
