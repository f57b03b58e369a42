import { getMetaDb } from '@/db';
import { listDeliveries, listDeliveryAttempts } from '@/db/queries/alerts';
import { jsonResponse, withApi } from '@/lib/api-error';
import { requireAccess } from '@/auth/guard';
import { ADMIN } from '../access';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// GET → the delivery log (newest first) with every attempt.
export const GET = withApi(async (req, _ctx, requestId) => {
  await requireAccess(req, ADMIN);
  const db = getMetaDb();
  const deliveries = listDeliveries(db, { limit: 200 }).map((d) => ({ ...d, payload: JSON.parse(d.payload) as unknown, attempts_log: listDeliveryAttempts(db, d.id) }));
  return jsonResponse({ deliveries }, requestId);
});
