import { getMetaDb } from '@/db';
import { publicBaseUrl } from '@/alerts/server-url';
import { testChannel } from '@/alerts/verbs';
import { jsonResponse, withApi } from '@/lib/api-error';
import { actorOf, requireAccess } from '@/auth/guard';
import { ADMIN, idParam } from '../../../access';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// POST → sends a test message now and answers with what the receiver said; logged in the delivery log, not retried.
export const POST = withApi<{ params: Promise<{ id: string }> }>(async (req, ctx, requestId) => {
  const who = await requireAccess(req, ADMIN);
  return jsonResponse(await testChannel(getMetaDb(), actorOf(who), idParam((await ctx.params).id), publicBaseUrl()), requestId);
});
