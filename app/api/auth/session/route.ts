import { jsonResponse, withApi } from '@/lib/api-error';
import { requireAccess } from '@/auth/guard';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// GET → who is calling: the signed-in user, or the token.
export const GET = withApi(async (req, _ctx, requestId) => {
  const who = await requireAccess(req, { scope: 'read', role: 'support' });
  if (who.kind === 'user') return jsonResponse({ kind: 'user', user: { email: who.email, role: who.role } }, requestId);
  return jsonResponse({ kind: 'token', token: { id: who.token.id, name: who.token.name, scopes: who.token.scopes } }, requestId);
});
