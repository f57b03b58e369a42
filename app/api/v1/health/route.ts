import { getDb } from '@/db';
import { jsonResponse, withApi } from '@/lib/api-error';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// Unauthenticated liveness: opening the database here also migrates it before the first real request.
export const GET = withApi(async (_req, _ctx, requestId) => {
  getDb().$client.prepare('select 1').get();
  return jsonResponse({ status: 'ok' }, requestId);
});
