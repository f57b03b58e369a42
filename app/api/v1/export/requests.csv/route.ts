import { getMetaDb, getStore } from '@/db';
import { recordAudit } from '@/db/queries/audit';
import { withApi } from '@/lib/api-error';
import { actorOf, requireAccess } from '@/auth/guard';
import { csvHeaders, parseRequestCsvColumns } from '@/lib/csv';
import { endpointQuery } from '@/lib/query-params';
import { filtersToQueryString, parseFilters } from '@/lib/filters';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// Streams every matching record, newest first, in ~64 KiB chunks pulled by the client: 10 rows or millions in flat memory.
export const GET = withApi(async (req, _ctx, requestId) => {
  const who = await requireAccess(req, { scope: 'read', role: 'engineer' });
  const q = endpointQuery(req, '/api/v1/export/requests.csv');
  const filters = parseFilters(q);
  const columns = parseRequestCsvColumns(q.getAll('cols').join(','));
  recordAudit(getMetaDb(), { actor: actorOf(who), action: 'export', target: 'requests.csv', details: { filters: filtersToQueryString(filters, { absoluteRange: true }), columns } });
  return new Response(await getStore().requestsCsv(filters, { columns }), { headers: csvHeaders('requests', filters, requestId) });
});
