import { getMetaDb, getStore } from '@/db';
import { alertDetail } from '@/alerts/views';
import { jsonResponse, withApi } from '@/lib/api-error';
import { requireAccess } from '@/auth/guard';
import { idParam, READ } from '../../access';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// GET → the alert, its rule, transitions, the series with the expected band, and the rows behind it.
export const GET = withApi<{ params: Promise<{ id: string }> }>(async (req, ctx, requestId) => {
  await requireAccess(req, READ);
  return jsonResponse(await alertDetail(getMetaDb(), getStore(), idParam((await ctx.params).id)), requestId);
});
