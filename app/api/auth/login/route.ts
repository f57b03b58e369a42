import { z } from 'zod';
import { getMetaDb } from '@/db';
import { ApiError, jsonResponse, withApi } from '@/lib/api-error';
import { readSmallBody, seeOther } from '@/lib/auth/body';
import { isSecureRequest, readCookie, sessionCookie } from '@/lib/auth/cookies';
import { DEVICE_COOKIE, deviceCookie } from '@/auth/device';
import { isSameOrigin } from '@/lib/auth/csrf';
import { signIn } from '@/auth/login';
import { safeNext } from '@/auth/page';
import { clientAddress } from '@/lib/rate-limit';
import { homeFor } from '@/lib/roles';
import { SESSION_MAX_MS } from '@/db/queries/sessions';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const Credentials = z.object({
  email: z.string().trim().min(1, 'Enter your email.').max(254),
  password: z.string().min(1, 'Enter your password.').max(256),
  next: z.string().max(2000).optional(),
});

// POST email + password (JSON, or a form from /login) → session cookie.
export const POST = withApi(async (req, _ctx, requestId) => {
  if (!isSameOrigin(req)) throw new ApiError('csrf_failed', 'Sign in from the errata sign-in page.');
  const body = await readSmallBody(req);
  const parsed = Credentials.safeParse(body.data);
  const next = safeNext(typeof body.data.next === 'string' ? body.data.next : null);
  const back = (error: string, extra = '') => `/login?error=${error}${extra}${next !== '/' ? `&next=${encodeURIComponent(next)}` : ''}`;
  if (!parsed.success) {
    if (body.isForm) return seeOther(back('missing'));
    throw parsed.error;
  }
  const device = readCookie(req.headers.get('cookie'), DEVICE_COOKIE);
  const result = await signIn(getMetaDb(), { email: parsed.data.email, password: parsed.data.password, address: clientAddress(req), device });
  if (!result.ok) {
    if (body.isForm) {
      return result.code === 'login_locked' ? seeOther(back('locked', `&retry=${result.retry_after_s}`)) : seeOther(back('invalid'));
    }
    const headers: Record<string, string> = result.code === 'login_locked' ? { 'Retry-After': String(result.retry_after_s) } : {};
    throw new ApiError(result.code, result.message, result.code === 'login_locked' ? { retry_after: result.retry_after_s } : {}, headers);
  }
  const secure = isSecureRequest(req);
  const headers = new Headers({ 'X-Request-Id': requestId });
  headers.append('Set-Cookie', sessionCookie(result.token, Date.now() + SESSION_MAX_MS, secure));
  headers.append('Set-Cookie', deviceCookie(result.device, secure));
  if (body.isForm) return seeOther(next === '/' ? homeFor(result.user.role) : next, headers);
  return jsonResponse({ user: { email: result.user.email, role: result.user.role } }, requestId, { headers });
});
