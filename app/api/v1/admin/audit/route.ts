import { getMetaDb } from '@/db';
import { listAudit } from '@/db/queries/audit';
import { jsonResponse, withApi } from '@/lib/api-error';
import { requireAccess } from '@/auth/guard';
import { auditParamsSchema, endpointQuery } from '@/lib/query-params';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// GET ?limit&before_id&action → newest first; pass the last id as before_id for the next page.
export const GET = withApi(async (req, _ctx, requestId) => {
  await requireAccess(req, { scope: 'admin', role: 'admin' });
  const q = auditParamsSchema.parse(Object.fromEntries(endpointQuery(req, '/api/v1/admin/audit')));
  const entries = listAudit(getMetaDb(), q);
  const last = entries.at(-1);
  return jsonResponse({ entries, next_before_id: entries.length === q.limit && last ? last.id : null }, requestId);
});
