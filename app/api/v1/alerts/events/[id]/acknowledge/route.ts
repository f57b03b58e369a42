import { getMetaDb } from '@/db';
import { acknowledgeAlert } from '@/alerts/verbs';
import { jsonResponse, withApi } from '@/lib/api-error';
import { actorOf, requireAccess } from '@/auth/guard';
import { EDIT, idParam } from '../../../access';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const POST = withApi<{ params: Promise<{ id: string }> }>(async (req, ctx, requestId) => {
  const who = await requireAccess(req, EDIT);
  return jsonResponse(acknowledgeAlert(getMetaDb(), actorOf(who), idParam((await ctx.params).id)), requestId);
});
