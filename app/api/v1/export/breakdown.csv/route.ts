import { statsBreakdown } from '@/behaviour/breakdown';
import { getMetaDb, getStore } from '@/db';
import { recordAudit } from '@/db/queries/audit';
import { withApi } from '@/lib/api-error';
import { actorOf, requireAccess } from '@/auth/guard';
import { breakdownCsvColumns, breakdownCsvRows, csvHeaders, csvStream } from '@/lib/csv';
import { filtersToQueryString, parseBreakdownParams, parseFilters } from '@/lib/filters';
import { endpointQuery } from '@/lib/query-params';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = withApi(async (req, _ctx, requestId) => {
  const who = await requireAccess(req, { scope: 'read', role: 'engineer' });
  const q = endpointQuery(req, '/api/v1/export/breakdown.csv');
  const filters = parseFilters(q);
  const params = parseBreakdownParams(q);
  const breakdown = await statsBreakdown(getStore(), filters, params);
  recordAudit(getMetaDb(), { actor: actorOf(who), action: 'export', target: 'breakdown.csv', details: { by: params.by, filters: filtersToQueryString(filters, { absoluteRange: true }) } });
  const body = csvStream(breakdownCsvColumns(params.by), [breakdownCsvRows(breakdown)][Symbol.iterator]());
  return new Response(body, { headers: csvHeaders(`breakdown-by-${params.by}`, filters, requestId) });
});
