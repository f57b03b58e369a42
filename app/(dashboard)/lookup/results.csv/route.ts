import { getStore } from '@/db';
import { withApi } from '@/lib/api-error';
import { requireAccess } from '@/lib/auth/guard';
import { CSV_CONTENT_TYPE, REQUEST_CSV_COLUMNS, csvStream, requestCsvRow, type CsvCell } from '@/lib/csv';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const COLUMNS = ['found', ...REQUEST_CSV_COLUMNS] as const;

/** The lookup page's answer as CSV: every record of every found id, then one row per missing id, in the text's order. */
export const GET = withApi(async (req, _ctx, requestId) => {
  await requireAccess(req, { scope: 'read', role: 'support' });
  const result = await getStore().lookup(new URL(req.url).searchParams.get('q') ?? '');
  const rows: CsvCell[][] = [
    ...result.found.flatMap((f) => f.records.map((r) => [true, ...requestCsvRow(r)])),
    ...result.missing.map((id) => [false, id]),
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
