import { z } from 'zod';
import { getDb } from '@/db';
import { USER_ROLES } from '@/db/schema';
import { jsonResponse, withApi } from '@/lib/api-error';
import { updateUser } from '@/lib/auth/admin';
import { readSmallBody } from '@/lib/auth/body';
import { actorOf, requireAccess } from '@/lib/auth/guard';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const Change = z.object({ role: z.enum(USER_ROLES).optional(), disabled: z.boolean().optional() }).strict();

// PATCH {role?, disabled?} → 200 {user}. Disabling ends the user's sessions; the last admin stays.
export const PATCH = withApi<{ params: Promise<{ id: string }> }>(async (req, ctx, requestId) => {
  const who = await requireAccess(req, { scope: 'admin', role: 'admin' });
  const { id } = await ctx.params;
  const change = Change.parse((await readSmallBody(req)).data);
  return jsonResponse({ user: updateUser(getDb(), actorOf(who), Number(id), change) }, requestId);
});
