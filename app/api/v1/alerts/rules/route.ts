import { getMetaDb } from '@/db';
import { listAlertRules } from '@/db/queries/alerts';
import { createRule, ruleView } from '@/alerts/verbs';
import { jsonResponse, withApi } from '@/lib/api-error';
import { readSmallBody } from '@/lib/auth/body';
import { actorOf, requireAccess } from '@/auth/guard';
import { EDIT, READ } from '../access';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = withApi(async (req, _ctx, requestId) => {
  await requireAccess(req, READ);
  return jsonResponse({ rules: listAlertRules(getMetaDb()).map(ruleView) }, requestId);
});

// POST a rule (alerts/rules.ts ruleSpecSchema) → 201 the stored rule.
export const POST = withApi(async (req, _ctx, requestId) => {
  const who = await requireAccess(req, EDIT);
  const rule = createRule(getMetaDb(), actorOf(who), (await readSmallBody(req)).data);
  return jsonResponse(rule, requestId, { status: 201 });
});
