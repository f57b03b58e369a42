import { getMetaDb } from '@/db';
import { jsonResponse, withApi } from '@/lib/api-error';
import { revokeTokenById } from '@/auth/admin';
import { actorOf, requireAccess } from '@/auth/guard';
import { parseIdParam } from '@/lib/int-param';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// DELETE → revokes the token at once (it stays listed, marked revoked).
export const DELETE = withApi<{ params: Promise<{ id: string }> }>(async (req, ctx, requestId) => {
  const who = await requireAccess(req, { scope: 'admin', role: 'admin' });
  const id = parseIdParam((await ctx.params).id);
  revokeTokenById(getMetaDb(), actorOf(who), id);
  return jsonResponse({ revoked: true }, requestId);
});
