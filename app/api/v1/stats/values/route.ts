import { getStore } from '@/db';
import { filterValues } from '@/db/filter-values';
import { jsonResponse, withApi } from '@/lib/api-error';
import { requireAccess } from '@/auth/guard';
import { parseFilters } from '@/lib/filters';
import { endpointQuery, parseValuesParams } from '@/lib/query-params';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// Support may read it: the errors explorer, where support staff filter too, shows the same values row by row.
export const GET = withApi(async (req, _ctx, requestId) => {
  await requireAccess(req, { scope: 'read', role: 'support' });
  const q = endpointQuery(req, '/api/v1/stats/values');
  const { field, q: typed, limit } = parseValuesParams(q);
  return jsonResponse(await filterValues(getStore(), parseFilters(q), { field, q: typed ?? '', limit }), requestId);
});
