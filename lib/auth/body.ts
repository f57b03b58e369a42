// Small request bodies for the auth and admin endpoints: JSON from scripts, url-encoded forms from our pages.
import { ApiError } from '@/lib/api-error';

const MAX_BYTES = 64 * 1024;

export interface ParsedBody {
  /** A browser form post: answer with a 303 redirect instead of JSON. */
  isForm: boolean;
  data: Record<string, unknown>;
}

/** The body as text, refused as soon as it passes `maxBytes` (declared or read): the work per request stays bounded. */
export async function readCapped(req: Request, maxBytes = MAX_BYTES): Promise<string> {
  const tooLarge = () => new ApiError('payload_too_large', 'The request body is too large.', { limit_bytes: maxBytes });
  if (Number(req.headers.get('content-length') ?? 0) > maxBytes) throw tooLarge();
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function readSmallBody(req: Request): Promise<ParsedBody> {
  const type = (req.headers.get('content-type') ?? '').toLowerCase();
  const text = await readCapped(req);
  if (type.includes('application/x-www-form-urlencoded')) {
    return { isForm: true, data: Object.fromEntries(new URLSearchParams(text)) };
  }
  if (!text.trim()) return { isForm: false, data: {} };
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return { isForm: false, data: parsed as Record<string, unknown> };
  } catch {
    throw new ApiError('invalid_body', 'The body must be a JSON object.');
  }
}

/** A 303 to a local path (callers pass only paths they built or checked with safeNext): what a form post gets back. */
export function seeOther(location: string, headers: HeadersInit = {}): Response {
  const h = new Headers(headers);
  h.set('Location', location);
  h.set('Cache-Control', 'no-store');
  return new Response(null, { status: 303, headers: h });
}
