import { getKeyBehaviour } from '@/behaviour';
import { getStore } from '@/db';
import { jsonResponse, ValidationError, withApi } from '@/lib/api-error';
import { requireAccess } from '@/auth/guard';
import { endpointQuery } from '@/lib/query-params';
import { parseFilters } from '@/lib/filters';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = withApi(async (req, ctx: { params: Promise<{ key_id: string }> }, requestId) => {
  await requireAccess(req, { scope: 'read', role: 'support' });
  const { key_id } = await ctx.params;
  if (key_id.length === 0 || key_id.length > 256) throw new ValidationError('key_id: 1–256 characters', 'key_id');
  const now = Date.now();
  const filters = parseFilters(endpointQuery(req, '/api/v1/behaviour/keys/{key_id}'), { now });
  return jsonResponse(await getKeyBehaviour(getStore(), key_id, { from: filters.from, to: filters.to, now }), requestId);
});
