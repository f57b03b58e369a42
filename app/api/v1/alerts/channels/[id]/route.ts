import { getMetaDb } from '@/db';
import { deleteChannel } from '@/alerts/verbs';
import { jsonResponse, withApi } from '@/lib/api-error';
import { actorOf, requireAccess } from '@/lib/auth/guard';
import { ADMIN, idParam } from '../../access';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const DELETE = withApi<{ params: Promise<{ id: string }> }>(async (req, ctx, requestId) => {
  const who = await requireAccess(req, ADMIN);
  deleteChannel(getMetaDb(), actorOf(who), idParam((await ctx.params).id));
  return jsonResponse({ deleted: true }, requestId);
});
