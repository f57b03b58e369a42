import { getStore } from '@/db';
import { jsonResponse, withApi } from '@/lib/api-error';
import { requireAccess } from '@/lib/auth/guard';
import { parseBreakdownParams, parseFilters } from '@/lib/filters';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = withApi(async (req, _ctx, requestId) => {
  await requireAccess(req, { scope: 'read', role: 'engineer' });
  const q = new URL(req.url).searchParams;
  const filters = parseFilters(q);
  return jsonResponse(await getStore().breakdown(filters, parseBreakdownParams(q)), requestId);
});
