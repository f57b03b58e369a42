import type { Metadata } from 'next';
import Link from 'next/link';
import { connection } from 'next/server';
import { getStore } from '@/db';
import { hasRole, requirePageUser } from '@/auth';
import { PAGE_QUERY } from '@/lib/param-names';
import { KeySummaryView } from '@/components/keys/key-summary';
import { getKeyBehaviour } from '@/behaviour';
import { decodeRouteParam } from '@/components/request/route-param';
import { isOpenEnded } from '@/lib/filters';
import { ClientBehaviour } from '@/components/behaviour/client-behaviour';
import { FilterBar } from '@/components/filters/filter-bar';
import { toUrlSearchParams, withoutParam } from '@/components/filters/url-params';
import { BreakdownCard } from '@/components/keys/breakdown-card';
import { EntityHeader, InvalidFiltersPage } from '@/components/keys/entity-header';
import { exactQuery, failuresOf, liveQuery, pageFilters } from '@/components/keys/page-filters';
import { RecentFailures } from '@/components/keys/recent-failures';
import { SeriesCard } from '@/components/keys/series-card';
import { SummaryKpis } from '@/components/keys/summary-kpis';
import { CodeBadge } from '@/components/ui/badge';
import { Notice } from '@/components/ui/states';
import styles from '@/components/keys/entity.module.css';

type Props = { params: Promise<{ key_id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const key_id = decodeRouteParam((await params).key_id);
  return { title: `Key ${key_id} · errata` };
}

export default async function KeyPage({ params, searchParams }: Props) {
  const user = await requirePageUser('support');
  await connection();
  const key_id = decodeRouteParam((await params).key_id);
  const sp = await searchParams;
  const pathname = `/keys/${encodeURIComponent(key_id)}`;
  const urlParams = withoutParam(toUrlSearchParams(sp), 'key');
  const parsed = pageFilters(urlParams, { key: [key_id] });

  if (!parsed.ok) {
    return <InvalidFiltersPage header={<EntityHeader eyebrow="API key" title={key_id} />} message={parsed.message} resetHref={pathname} />;
  }

  const store = getStore();
  const now = Date.now();
  const f = parsed.filters;
  if (!hasRole(user.role, 'engineer')) {
    // Support staff: what they may see of the key (no breakdowns or exports), instead of a 403 dead end.
    const summary = await store.keySummary({ key_id, from_ms: f.from, to_ms: f.to });
    const latest = summary.recent_failures[0];
    const insight = latest ? await store.keyInsight({ key_id, code: latest.code, reason: latest.reason, ts_ms: latest.ts_ms }, now) : null;
    return <KeySummaryView summary={summary} insight={insight} now={now} />;
  }
  const [summary, series, byCode, byRoute, byAccount, byTier, failures, behaviour] = await Promise.all([
    store.summary(f),
    store.timeseries(f, { interval: 'auto', by: 'code', limit: 8 }),
    store.breakdown(f, { by: 'code', limit: 20 }),
    store.breakdown(f, { by: 'route', limit: 10 }),
    store.breakdown(f, { by: 'account', limit: 3 }),
    store.breakdown(f, { by: 'tier', limit: 3 }),
    store.listRequests(failuresOf(f), { limit: 20 }),
    getKeyBehaviour(store, key_id, { from: f.from, to: f.to, now }),
  ]);
  const live = isOpenEnded(f);
  const explorer = `/errors?${liveQuery(f)}`;

  const accounts = byAccount.rows.map((r) => r.value).filter((v): v is string => !!v);
  const tiers = byTier.rows.map((r) => r.value).filter((v): v is string => !!v);

  return (
    <div className={styles.page}>
      <EntityHeader eyebrow="API key" title={key_id}>
        <span>
          Account <strong className="mono">{accounts.length ? accounts.join(', ') : '—'}</strong>
        </span>
        <span>
          Tier <strong>{tiers.length ? tiers.join(', ') : '—'}</strong>
        </span>
        <Link href={explorer}>This key in the errors explorer →</Link>
      </EntityHeader>
      <FilterBar pathname={pathname} params={urlParams} allowed={PAGE_QUERY['/keys/[key_id]']} />
      {summary.requests.value === 0 ? (
        <Notice>
          No requests from this key in this range. Widen the range, or check the key id ({key_id}); key ids are case-sensitive.
        </Notice>
      ) : null}
      <SummaryKpis summary={summary} />
      <SeriesCard
        id="key-errors-over-time"
        title="Errors by code over time"
        query={liveQuery(f, { interval: 'auto', by: 'code', limit: '8' })}
        initial={series}
        initialAt={now}
        live={live}
        seriesParam="code"
        csvHref={`/api/v1/export/timeseries.csv?${exactQuery(f, { interval: series.interval, by: 'code', limit: '8' })}`}
        showRate
      />
      <div className={styles.grid2}>
        <BreakdownCard
          id="key-by-code"
          title="Codes"
          subtitle="Errors of this key by code"
          valueLabel="Code"
          breakdown={byCode}
          showRate={false}
          csvHref={`/api/v1/export/breakdown.csv?${exactQuery(f, { by: 'code', limit: '20' })}`}
          hrefFor={(code) => `/errors?${liveQuery({ ...f, code: [code] })}`}
          render={(code) => <CodeBadge code={code} />}
        />
        <BreakdownCard
          id="key-by-route"
          title="Endpoints"
          subtitle="Requests and errors of this key by endpoint"
          valueLabel="Endpoint"
          breakdown={byRoute}
          csvHref={`/api/v1/export/breakdown.csv?${exactQuery(f, { by: 'route', limit: '10' })}`}
          hrefFor={(route) => `/errors?${liveQuery({ ...f, route: [route] })}`}
          render={(route) => <span className="mono">{route}</span>}
        />
      </div>
      <ClientBehaviour
        data={behaviour}
        csvHref={`/api/v1/export/behaviour.csv?view=retries&key=${encodeURIComponent(key_id)}&from=${behaviour.from_ms}&to=${behaviour.to_ms}`}
      />
      <RecentFailures
        records={failures.records}
        csvHref={`/api/v1/export/requests.csv?${exactQuery(failuresOf(f))}`}
        moreHref={`/errors?${liveQuery(failuresOf(f))}`}
        show={{ code: true }}
      />
    </div>
  );
}
