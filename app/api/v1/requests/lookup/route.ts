import { getStore } from '@/db';
import { ApiError, jsonResponse, withApi } from '@/lib/api-error';
import { requireAccess } from '@/lib/auth/guard';
import { lookupBodySchema, MAX_LOOKUP_TEXT } from '@/lib/request-ids';

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
  const body = await req.text();
  if (body.length > MAX_LOOKUP_TEXT) throw new ApiError('payload_too_large', 'Paste at most 1 MB of text.', { limit: MAX_LOOKUP_TEXT });
  return jsonResponse(await getStore().lookup(textOf(body)), requestId);
});

// Without this, Next answers a GET with a bare 405 (no envelope, no X-Request-Id).
export const GET = withApi(async () => {
  throw new ApiError('method_not_allowed', 'Send the text with POST (JSON {"text": "..."} or text/plain).', {}, { Allow: 'POST' });
});
