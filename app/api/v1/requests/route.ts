import { getStore } from '@/db';
import { jsonResponse, withApi } from '@/lib/api-error';
import { requireAccess } from '@/auth/guard';
import { parseFilters, parseListParams } from '@/lib/filters';
import { endpointQuery } from '@/lib/query-params';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = withApi(async (req, _ctx, requestId) => {
  await requireAccess(req, { scope: 'read', role: 'support' });
  const q = endpointQuery(req, '/api/v1/requests');
  const filters = parseFilters(q);
  const page = parseListParams(q);
  return jsonResponse(await getStore().listRequests(filters, page), requestId);
});
