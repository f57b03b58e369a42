import { getMetaDb, getStore } from '@/db';
import { recordAudit } from '@/db/queries/audit';
import { ApiError, withApi } from '@/lib/api-error';
import { actorOf, requireAccess } from '@/auth/guard';
import { CSV_CONTENT_TYPE, csvFilename, csvStream } from '@/lib/csv';
import { parseIngestScope } from '../ingest-view';
import { endpointQuery } from '@/lib/query-params';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const COLUMNS = ['received', 'token_id', 'token_name', 'line', 'code', 'field', 'message', 'sample'] as const;

/** Every kept rejection sample (the writer keeps the newest 1,000) received in the page's range, for its token. */
export const GET = withApi(async (req, _ctx, requestId) => {
  const who = await requireAccess(req, { scope: 'admin', role: 'admin' });
  const parsed = parseIngestScope(endpointQuery(req, '/ingest/rejections.csv'));
  if (!parsed.ok) throw new ApiError('invalid_parameter', parsed.message);
  const f = parsed.scope.filters;
  recordAudit(getMetaDb(), { actor: actorOf(who), action: 'export', target: 'rejections.csv', details: { token_id: f.token_id ?? null, from: new Date(f.from_ms).toISOString(), to: new Date(f.to_ms).toISOString() } });
  const rows = (await getStore().recentRejections({ limit: 1000, token_id: f.token_id }))
    .filter((r) => r.received_ms >= f.from_ms && r.received_ms < f.to_ms)
    .map((r) => [new Date(r.received_ms).toISOString(), r.token_id, r.token_name, r.line, r.code, r.field, r.message, r.sample]);
  return new Response(csvStream(COLUMNS, [rows][Symbol.iterator]()), {
    headers: {
      'Content-Type': CSV_CONTENT_TYPE,
      'Content-Disposition': `attachment; filename="${csvFilename('ingest-rejections', f.from_ms, f.to_ms)}"`,
      'Cache-Control': 'no-store',
      'X-Request-Id': requestId,
    },
  });
});
