import { listWorstKeys } from '@/behaviour';
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
  const q = endpointQuery(req, '/api/v1/behaviour/keys');
  const now = Date.now();
  const filters = parseFilters(q, { now });
  const { limit } = parseBehaviourParams(q);
  const { from, to } = dayRange(filters.from, filters.to);
  return jsonResponse({ from_ms: from, to_ms: to, keys: await listWorstKeys(getStore(), { from, to, now }, limit) }, requestId);
});
