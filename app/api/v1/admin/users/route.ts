import { z } from 'zod';
import { getMetaDb } from '@/db';
import { listUsers } from '@/db/queries/users';
import { USER_ROLES } from '@/lib/roles';
import { jsonResponse, withApi } from '@/lib/api-error';
import { inviteUser } from '@/auth/admin';
import { readSmallBody } from '@/lib/auth/body';
import { actorOf, requireAccess } from '@/auth/guard';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const ADMIN = { scope: 'admin', role: 'admin' } as const;

export const GET = withApi(async (req, _ctx, requestId) => {
  await requireAccess(req, ADMIN);
  return jsonResponse({ users: listUsers(getMetaDb()) }, requestId);
});

const Invite = z.object({ email: z.string().max(254), role: z.enum(USER_ROLES), password: z.string().max(256).optional() });

// POST {email, role, password?} → 201 {user, password}: a generated password is shown once.
export const POST = withApi(async (req, _ctx, requestId) => {
  const who = await requireAccess(req, ADMIN);
  const input = Invite.parse((await readSmallBody(req)).data);
  const created = await inviteUser(getMetaDb(), actorOf(who), input);
  return jsonResponse({ user: created.user, password: created.password }, requestId, { status: 201 });
});
