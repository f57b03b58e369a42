import { getMetaDb, getStore } from '@/db';
import { jsonResponse, withApi } from '@/lib/api-error';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// Unauthenticated liveness: opening the metadata database here also migrates it before the first real request; the
// request store (SQLite here, or another database) must answer too.
export const GET = withApi(async (_req, _ctx, requestId) => {
  getMetaDb().$client.prepare('select 1').get();
  await getStore().ping();
  return jsonResponse({ status: 'ok' }, requestId);
});
