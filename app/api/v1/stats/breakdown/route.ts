import { statsBreakdown } from '@/behaviour/breakdown';
import { getStore } from '@/db';
import { jsonResponse, withApi } from '@/lib/api-error';
import { requireAccess } from '@/auth/guard';
import { parseBreakdownParams, parseFilters } from '@/lib/filters';
import { endpointQuery } from '@/lib/query-params';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = withApi(async (req, _ctx, requestId) => {
  await requireAccess(req, { scope: 'read', role: 'engineer' });
  const q = endpointQuery(req, '/api/v1/stats/breakdown');
  const filters = parseFilters(q);
  return jsonResponse(await statsBreakdown(getStore(), filters, parseBreakdownParams(q)), requestId);
});
