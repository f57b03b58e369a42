import { getMetaDb } from '@/db';
import { replayDelivery } from '@/alerts/verbs';
import { jsonResponse, withApi } from '@/lib/api-error';
import { actorOf, requireAccess } from '@/auth/guard';
import { ADMIN, idParam } from '../../../access';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// POST → sends the same message (same webhook-id) again now.
export const POST = withApi<{ params: Promise<{ id: string }> }>(async (req, ctx, requestId) => {
  const who = await requireAccess(req, ADMIN);
  return jsonResponse(replayDelivery(getMetaDb(), actorOf(who), idParam((await ctx.params).id)), requestId);
});
