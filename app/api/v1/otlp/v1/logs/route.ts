import { ApiError, withApi } from '@/lib/api-error';
import { drainBody } from '@/ingest/decode';
import { otlpFormOf } from '@/ingest/otlp';
import { contentTypeOf, exportLogsResponse, statusResponse } from '@/ingest/otlp-answer';
import { receiveBatch } from '../../../_ingest/receive';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// OTLP/HTTP logs (the Collector's `otlphttp` exporter with endpoint …/api/v1/otlp). Same pipeline, limits,
// durability and dedupe as /api/v1/ingest: the export is decoded into records in the prepare worker. Answers and
// refusals are OTLP messages in the request's encoding (ingest/otlp-answer.ts).
// Refusals are google.rpc.Status messages (JSON when the Content-Type was not one OTLP knows).
const otlpErrors = {
  renderError: (err: ApiError, req: Request, requestId: string) => statusResponse(err, requestId, otlpFormOf(req.headers.get('content-type')) ?? 'otlp_json'),
};

export const POST = withApi(async (req, _ctx, requestId) => {
  const form = otlpFormOf(req.headers.get('content-type'));
  if (form === null) {
    await drainBody(req.body, { idleMs: 500 });
    throw new ApiError('unsupported_media_type', 'OTLP/HTTP bodies are application/x-protobuf or application/json.', {}, { Connection: 'close' });
  }
  const result = await receiveBatch(req, { endpoint: 'otlp', form });
  return new Response(exportLogsResponse(result, form) as BodyInit, {
    headers: { 'Content-Type': contentTypeOf(form), 'X-Request-Id': requestId, 'Cache-Control': 'no-store' },
  });
}, otlpErrors);

export const GET = withApi(async () => {
  throw new ApiError('method_not_allowed', 'Send OTLP log exports with POST.', {}, { Allow: 'POST' });
}, otlpErrors);
