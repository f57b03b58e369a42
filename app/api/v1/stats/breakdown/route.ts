import { getDb } from '@/db';
import { getBreakdown } from '@/db/queries/stats';
import { jsonResponse, withApi } from '@/lib/api-error';
import { requireAccess } from '@/lib/auth/guard';
import { parseBreakdownParams, parseFilters } from '@/lib/filters';
import { endpointQuery } from '@/lib/query-params';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = withApi(async (req, _ctx, requestId) => {
  await requireAccess(req, { scope: 'read', role: 'engineer' });
  const q = endpointQuery(req, '/api/v1/stats/breakdown');
  const filters = parseFilters(q);
  return jsonResponse(getBreakdown(getDb(), filters, parseBreakdownParams(q)), requestId);
});
