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
  // Decoded as it arrives, with a turn of the event loop every YIELD_BYTES: when a megabyte is already buffered,
  // reads resolve as microtasks one after the other and would otherwise hold every other request until the end.
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  const parts: string[] = [];
  let size = 0;
  let sinceYield = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    parts.push(decoder.decode(value, { stream: true }));
    sinceYield += value.byteLength;
    if (sinceYield >= YIELD_BYTES) {
      sinceYield = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  parts.push(decoder.decode());
  return parts.join('');
}

const YIELD_BYTES = 128 * 1024;

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
