import { getMetaDb } from '@/db';
import { jsonResponse, withApi } from '@/lib/api-error';
import { revokeTokenById } from '@/lib/auth/admin';
import { actorOf, requireAccess } from '@/lib/auth/guard';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// DELETE → revokes the token at once (it stays listed, marked revoked).
export const DELETE = withApi<{ params: Promise<{ id: string }> }>(async (req, ctx, requestId) => {
  const who = await requireAccess(req, { scope: 'admin', role: 'admin' });
  const { id } = await ctx.params;
  revokeTokenById(getMetaDb(), actorOf(who), Number(id));
  return jsonResponse({ revoked: true }, requestId);
});
