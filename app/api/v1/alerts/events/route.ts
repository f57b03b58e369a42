import { getMetaDb } from '@/db';
import { ALERT_STATES } from '@/lib/alert-kinds';
import { listAlerts } from '@/alerts/views';
import { jsonResponse, ValidationError, withApi } from '@/lib/api-error';
import { requireAccess } from '@/auth/guard';
import { READ } from '../access';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// GET ?state=firing&state=pending&limit=100 → alerts, newest first.
export const GET = withApi(async (req, _ctx, requestId) => {
  await requireAccess(req, READ);
  const q = new URL(req.url).searchParams;
  const states = q.getAll('state');
  const bad = states.find((s) => !(ALERT_STATES as readonly string[]).includes(s));
  if (bad) throw new ValidationError(`state: one of ${ALERT_STATES.join(', ')}`, 'state', { value: bad });
  const limit = q.has('limit') ? Number(q.get('limit')) : 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new ValidationError('limit: 1–1000', 'limit');
  return jsonResponse({ alerts: listAlerts(getMetaDb(), { states, limit }) }, requestId);
});
