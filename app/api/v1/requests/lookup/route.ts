import { getStore } from '@/db';
import { lookupAnswer } from '@/components/lookup/lookup-answer';
import { ApiError, jsonResponse, withApi } from '@/lib/api-error';
import { readCapped } from '@/lib/auth/body';
import { requireAccess } from '@/auth/guard';
import { lookupBodySchema, MAX_LOOKUP_TEXT } from '@/lib/request-ids';
import { endpointQuery } from '@/lib/query-params';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** JSON {"text": "..."} when the body is a JSON object with `text`; otherwise the body itself is the text. */
function textOf(body: string): string {
  if (!body.trimStart().startsWith('{')) return body;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return body;
  }
  const parsed = lookupBodySchema.safeParse(json);
  if (!parsed.success) throw new ApiError('invalid_body', 'Send {"text": "..."} or the text itself as text/plain.', { field: 'text' });
  return parsed.data.text;
}

export const POST = withApi(async (req, _ctx, requestId) => {
  await requireAccess(req, { scope: 'read', role: 'support' });
  endpointQuery(req, '/api/v1/requests/lookup');
  // Read capped in bytes (a JSON-escaped 1 MB text may take up to 6 bytes a character) before the length check.
  const body = await readCapped(req, MAX_LOOKUP_TEXT * 6 + 1024);
  if (body.length > MAX_LOOKUP_TEXT) throw new ApiError('payload_too_large', 'Paste at most 1 MB of text.', { limit: MAX_LOOKUP_TEXT });
  // The lookup page's answer (found lines, near misses, not-ids, store facts, one reply), built by the same function.
  return jsonResponse(lookupAnswer(await getStore().supportLookup(textOf(body))), requestId);
});

// Without this, Next answers a GET with a bare 405 (no envelope, no X-Request-Id).
export const GET = withApi(async () => {
  throw new ApiError('method_not_allowed', 'Send the text with POST (JSON {"text": "..."} or text/plain).', {}, { Allow: 'POST' });
});
