import { getMetaDb, getStore } from '@/db';
import { recordAudit } from '@/db/queries/audit';
import { withApi } from '@/lib/api-error';
import { actorOf, requireAccess } from '@/auth/guard';
import { csvHeaders, csvStream, timeseriesCsvColumns, timeseriesCsvRows } from '@/lib/csv';
import { filtersToQueryString, parseFilters, parseTimeseriesParams } from '@/lib/filters';
import { endpointQuery } from '@/lib/query-params';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = withApi(async (req, _ctx, requestId) => {
  const who = await requireAccess(req, { scope: 'read', role: 'engineer' });
  const q = endpointQuery(req, '/api/v1/export/timeseries.csv');
  const filters = parseFilters(q);
  const params = parseTimeseriesParams(q);
  const series = await getStore().timeseries(filters, params);
  recordAudit(getMetaDb(), { actor: actorOf(who), action: 'export', target: 'timeseries.csv', details: { ...params, filters: filtersToQueryString(filters, { absoluteRange: true }) } });
  const body = csvStream(timeseriesCsvColumns(series.by), [timeseriesCsvRows(series)][Symbol.iterator]());
  return new Response(body, { headers: csvHeaders(`timeseries-${series.interval}`, filters, requestId) });
});
