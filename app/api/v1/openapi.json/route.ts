import { jsonResponse, withApi } from '@/lib/api-error';
import { buildOpenApi } from '@/lib/openapi';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

let cached: Record<string, unknown> | undefined;

// Public like the health check: the document describes the API, it holds no data.
export const GET = withApi(async (_req, _ctx, requestId) => {
  cached ??= buildOpenApi();
  return jsonResponse(cached, requestId);
});
