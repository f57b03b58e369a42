import { getDb } from '@/db';
import { recordAudit } from '@/db/queries/audit';
import { iterateRequestTuples } from '@/db/queries/requests';
import { withApi } from '@/lib/api-error';
import { actorOf, requireAccess } from '@/lib/auth/guard';
import { csvHeaders, csvStream, mapPages, REQUEST_CSV_COLUMNS, requestTupleCsvRow } from '@/lib/csv';
import { filtersToQueryString, parseFilters } from '@/lib/filters';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// Streams every matching record, newest first, in keyset pages: 10 rows or millions in flat memory.
export const GET = withApi(async (req, _ctx, requestId) => {
  const who = await requireAccess(req, { scope: 'read', role: 'engineer' });
  const filters = parseFilters(new URL(req.url).searchParams);
  const db = getDb();
  recordAudit(db, { actor: actorOf(who), action: 'export', target: 'requests.csv', details: { filters: filtersToQueryString(filters, { absoluteRange: true }) } });
  const pages = mapPages(iterateRequestTuples(db, filters), requestTupleCsvRow);
  return new Response(csvStream(REQUEST_CSV_COLUMNS, pages), { headers: csvHeaders('requests', filters, requestId) });
});
