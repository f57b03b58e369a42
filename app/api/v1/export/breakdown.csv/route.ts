import { getMetaDb, getStore } from '@/db';
import { recordAudit } from '@/db/queries/audit';
import { withApi } from '@/lib/api-error';
import { actorOf, requireAccess } from '@/lib/auth/guard';
import { BREAKDOWN_CSV_COLUMNS, breakdownCsvRows, csvHeaders, csvStream } from '@/lib/csv';
import { filtersToQueryString, parseBreakdownParams, parseFilters } from '@/lib/filters';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = withApi(async (req, _ctx, requestId) => {
  const who = await requireAccess(req, { scope: 'read', role: 'engineer' });
  const q = new URL(req.url).searchParams;
  const filters = parseFilters(q);
  const params = parseBreakdownParams(q);
  const breakdown = await getStore().breakdown(filters, params);
  recordAudit(getMetaDb(), { actor: actorOf(who), action: 'export', target: 'breakdown.csv', details: { by: params.by, filters: filtersToQueryString(filters, { absoluteRange: true }) } });
  const body = csvStream(BREAKDOWN_CSV_COLUMNS, [breakdownCsvRows(breakdown)][Symbol.iterator]());
  return new Response(body, { headers: csvHeaders(`breakdown-by-${params.by}`, filters, requestId) });
});
