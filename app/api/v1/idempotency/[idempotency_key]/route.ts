import { getIdempotencyKeyChain } from '@/behaviour';
import { getStore } from '@/db';
import { jsonResponse, NotFoundError, ValidationError, withApi } from '@/lib/api-error';
import { requireAccess } from '@/auth/guard';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = withApi(async (req, ctx: { params: Promise<{ idempotency_key: string }> }, requestId) => {
  await requireAccess(req, { scope: 'read', role: 'support' });
  const { idempotency_key } = await ctx.params;
  if (idempotency_key.length === 0 || idempotency_key.length > 255) throw new ValidationError('idempotency_key: 1–255 characters', 'idempotency_key');
  const chain = await getIdempotencyKeyChain(getStore(), idempotency_key);
  if (!chain) throw new NotFoundError(`No request used the Idempotency-Key ${idempotency_key}.`, { idempotency_key });
  return jsonResponse(chain, requestId);
});
