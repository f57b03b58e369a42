import { getStore } from '@/db';
import { expectedBand } from '@/alerts/expected-band';
import { jsonResponse, withApi } from '@/lib/api-error';
import { requireAccess } from '@/auth/guard';
import { parseFilters, parseTimeseriesParams } from '@/lib/filters';
import { endpointQuery } from '@/lib/query-params';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = withApi(async (req, _ctx, requestId) => {
  await requireAccess(req, { scope: 'read', role: 'engineer' });
  const q = endpointQuery(req, '/api/v1/stats/expected');
  const filters = parseFilters(q);
  return jsonResponse(await expectedBand(getStore(), filters, { interval: parseTimeseriesParams(q).interval }), requestId);
});
