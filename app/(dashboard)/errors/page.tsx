import type { Metadata } from 'next';
import Link from 'next/link';
import { getStore } from '@/db';
import type { RequestRecord } from '@/lib/api-types';
import { FilterBar } from '@/components/filters/filter-bar';
import { hrefWith, toUrlSearchParams } from '@/components/filters/url-params';
import { CodeBadge, KindBadge, ReasonBadge, StatusBadge } from '@/components/ui/badge';
import { LinkButton, buttonClass } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { CsvDownloadButton } from '@/components/ui/csv-download';
import { formatCount, formatDuration, formatInt, formatLatency, formatRelative, formatUtc } from '@/components/ui/format';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { DataTable } from '@/components/ui/table';
import { ValidationError } from '@/lib/api-error';
import { hasRole, requirePageUser } from '@/auth';
import { PAGE_QUERY } from '@/lib/param-names';
import { filtersToQueryString, parseFilters, parseListParams, type Filters } from '@/lib/filters';
import { ColumnChooser } from './column-chooser';
import { JumpToTime } from './jump-to-time';
import { csvColumnsOf, DEFAULT_PAGE_SIZE, EXPLORER_COLUMNS, PAGE_SIZES, parseColumns, type ExplorerColumn } from './columns';
import styles from './errors.module.css';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Errors' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const RIGHT: ReadonlySet<ExplorerColumn> = new Set(['latency_ms']);
/** Phones show rows as blocks without a header: these values get a small label. */
const LABEL_ON_PHONE: Partial<Record<ExplorerColumn, string>> = { key_id: 'Key', account_id: 'Account', tier: 'Tier', method: 'Method', path: 'Path' };

/** "11-25 09:03:53": the year and zone are in the column header and the title. */
function shortUtc(ms: number): string {
  return formatUtc(ms, { zone: false }).slice(5);
}

/** Without their own columns, method prefixes the endpoint and the capacity reason follows the code. */
interface Merged {
  method: boolean;
  reason: boolean;
}

function Cell({ col, r, now, merged }: { col: ExplorerColumn; r: RequestRecord; now: number; merged: Merged }) {
  switch (col) {
    case 'time':
      return (
        <td>
          <time dateTime={r.ts} title={`${formatUtc(r.ts_ms)} (${formatRelative(r.ts_ms, now)})`} className="num">
            {shortUtc(r.ts_ms)}
          </time>{' '}
          <span className={styles.relative}>{formatRelative(r.ts_ms, now)}</span>
        </td>
      );
    case 'request_id':
      return (
        <td className="mono">
          <Link href={`/requests/${encodeURIComponent(r.request_id)}`} className={styles.rowLink} data-testid="request-link">
            {r.request_id}
          </Link>
        </td>
      );
    case 'status':
      return (
        <td>
          <StatusBadge status={r.status} />
        </td>
      );
    case 'code':
      return (
        <td>
          <CodeBadge code={r.code} />
          {merged.reason && r.reason && (
            <>
              {' '}
              <ReasonBadge reason={r.reason} />
            </>
          )}
        </td>
      );
    case 'kind':
      return (
        <td>
          <KindBadge kind={r.kind} />
        </td>
      );
    case 'reason':
      return (
        <td>
          <ReasonBadge reason={r.reason} />
        </td>
      );
    case 'latency_ms':
      return (
        <td className="num" style={{ textAlign: 'right' }} data-label="Latency">
          {formatLatency(r.latency_ms)}
        </td>
      );
    case 'message':
      return (
        <td className={styles.message} title={r.message ?? undefined}>
          {r.message ?? <span className="muted">—</span>}
        </td>
      );
    case 'route':
      return (
        <td className="mono">
          {merged.method && r.method && <span className={styles.method}>{r.method}</span>}
          {r.route ?? r.path ?? <span className="muted">—</span>}
        </td>
      );
    case 'path':
    case 'key_id':
    case 'account_id':
      return (
        <td className="mono" data-label={LABEL_ON_PHONE[col]}>
          {r[col] ?? <span className="muted">—</span>}
        </td>
      );
    default:
      return <td data-label={LABEL_ON_PHONE[col]}>{r[col] ?? <span className="muted">—</span>}</td>;
  }
}

export default async function ErrorsPage({ searchParams }: { searchParams: SearchParams }) {
  const user = await requirePageUser('support');
  // The export route needs the engineer role today (PRODUCT.md wants reports for support too: see the report).
  const canExport = hasRole(user.role, 'engineer');
  const sp = await searchParams;
  const now = Date.now();
  const page = toUrlSearchParams(sp);
  let filters: Filters;
  let list: { cursor?: string; before?: string; limit: number };
  try {
    filters = parseFilters(sp, { now });
    const lp = parseListParams(sp);
    list = { cursor: lp.cursor, before: lp.before, limit: page.get('limit') ? lp.limit : DEFAULT_PAGE_SIZE };
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    return (
      <ErrorState title="This link's filters are not valid">
        <p>{e.message}</p>
        <LinkButton href="/errors">Reset filters</LinkButton>
      </ErrorState>
    );
  }
  // The explorer lists errors: without a status filter it means every status ≥ 400.
  const errorsOnly = filters.status.length === 0;
  const effective: Filters = errorsOnly
    ? { ...filters, status: [{ kind: 'class', class: 4 }, { kind: 'class', class: 5 }] }
    : filters;
  const columns = parseColumns(sp.cols);
  const merged: Merged = { method: !columns.includes('method'), reason: !columns.includes('reason') };
  const store = getStore();
  const t0 = performance.now();
  const [result, breakdown] = await Promise.all([
    store.listRequests(effective, list),
    store.breakdown(effective, { by: 'status_class', limit: 10 }),
  ]);
  // Records matching every filter (the rows listed), not the requests an error rate is taken over.
  const total = breakdown.total.records;
  const queryMs = performance.now() - t0;

  // A newer page that reached the top is the first page, whatever the link said.
  const pageNo = list.before && !result.prev_cursor ? 1 : Math.max(1, Number(page.get('page')) || 1);
  const firstRow = (pageNo - 1) * list.limit + 1;
  const lastRow = firstRow + result.records.length - 1;
  const nextParams = new URLSearchParams(page);
  nextParams.delete('before');
  if (result.next_cursor) {
    nextParams.set('cursor', result.next_cursor);
    nextParams.set('page', String(pageNo + 1));
  }
  const prevParams = new URLSearchParams(page);
  prevParams.delete('cursor');
  if (result.prev_cursor) {
    prevParams.set('before', result.prev_cursor);
    prevParams.set('page', String(Math.max(1, pageNo - 1)));
  }
  const firstParams = new URLSearchParams(page);
  firstParams.delete('cursor');
  firstParams.delete('before');
  firstParams.delete('page');
  const sizeHref = (n: number) => {
    const q = new URLSearchParams(firstParams);
    if (n === DEFAULT_PAGE_SIZE) q.delete('limit');
    else q.set('limit', String(n));
    return hrefWith('/errors', q);
  };
  // The file has the table's columns in its order; "all fields" is the same rows with every column of the export.
  const csvAllHref = `/api/v1/export/requests.csv?${filtersToQueryString(effective, { absoluteRange: true })}`;
  const csvHref = `${csvAllHref}&cols=${csvColumnsOf(columns)}`;
  const label = (id: ExplorerColumn) => EXPLORER_COLUMNS.find((c) => c.id === id)!.label;

  return (
    <div className={styles.page}>
      <div className={styles.titleRow}>
        <div>
          <h1>Errors</h1>
          <div className={styles.meta}>
            {formatUtc(filters.from, { seconds: false, zone: false })} → {formatUtc(filters.to, { seconds: false })} ·{' '}
            {formatDuration(filters.to - filters.from)} · <span data-testid="total-count">{formatInt(total)}</span>{' '}
            {errorsOnly ? 'errors (status ≥ 400; add a status filter for others)' : 'records'}
            {result.records.length > 0 ? (
              <span data-testid="row-range-top">
                {' '}
                · showing rows {formatInt(firstRow)}–{formatInt(lastRow)}
              </span>
            ) : null}
          </div>
        </div>
        <div className={styles.toolbar}>
          <ColumnChooser columns={columns} />
          {canExport ? (
            <>
              <CsvDownloadButton href={csvHref} label={`Download CSV (${formatCount(total)} rows)`} ariaLabel="Download CSV of every row matching these filters, with the table's columns" />
              <a href={csvAllHref} download className={styles.allFields} data-testid="csv-all-fields">
                all fields
              </a>
            </>
          ) : (
            <span className={buttonClass('default', 'small')} aria-disabled="true" title="CSV export needs the engineer role">
              CSV export: engineers only
            </span>
          )}
        </div>
      </div>

      <FilterBar pathname="/errors" params={page} allowed={PAGE_QUERY['/errors']} />

      <Card flush>
        {result.records.length === 0 ? (
          pageNo > 1 ? (
            <EmptyState title="No more rows">
              <Link href={hrefWith('/errors', firstParams)}>Back to the first page</Link>
            </EmptyState>
          ) : (
            <EmptyState title="No errors in this range">
              Nothing matches these filters between {formatUtc(filters.from, { seconds: false })} and {formatUtc(filters.to, { seconds: false })}.
            </EmptyState>
          )
        ) : (
          <>
            <DataTable caption="Error records, newest first" testId="errors-table" className={styles.stack}>
              <thead>
                <tr>
                  {columns.map((c) => (
                    <th key={c} scope="col" style={RIGHT.has(c) ? { textAlign: 'right' } : undefined}>
                      {label(c)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {result.records.map((r) => (
                  <tr key={`${r.request_id}\u0000${r.code ?? ''}`} className={columns.includes('request_id') ? styles.row : undefined}>
                    {columns.map((c) => (
                      <Cell key={c} col={c} r={r} now={now} merged={merged} />
                    ))}
                  </tr>
                ))}
              </tbody>
            </DataTable>
            <nav className={styles.pager} aria-label="Pages">
              <span data-testid="row-range">
                Rows {formatInt(firstRow)}–{formatInt(lastRow)} of {formatInt(total)}
              </span>
              <span className={styles.pageSize}>
                Per page:
                {PAGE_SIZES.map((n) =>
                  n === list.limit ? (
                    <strong key={n} aria-current="true">
                      {n}
                    </strong>
                  ) : (
                    <Link key={n} href={sizeHref(n)}>
                      {n}
                    </Link>
                  ),
                )}
              </span>
              <JumpToTime fromMs={filters.from} toMs={filters.to} />
              <span className={styles.pagerLinks}>
                <LinkButton href={hrefWith('/errors', firstParams)} size="small" disabled={!result.prev_cursor}>
                  ⟨⟨ Newest
                </LinkButton>
                <LinkButton href={hrefWith('/errors', prevParams)} size="small" disabled={!result.prev_cursor} rel="prev">
                  ⟨ Newer
                </LinkButton>
                <LinkButton href={hrefWith('/errors', nextParams)} size="small" disabled={!result.next_cursor} rel="next">
                  Older ⟩
                </LinkButton>
              </span>
            </nav>
          </>
        )}
      </Card>
      <div className={styles.meta} data-testid="query-time">
        Queried in {queryMs.toFixed(0)} ms · times in UTC
      </div>
    </div>
  );
}
