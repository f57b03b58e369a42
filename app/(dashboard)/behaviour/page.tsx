import type { Metadata } from 'next';
import Link from 'next/link';
import { connection } from 'next/server';
import { listWorstKeys } from '@/behaviour';
import { getStore } from '@/db';
import { dayRange } from '@/lib/behaviour-rules';
import { requirePageUser } from '@/auth';
import { filtersToQueryString, parseFilters } from '@/lib/filters';
import { verdictLabel, verdictTone } from '@/components/behaviour/format';
import { FilterBar } from '@/components/filters/filter-bar';
import { toUrlSearchParams } from '@/components/filters/url-params';
import { EntityHeader, InvalidFiltersPage } from '@/components/keys/entity-header';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { CsvDownloadButton } from '@/components/ui/csv-download';
import { formatInt } from '@/components/ui/format';
import { DataTable, tableClasses } from '@/components/ui/table';
import styles from '@/components/keys/entity.module.css';

export const metadata: Metadata = { title: 'Client behaviour · errata' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function BehaviourPage({ searchParams }: Props) {
  await requirePageUser('support');
  await connection();
  const params = toUrlSearchParams(await searchParams);
  const now = Date.now();
  let filters;
  try {
    filters = parseFilters(params, { now });
  } catch (err) {
    return <InvalidFiltersPage header={<EntityHeader eyebrow="Client behaviour" title="Keys that behave worst" />} message={(err as Error).message} resetHref="/behaviour" />;
  }
  const { from, to } = dayRange(filters.from, filters.to);
  const keys = await listWorstKeys(getStore(), { from, to, now }, 100);
  const csv = `/api/v1/export/behaviour.csv?view=keys&${filtersToQueryString({ ...filters, from, to }, { absoluteRange: true })}`;
  return (
    <div className={styles.page}>
      <EntityHeader eyebrow="Client behaviour" title="Keys that behave worst">
        <span>Who ignores Retry-After, retries what cannot succeed, or reuses idempotency keys across bodies (whole UTC days).</span>
      </EntityHeader>
      <FilterBar pathname="/behaviour" params={params} />
      <Card id="worst-keys" title="Keys" subtitle={keys.length ? `${keys.length} keys, worst first` : undefined} flush actions={<CsvDownloadButton href={csv} filename="behaviour-keys.csv" />}>
        {keys.length === 0 ? (
          <p className="muted" style={{ padding: '6px 12px 12px', margin: 0 }}>
            No key misbehaved in this range.
          </p>
        ) : (
          <DataTable caption="Keys that behave worst" testId="worst-keys">
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">Verdict</th>
                <th scope="col" className={tableClasses.right}>Asked to wait</th>
                <th scope="col" className={tableClasses.right}>Retried within 1 s</th>
                <th scope="col" className={tableClasses.right}>Early</th>
                <th scope="col" className={tableClasses.right}>Limits followed by a storm</th>
                <th scope="col" className={tableClasses.right}>Futile retries</th>
                <th scope="col" className={tableClasses.right}>Key reused (422)</th>
                <th scope="col" className={tableClasses.right}>In progress (409)</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.key_id}>
                  <td>
                    <Link href={`/keys/${encodeURIComponent(k.key_id)}#client-behaviour`} className="mono">
                      {k.key_id}
                    </Link>
                  </td>
                  <td style={{ display: 'flex', gap: 4, flexWrap: 'wrap' }}>
                    {k.verdicts.map((v) => (
                      <Badge key={v} tone={verdictTone(v)}>
                        {verdictLabel(v)}
                      </Badge>
                    ))}
                  </td>
                  <td className={`num ${tableClasses.right}`}>{formatInt(k.limited)}</td>
                  <td className={`num ${tableClasses.right}`}>{formatInt(k.immediate)}</td>
                  <td className={`num ${tableClasses.right}`}>{formatInt(k.early)}</td>
                  <td className={`num ${tableClasses.right}`}>{formatInt(k.storms)}</td>
                  <td className={`num ${tableClasses.right}`}>{formatInt(k.futile_retries)}</td>
                  <td className={`num ${tableClasses.right}`}>{formatInt(k.idempotency_mismatch)}</td>
                  <td className={`num ${tableClasses.right}`}>{formatInt(k.idempotency_in_progress)}</td>
                </tr>
              ))}
            </tbody>
          </DataTable>
        )}
      </Card>
    </div>
  );
}
