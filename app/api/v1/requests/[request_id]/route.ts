import { getStore } from '@/db';
import { jsonResponse, NotFoundError, ValidationError, withApi } from '@/lib/api-error';
import { requireAccess } from '@/auth/guard';
import { isRequestId } from '@/lib/request-ids';
import { endpointQuery } from '@/lib/query-params';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = withApi(async (req, ctx: { params: Promise<{ request_id: string }> }, requestId) => {
  await requireAccess(req, { scope: 'read', role: 'support' });
  endpointQuery(req, '/api/v1/requests/{request_id}');
  const { request_id } = await ctx.params;
  if (!isRequestId(request_id)) throw new ValidationError('request_id: 1–128 visible ASCII characters', 'request_id');
  const detail = await getStore().getRequest(request_id);
  if (!detail) throw new NotFoundError(`No record has the request id ${request_id}.`, { request_id });
  return jsonResponse(detail, requestId);
});
