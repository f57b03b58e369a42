import { getStore } from '@/db';
import { backtestRule } from '@/alerts/backtest';
import { parseRuleSpec } from '@/lib/alert-rules';
import { jsonResponse, withApi } from '@/lib/api-error';
import { readSmallBody } from '@/lib/auth/body';
import { requireAccess } from '@/auth/guard';
import { READ } from '../../access';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// POST a rule (not saved) → how often it would have fired over the last 7 days of stored data.
export const POST = withApi(async (req, _ctx, requestId) => {
  await requireAccess(req, READ);
  const spec = parseRuleSpec((await readSmallBody(req)).data);
  return jsonResponse(await backtestRule(getStore(), spec, { now: Date.now() }), requestId);
});
