import { getMetaDb, getStore } from '@/db';
import { recordAudit } from '@/db/queries/audit';
import { withApi } from '@/lib/api-error';
import { actorOf, requireAccess } from '@/lib/auth/guard';
import { csvHeaders } from '@/lib/csv';
import { filtersToQueryString, parseFilters } from '@/lib/filters';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// Streams every matching record, newest first, in ~64 KiB chunks pulled by the client: 10 rows or millions in flat memory.
export const GET = withApi(async (req, _ctx, requestId) => {
  const who = await requireAccess(req, { scope: 'read', role: 'engineer' });
  const filters = parseFilters(new URL(req.url).searchParams);
  recordAudit(getMetaDb(), { actor: actorOf(who), action: 'export', target: 'requests.csv', details: { filters: filtersToQueryString(filters, { absoluteRange: true }) } });
  return new Response(await getStore().requestsCsv(filters), { headers: csvHeaders('requests', filters, requestId) });
});
