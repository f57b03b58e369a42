import { getMetaDb } from '@/db';
import { deleteChannel, updateChannel } from '@/alerts/verbs';
import { jsonResponse, withApi } from '@/lib/api-error';
import { readSmallBody } from '@/lib/auth/body';
import { actorOf, requireAccess } from '@/auth/guard';
import { ADMIN, idParam } from '../../access';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// PATCH {name?, config?, allow_private?, enabled?} → the channel; checked (SSRF, SMTP) like a new one before storing.
export const PATCH = withApi<{ params: Promise<{ id: string }> }>(async (req, ctx, requestId) => {
  const who = await requireAccess(req, ADMIN);
  const id = idParam((await ctx.params).id);
  return jsonResponse(await updateChannel(getMetaDb(), actorOf(who), id, (await readSmallBody(req)).data), requestId);
});

export const DELETE = withApi<{ params: Promise<{ id: string }> }>(async (req, ctx, requestId) => {
  const who = await requireAccess(req, ADMIN);
  deleteChannel(getMetaDb(), actorOf(who), idParam((await ctx.params).id));
  return jsonResponse({ deleted: true }, requestId);
});
