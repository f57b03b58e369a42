import { ApiError, jsonResponse, withApi } from '@/lib/api-error';
import { receiveBatch } from '../_ingest/receive';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// The 200 is sent only after the batch is committed (app/api/v1/_ingest/receive.ts).
export const POST = withApi(async (req, _ctx, requestId) => jsonResponse(await receiveBatch(req, { endpoint: 'ingest' }), requestId));

// Fluent Bit's `http_method PUT` sends the same batches.
export const PUT = POST;

export const GET = withApi(async () => {
  throw new ApiError('method_not_allowed', 'Send batches with POST (or PUT).', {}, { Allow: 'POST, PUT' });
});
