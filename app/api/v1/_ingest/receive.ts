// Receiving a batch over HTTP, shared by /api/v1/ingest and the OTLP logs receiver: the same access check, limits,
// decode budget, writer queue, ingest-health accounting of refused batches and calls, and connection handling.
// The body is read here as a stream (bytes counted, decompressed under the caps, aborted early); parsing and the
// durable write happen in the writer worker, which answers only after the batch is committed.
import { UNKNOWN_TOKEN_ID } from '@/db/types';
import { decodeStream, drainBody, MAX_BODY_BYTES, parseContentEncoding } from '@/ingest/decode';
import type { BatchContext } from '@/ingest';
import type { IngestResult } from '@/ingest/types';
import { getWriter } from '@/ingest/writer';
import { ApiError } from '@/lib/api-error';
import { presentedTokenId, requireAccess } from '@/auth/guard';
import { recordBatchRefused } from '@/lib/metrics';

/** Whole batches refused in this thread, shown on the ingest health page (the worker records its own). */
const REFUSED_BATCH = new Set(['payload_too_large', 'decompressed_too_large', 'unsupported_encoding', 'invalid_body']);
/** Calls refused at the door, counted per token on the ingest health page (a shipper still using a revoked token). */
const REFUSED_AUTH = new Set(['invalid_credentials', 'missing_credentials', 'scope_required', 'forbidden', 'csrf_failed']);

export interface ReceiveOptions {
  /** The metrics label of the endpoint. */
  endpoint: 'ingest' | 'otlp';
  /** The body's form when the endpoint knows it (OTLP), else read from the bytes. */
  form?: BatchContext['form'];
}

export async function receiveBatch(req: Request, opts: ReceiveOptions): Promise<IngestResult> {
  // The writer answers within its budget counted from here: a slow upload leaves less time for the queue.
  const arrivedMs = Date.now();
  let bytes: Uint8Array | null = null;
  let token_id: number | null | undefined;
  try {
    const who = await requireAccess(req, { scope: 'ingest', role: 'admin' });
    token_id = who.kind === 'token' ? who.token.id : null;
    const encoding = parseContentEncoding(req.headers.get('content-encoding'));
    if (Number(req.headers.get('content-length') ?? 0) > MAX_BODY_BYTES) {
      // Read and drop what the client is still sending (bounded in bytes and time) before answering: closing on
      // a client mid-upload resets the connection, and it would see ECONNRESET instead of this 413.
      await drainBody(req.body, { idleMs: 500 });
      throw new ApiError('payload_too_large', `The request body is larger than ${MAX_BODY_BYTES} bytes.`, { limit: MAX_BODY_BYTES });
    }
    const writer = getWriter();
    // Refuse before reading the upload when the writer is already saturated.
    writer.assertRoom();
    bytes = await decodeStream(req.body, encoding);
    if (bytes.byteLength === 0 && !opts.form) throw new ApiError('invalid_body', 'The body is empty: send at least one record.');
    const ctx = { token_id, received_ms: Date.now(), content_type: req.headers.get('content-type') ?? undefined, ...(opts.form ? { form: opts.form } : {}) };
    return await writer.submit(bytes, ctx, { arrivedMs });
  } catch (err) {
    if (token_id !== undefined && err instanceof ApiError && REFUSED_BATCH.has(err.code)) {
      recordBatchRefused(opts.endpoint, err.code);
      getWriter().noteRejectedBatch(token_id, err.code, err.message);
    }
    if (token_id === undefined && err instanceof ApiError && REFUSED_AUTH.has(err.code)) {
      getWriter().noteRefusedCall(presentedTokenId(req) ?? UNKNOWN_TOKEN_ID, err.code, err.message);
    }
    // Part of the upload may be unread: close the connection so the client cannot reuse a half-read socket.
    if (bytes === null && err instanceof ApiError) throw new ApiError(err.code, err.message, err.details, { ...err.headers, Connection: 'close' });
    throw err;
  }
}
