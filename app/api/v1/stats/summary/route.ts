import { getStore } from '@/db';
import { jsonResponse, withApi } from '@/lib/api-error';
import { requireAccess } from '@/lib/auth/guard';
import { parseFilters } from '@/lib/filters';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = withApi(async (req, _ctx, requestId) => {
  await requireAccess(req, { scope: 'read', role: 'engineer' });
  const filters = parseFilters(new URL(req.url).searchParams);
  return jsonResponse(await getStore().summary(filters), requestId);
});
