import { getMetaDb, getStore } from '@/db';
import { recordAudit } from '@/db/queries/audit';
import { withApi } from '@/lib/api-error';
import { actorOf, requireAccess } from '@/lib/auth/guard';
import { csvHeaders, csvStream, TIMESERIES_CSV_COLUMNS, timeseriesCsvRows } from '@/lib/csv';
import { filtersToQueryString, parseFilters, parseTimeseriesParams } from '@/lib/filters';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = withApi(async (req, _ctx, requestId) => {
  const who = await requireAccess(req, { scope: 'read', role: 'engineer' });
  const q = new URL(req.url).searchParams;
  const filters = parseFilters(q);
  const params = parseTimeseriesParams(q);
  const series = await getStore().timeseries(filters, params);
  recordAudit(getMetaDb(), { actor: actorOf(who), action: 'export', target: 'timeseries.csv', details: { ...params, filters: filtersToQueryString(filters, { absoluteRange: true }) } });
  const body = csvStream(TIMESERIES_CSV_COLUMNS, [timeseriesCsvRows(series)][Symbol.iterator]());
  return new Response(body, { headers: csvHeaders(`timeseries-${series.interval}`, filters, requestId) });
});
