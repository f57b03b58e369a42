import type { Metadata } from 'next';
import { connection } from 'next/server';
import { getStore } from '@/db';
import { requirePageUser } from '@/auth';
import { PAGE_QUERY } from '@/lib/param-names';
import { decodeRouteParam } from '@/components/request/route-param';
import { CAPACITY_REASON_INFO, getCatalogEntry, type CapacityReason } from '@/lib/catalog';
import { isOpenEnded } from '@/lib/filters';
import { CatalogEntryCard } from '@/components/codes/catalog-entry-card';
import { FilterBar } from '@/components/filters/filter-bar';
import { toUrlSearchParams, withoutParam } from '@/components/filters/url-params';
import { BreakdownCard } from '@/components/keys/breakdown-card';
import { EntityHeader, InvalidFiltersPage } from '@/components/keys/entity-header';
import { exactQuery, liveQuery, pageFilters } from '@/components/keys/page-filters';
import { RecentFailures } from '@/components/keys/recent-failures';
import { SeriesCard } from '@/components/keys/series-card';
import { SummaryKpis } from '@/components/keys/summary-kpis';
import { Badge } from '@/components/ui/badge';
import styles from '@/components/keys/entity.module.css';

type Props = { params: Promise<{ code: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const code = decodeRouteParam((await params).code);
  return { title: `${code} · errata` };
}

export default async function CodePage({ params, searchParams }: Props) {
  await requirePageUser('engineer');
  await connection();
  const code = decodeRouteParam((await params).code);
  const sp = await searchParams;
  const entry = getCatalogEntry(code);
  const pathname = `/codes/${encodeURIComponent(code)}`;
  const urlParams = withoutParam(toUrlSearchParams(sp), 'code');
  const parsed = pageFilters(urlParams, { code: [code] });
  const isCapacity = code === 'capacity_exceeded';

  const header = (
    <EntityHeader eyebrow="Error code" title={code}>
      {entry ? (
        <span>
          <strong>{entry.family === '5xx' ? '5xx' : entry.status}</strong> {entry.title}
        </span>
      ) : (
        <Badge tone="warn">Not in the error reference</Badge>
      )}
    </EntityHeader>
  );
  if (!parsed.ok) return <InvalidFiltersPage header={header} message={parsed.message} resetHref={pathname} />;

  const store = getStore();
  const now = Date.now();
  const f = parsed.filters;
  const all = { ...f, code: [] };
  const by = isCapacity ? 'reason' : 'status';
  const [summary, series, totals, byKey, byRoute, byTier, byReason, failures] = await Promise.all([
    store.summary(f),
    store.timeseries(f, { interval: 'auto', by, limit: 8 }),
    store.timeseries(all, { interval: 'auto' }),
    store.breakdown(f, { by: 'key', limit: 10 }),
    store.breakdown(f, { by: 'route', limit: 10 }),
    store.breakdown(f, { by: 'tier', limit: 10 }),
    isCapacity ? store.breakdown(f, { by: 'reason', limit: 10 }) : null,
    store.listRequests(f, { limit: 20 }),
  ]);
  const live = isOpenEnded(f);

  return (
    <div className={styles.page}>
      {header}
      <FilterBar pathname={pathname} params={urlParams} allowed={PAGE_QUERY['/codes/[code]']} />
      <SummaryKpis summary={summary} errorsOnly />
      <div className={styles.grid2}>
        <SeriesCard
          id="code-errors-over-time"
          title={isCapacity ? 'Errors by reason over time' : 'Errors by status over time'}
          query={liveQuery(f, { interval: 'auto', by, limit: '8' })}
          initial={series}
          initialAt={now}
          live={live}
          seriesParam={by}
          csvHref={`/api/v1/export/timeseries.csv?${exactQuery(f, { interval: series.interval, by, limit: '8' })}`}
          groupLabels={isCapacity ? Object.fromEntries(Object.entries(CAPACITY_REASON_INFO).map(([k, v]) => [k, v.label])) : undefined}
          share={{ query: liveQuery(all, { interval: 'auto' }), initial: totals, label: 'Share of all requests' }}
        />
        <CatalogEntryCard code={code} entry={entry} />
      </div>
      {byReason ? (
        <BreakdownCard
          id="code-by-reason"
          title="Reasons"
          subtitle="Which capacity limit was hit"
          valueLabel="Reason"
          breakdown={byReason}
          showRate={false}
          csvHref={`/api/v1/export/breakdown.csv?${exactQuery(f, { by: 'reason', limit: '10' })}`}
          hrefFor={(reason) => `${pathname}?${liveQuery({ ...f, code: [], reason: [reason] })}`}
          render={(reason) => (
            <>
              {CAPACITY_REASON_INFO[reason as CapacityReason]?.label ?? reason} <code className="muted">{reason}</code>
            </>
          )}
        />
      ) : null}
      <div className={styles.grid2}>
        <BreakdownCard
          id="code-by-key"
          title="Keys"
          subtitle="Keys that got this code"
          valueLabel="Key"
          breakdown={byKey}
          showRate={false}
          csvHref={`/api/v1/export/breakdown.csv?${exactQuery(f, { by: 'key', limit: '10' })}`}
          hrefFor={(key) => `/keys/${encodeURIComponent(key)}?${liveQuery({ ...f, key: [] })}`}
          render={(key) => <span className="mono">{key}</span>}
        />
        <BreakdownCard
          id="code-by-route"
          title="Endpoints"
          subtitle="Where this code was answered"
          valueLabel="Endpoint"
          breakdown={byRoute}
          showRate={false}
          csvHref={`/api/v1/export/breakdown.csv?${exactQuery(f, { by: 'route', limit: '10' })}`}
          hrefFor={(route) => `/errors?${liveQuery({ ...f, route: [route] })}`}
          render={(route) => <span className="mono">{route}</span>}
        />
      </div>
      <BreakdownCard
        id="code-by-tier"
        title="Tiers"
        subtitle="This code by account tier"
        valueLabel="Tier"
        breakdown={byTier}
        showRate={false}
        csvHref={`/api/v1/export/breakdown.csv?${exactQuery(f, { by: 'tier', limit: '10' })}`}
        hrefFor={(tier) => `${pathname}?${liveQuery({ ...f, code: [], tier: [tier] })}`}
      />
      <RecentFailures
        records={failures.records}
        csvHref={`/api/v1/export/requests.csv?${exactQuery(f)}`}
        moreHref={`/errors?${liveQuery(f)}`}
        show={{ key: true, reason: isCapacity }}
      />
    </div>
  );
}
