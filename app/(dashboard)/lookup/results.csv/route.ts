import { getMetaDb, getStore } from '@/db';
import { recordAudit } from '@/db/queries/audit';
import { withApi } from '@/lib/api-error';
import { actorOf, requireAccess } from '@/auth/guard';
import { CSV_CONTENT_TYPE, REQUEST_CSV_COLUMNS, csvStream, requestCsvRow, type CsvCell } from '@/lib/csv';
import { endpointQuery } from '@/lib/query-params';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const COLUMNS = ['found', ...REQUEST_CSV_COLUMNS] as const;

/** The lookup page's answer as CSV: every record of every found id, then one row per missing id, in the text's order. */
export const GET = withApi(async (req, _ctx, requestId) => {
  const who = await requireAccess(req, { scope: 'read', role: 'support' });
  const result = await getStore().supportLookup(endpointQuery(req, '/lookup/results.csv').get('q') ?? '', { insights: false });
  recordAudit(getMetaDb(), { actor: actorOf(who), action: 'export', target: 'lookup.csv', details: { ids: result.candidates.length, found: result.found.length, missing: result.missing.length } });
  const rows: CsvCell[][] = [
    ...result.found.flatMap((f) => f.records.map((r) => [true, ...requestCsvRow(r)])),
    ...result.missing.map((m) => [false, m.id]),
  ];
  return new Response(csvStream(COLUMNS, [rows][Symbol.iterator]()), {
    headers: {
      'Content-Type': CSV_CONTENT_TYPE,
      'Content-Disposition': 'attachment; filename="errata-lookup.csv"',
      'Cache-Control': 'no-store',
      'X-Request-Id': requestId,
    },
  });
});
