import { getMetaDb } from '@/db';
import { listDeliveries } from '@/db/queries/alerts';
import { deliveryView } from '@/alerts/verbs';
import { jsonResponse, withApi } from '@/lib/api-error';
import { requireAccess } from '@/auth/guard';
import { ADMIN } from '../access';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// GET → the delivery log (newest first) with every attempt.
export const GET = withApi(async (req, _ctx, requestId) => {
  await requireAccess(req, ADMIN);
  const db = getMetaDb();
  return jsonResponse({ deliveries: listDeliveries(db, { limit: 200 }).map((d) => deliveryView(db, d)) }, requestId);
});
