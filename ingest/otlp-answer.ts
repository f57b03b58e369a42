// OTLP/HTTP answers, in the request's encoding: an ExportLogsServiceResponse (partial success naming the first
// rejected records) for a stored batch, a google.rpc.Status for every refusal, with the HTTP status and
// Retry-After our envelope would have carried (the exporters retry 429/502/503/504 and drop the rest).
import { ApiError } from '@/lib/api-error';
import type { OtlpForm } from './otlp';
import { otlpProto } from './otlp-proto';
import type { IngestResult } from './types';

/** Rejected records named in `errorMessage`; the total is in `rejectedLogRecords`. */
const NAMED_ERRORS = 5;

export const contentTypeOf = (form: OtlpForm) => (form === 'otlp_json' ? 'application/json' : 'application/x-protobuf');

/** "2 of 5 log records rejected: record 3: missing_field (request_id): …; record 5: …" — records by position in the export. */
export function partialSuccessMessage(result: IngestResult): string {
  const total = result.accepted + result.duplicates + result.rejected;
  const named = result.errors
    .slice(0, NAMED_ERRORS)
    .map((e) => `record ${e.line}: ${e.code}${e.field ? ` (${e.field})` : ''}: ${e.message}`)
    .join('; ');
  const more = result.rejected > NAMED_ERRORS ? `; and ${result.rejected - NAMED_ERRORS} more` : '';
  return `${result.rejected} of ${total} log records rejected: ${named}${more}`;
}

/** The 200 body. A full success (duplicates included: they are stored already) leaves partialSuccess unset. */
export function exportLogsResponse(result: IngestResult, form: OtlpForm): Uint8Array | string {
  const partial = result.rejected > 0 ? { rejectedLogRecords: result.rejected, errorMessage: partialSuccessMessage(result) } : null;
  if (form === 'otlp_json') {
    // OTLP JSON: int64 as a decimal string.
    return JSON.stringify(partial ? { partialSuccess: { ...partial, rejectedLogRecords: String(partial.rejectedLogRecords) } } : {});
  }
  const { ExportLogsServiceResponse } = otlpProto();
  return ExportLogsServiceResponse.encode(ExportLogsServiceResponse.fromObject(partial ? { partialSuccess: partial } : {})).finish();
}

/** google.rpc.Code for an HTTP status, as gRPC-HTTP mapping has it. */
function rpcCode(status: number): number {
  if (status === 400 || status === 413 || status === 415) return 3; // INVALID_ARGUMENT
  if (status === 401) return 16; // UNAUTHENTICATED
  if (status === 403) return 7; // PERMISSION_DENIED
  if (status === 404) return 5; // NOT_FOUND
  if (status === 405) return 12; // UNIMPLEMENTED
  if (status === 429) return 8; // RESOURCE_EXHAUSTED
  if (status === 503) return 14; // UNAVAILABLE
  return 13; // INTERNAL
}

/** A refusal as the OTLP/HTTP specification has it: the Status message, our code and request id in its text. */
export function statusResponse(err: ApiError, requestId: string, form: OtlpForm): Response {
  const message = `${err.code}: ${err.message} (request_id ${requestId})`;
  const code = rpcCode(err.status);
  let body: Uint8Array | string;
  if (form === 'otlp_json') body = JSON.stringify({ code, message, details: [] });
  else {
    const { Status } = otlpProto();
    body = Status.encode(Status.fromObject({ code, message })).finish();
  }
  return new Response(body as BodyInit, {
    status: err.status,
    headers: { ...err.headers, 'Content-Type': contentTypeOf(form), 'X-Request-Id': requestId, 'Cache-Control': 'no-store' },
  });
}
