import { getMetaDb, getStore } from '@/db';
import { recordAudit } from '@/db/queries/audit';
import { ApiError, withApi } from '@/lib/api-error';
import { actorOf, requireAccess } from '@/auth/guard';
import { CSV_CONTENT_TYPE, csvFilename, csvStream } from '@/lib/csv';
import { parseIngestScope } from '../ingest-view';
import { endpointQuery } from '@/lib/query-params';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const COLUMNS = ['token_id', 'token_name', 'token_prefix', 'revoked', 'batches', 'accepted', 'duplicates', 'rejected', 'refused', 'last_bucket'] as const;

/** The ingest page's token table as CSV, for exactly its range and token. */
export const GET = withApi(async (req, _ctx, requestId) => {
  const who = await requireAccess(req, { scope: 'admin', role: 'admin' });
  const parsed = parseIngestScope(endpointQuery(req, '/ingest/tokens.csv'));
  if (!parsed.ok) throw new ApiError('invalid_parameter', parsed.message);
  const f = parsed.scope.filters;
  recordAudit(getMetaDb(), { actor: actorOf(who), action: 'export', target: 'tokens.csv', details: { token_id: f.token_id ?? null, from: new Date(f.from_ms).toISOString(), to: new Date(f.to_ms).toISOString() } });
  const rows = (await getStore().ingestHealthTotals(f)).map((t) => [
    t.token_id,
    t.token_name,
    t.token_prefix,
    t.revoked,
    t.batches,
    t.accepted,
    t.duplicates,
    t.rejected,
    t.refused,
    new Date(t.last_bucket_ms).toISOString(),
  ]);
  return new Response(csvStream(COLUMNS, [rows][Symbol.iterator]()), {
    headers: {
      'Content-Type': CSV_CONTENT_TYPE,
      'Content-Disposition': `attachment; filename="${csvFilename('ingest-tokens', f.from_ms, f.to_ms)}"`,
      'Cache-Control': 'no-store',
      'X-Request-Id': requestId,
    },
  });
});
