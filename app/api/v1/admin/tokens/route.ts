import { z } from 'zod';
import { getMetaDb } from '@/db';
import { listTokens } from '@/db/queries/tokens';
import { TOKEN_SCOPES } from '@/lib/roles';
import { jsonResponse, withApi } from '@/lib/api-error';
import { issueToken } from '@/auth/admin';
import { readSmallBody } from '@/lib/auth/body';
import { actorOf, requireAccess } from '@/auth/guard';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const ADMIN = { scope: 'admin', role: 'admin' } as const;

export const GET = withApi(async (req, _ctx, requestId) => {
  await requireAccess(req, ADMIN);
  return jsonResponse({ tokens: listTokens(getMetaDb()) }, requestId);
});

const NewToken = z.object({ name: z.string().trim().min(1).max(100), scopes: z.array(z.enum(TOKEN_SCOPES)).min(1) });

// POST {name, scopes} → 201 {id, name, scopes, token}: the token is shown this once, only its hash is kept.
export const POST = withApi(async (req, _ctx, requestId) => {
  const who = await requireAccess(req, ADMIN);
  const input = NewToken.parse((await readSmallBody(req)).data);
  const created = issueToken(getMetaDb(), actorOf(who), who.kind === 'user' ? who.user_id : null, input);
  return jsonResponse(created, requestId, { status: 201 });
});
