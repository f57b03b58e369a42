import { z } from 'zod';
import { getMetaDb } from '@/db';
import { USER_ROLES } from '@/lib/roles';
import { jsonResponse, withApi } from '@/lib/api-error';
import { resetPassword, updateUser } from '@/auth/admin';
import { readSmallBody } from '@/lib/auth/body';
import { actorOf, requireAccess } from '@/auth/guard';
import { parseIdParam } from '@/lib/int-param';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const Change = z.object({ role: z.enum(USER_ROLES).optional(), disabled: z.boolean().optional(), reset_password: z.literal(true).optional() }).strict();

// PATCH {role?, disabled?} → 200 {user}. Disabling ends the user's sessions; the last admin stays.
// PATCH {reset_password: true} → 200 {user, password}: a generated password, shown once; sessions end.
export const PATCH = withApi<{ params: Promise<{ id: string }> }>(async (req, ctx, requestId) => {
  const who = await requireAccess(req, { scope: 'admin', role: 'admin' });
  const id = parseIdParam((await ctx.params).id);
  const { reset_password, ...change } = Change.parse((await readSmallBody(req)).data);
  const db = getMetaDb();
  const user = updateUser(db, actorOf(who), id, change);
  if (reset_password) return jsonResponse(await resetPassword(db, actorOf(who), id), requestId);
  return jsonResponse({ user }, requestId);
});
