import { getStore } from '@/db';
import { jsonResponse, withApi } from '@/lib/api-error';
import { dayRange } from '@/lib/behaviour-rules';
import { requireAccess } from '@/auth/guard';
import { endpointQuery } from '@/lib/query-params';
import { parseBehaviourParams, parseFilters } from '@/lib/filters';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = withApi(async (req, _ctx, requestId) => {
  await requireAccess(req, { scope: 'read', role: 'support' });
  const q = endpointQuery(req, '/api/v1/behaviour/retries');
  const now = Date.now();
  const filters = parseFilters(q, { now });
  const { retry_class, limit } = parseBehaviourParams(q);
  const { from, to } = dayRange(filters.from, filters.to);
  const retries = await getStore().behaviourLimits({ from, to, now, keys: filters.key, retry_class, limit });
  return jsonResponse({ from_ms: from, to_ms: to, retries }, requestId);
});
