import { getMetaDb } from '@/db';
import { recordAudit } from '@/db/queries/audit';
import { deleteSession, findSession } from '@/db/queries/sessions';
import { ApiError, jsonResponse, withApi } from '@/lib/api-error';
import { clearedSessionCookie, isSecureRequest, readCookie, SESSION_COOKIE } from '@/lib/auth/cookies';
import { isSameOrigin } from '@/lib/auth/csrf';
import { seeOther } from '@/lib/auth/body';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// POST → ends this session (form posts from the sign-out button get a 303 to /login).
export const POST = withApi(async (req, _ctx, requestId) => {
  if (!isSameOrigin(req)) throw new ApiError('csrf_failed', 'Sign out from an errata page.');
  const token = readCookie(req.headers.get('cookie'), SESSION_COOKIE);
  if (token) {
    const db = getMetaDb();
    const session = findSession(db, token);
    deleteSession(db, token);
    if (session) recordAudit(db, { actor: session.email, action: 'auth.logout', target: session.email });
  }
  const cookie = clearedSessionCookie(isSecureRequest(req));
  const isForm = (req.headers.get('content-type') ?? '').includes('application/x-www-form-urlencoded');
  if (isForm) return seeOther('/login?signed_out=1', { 'Set-Cookie': cookie, 'X-Request-Id': requestId });
  return jsonResponse({ signed_out: true }, requestId, { headers: { 'Set-Cookie': cookie } });
});
