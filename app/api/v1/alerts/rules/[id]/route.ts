import { getMetaDb } from '@/db';
import { getAlertRule } from '@/db/queries/alerts';
import { deleteRule, ruleView, updateRule } from '@/alerts/verbs';
import { jsonResponse, NotFoundError, withApi } from '@/lib/api-error';
import { readSmallBody } from '@/lib/auth/body';
import { actorOf, requireAccess } from '@/auth/guard';
import { EDIT, idParam, READ } from '../../access';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ id: string }> };

export const GET = withApi<Ctx>(async (req, ctx, requestId) => {
  await requireAccess(req, READ);
  const id = idParam((await ctx.params).id);
  const row = getAlertRule(getMetaDb(), id);
  if (!row) throw new NotFoundError('No such alert rule.', { id });
  return jsonResponse(ruleView(row), requestId);
});

// PUT the whole rule (same shape as POST).
export const PUT = withApi<Ctx>(async (req, ctx, requestId) => {
  const who = await requireAccess(req, EDIT);
  const id = idParam((await ctx.params).id);
  return jsonResponse(updateRule(getMetaDb(), actorOf(who), id, (await readSmallBody(req)).data), requestId);
});

export const DELETE = withApi<Ctx>(async (req, ctx, requestId) => {
  const who = await requireAccess(req, EDIT);
  deleteRule(getMetaDb(), actorOf(who), idParam((await ctx.params).id));
  return jsonResponse({ deleted: true }, requestId);
});
