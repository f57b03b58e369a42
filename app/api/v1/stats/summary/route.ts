import { getStore } from '@/db';
import { jsonResponse, withApi } from '@/lib/api-error';
import { requireAccess } from '@/auth/guard';
import { parseFilters } from '@/lib/filters';
import { endpointQuery } from '@/lib/query-params';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = withApi(async (req, _ctx, requestId) => {
  await requireAccess(req, { scope: 'read', role: 'engineer' });
  const filters = parseFilters(endpointQuery(req, '/api/v1/stats/summary'));
  return jsonResponse(await getStore().summary(filters), requestId);
});
