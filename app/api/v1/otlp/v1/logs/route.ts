import { ApiError, withApi } from '@/lib/api-error';
import { requireAccess } from '@/lib/auth/guard';
import { getEnv } from '@/lib/env';
import { decodeStream, drainBody, MAX_BODY_BYTES, parseContentEncoding } from '@/ingest/decode';
import { otlpFormOf } from '@/ingest/otlp';
import { contentTypeOf, exportLogsResponse, statusResponse } from '@/ingest/otlp-answer';
import { getWriter } from '@/ingest/writer';
import { recordBatchRefused } from '@/lib/metrics';

const writerConfig = () => ({ databasePath: getEnv().DATABASE_PATH, queueLimit: getEnv().ERRATA_WRITER_QUEUE });
const REFUSED_BATCH = new Set(['payload_too_large', 'decompressed_too_large', 'unsupported_encoding', 'invalid_body']);

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
  const arrivedMs = Date.now();
  const form = otlpFormOf(req.headers.get('content-type'));
  if (form === null) {
    await drainBody(req.body, { idleMs: 500 });
    throw new ApiError('unsupported_media_type', 'OTLP/HTTP bodies are application/x-protobuf or application/json.', {}, { Connection: 'close' });
  }
  let bytes: Uint8Array | null = null;
  let token_id: number | null | undefined;
  try {
    const who = await requireAccess(req, { scope: 'ingest', role: 'admin' });
    token_id = who.kind === 'token' ? who.token.id : null;
    const encoding = parseContentEncoding(req.headers.get('content-encoding'));
    if (Number(req.headers.get('content-length') ?? 0) > MAX_BODY_BYTES) {
      await drainBody(req.body, { idleMs: 500 });
      throw new ApiError('payload_too_large', `The request body is larger than ${MAX_BODY_BYTES} bytes.`, { limit: MAX_BODY_BYTES });
    }
    const writer = getWriter(writerConfig);
    writer.assertRoom();
    bytes = await decodeStream(req.body, encoding);
    const ctx = { token_id, received_ms: Date.now(), content_type: req.headers.get('content-type') ?? undefined, form };
    const result = await writer.submit(bytes, ctx, { arrivedMs });
    return new Response(exportLogsResponse(result, form) as BodyInit, {
      headers: { 'Content-Type': contentTypeOf(form), 'X-Request-Id': requestId, 'Cache-Control': 'no-store' },
    });
  } catch (err) {
    if (token_id !== undefined && err instanceof ApiError && REFUSED_BATCH.has(err.code)) {
      recordBatchRefused('otlp', err.code);
      getWriter(writerConfig).noteRejectedBatch(token_id, err.code, err.message);
    }
    // Part of the upload may be unread: close the connection so the client cannot reuse a half-read socket.
    if (bytes === null && err instanceof ApiError) throw new ApiError(err.code, err.message, err.details, { ...err.headers, Connection: 'close' });
    throw err;
  }
}, otlpErrors);

export const GET = withApi(async () => {
  throw new ApiError('method_not_allowed', 'Send OTLP log exports with POST.', {}, { Allow: 'POST' });
}, otlpErrors);
