import { getMetaDb } from '@/db';
import { recordAudit } from '@/db/queries/audit';
import { createSession, SESSION_MAX_MS } from '@/db/queries/sessions';
import { countUsers, createUser, isValidEmail } from '@/db/queries/users';
import { ApiError, jsonResponse, withApi } from '@/lib/api-error';
import { readSmallBody, seeOther } from '@/lib/auth/body';
import { isSecureRequest, sessionCookie } from '@/lib/auth/cookies';
import { isSameOrigin } from '@/lib/auth/csrf';
import { passwordProblem } from '@/lib/password';
import { checkSetupCode, consumeSetupCode } from '@/auth/setup';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// POST code + email + password → the first admin, signed in. Only while no user exists.
export const POST = withApi(async (req, _ctx, requestId) => {
  if (!isSameOrigin(req)) throw new ApiError('csrf_failed', 'Set up errata from its /setup page.');
  const db = getMetaDb();
  const { isForm, data } = await readSmallBody(req);
  const fail = (error: string, code: 'forbidden' | 'invalid_parameter', message: string, field?: string) => {
    if (isForm) return seeOther(`/setup?error=${error}`);
    throw new ApiError(code, message, field ? { field } : {});
  };
  if (countUsers(db) > 0) return fail('done', 'forbidden', 'errata already has users: sign in instead.');
  const code = typeof data.code === 'string' ? data.code : '';
  const email = typeof data.email === 'string' ? data.email.trim().toLowerCase() : '';
  const password = typeof data.password === 'string' ? data.password : '';
  if (!checkSetupCode(db, code)) return fail('code', 'forbidden', 'The one-time code is wrong: copy it from the server log.');
  if (!isValidEmail(email)) return fail('email', 'invalid_parameter', 'Enter a valid email.', 'email');
  const problem = passwordProblem(password);
  if (problem) return fail('password', 'invalid_parameter', problem, 'password');
  const { user } = await createUser(db, { email, role: 'admin', password });
  consumeSetupCode();
  recordAudit(db, { actor: 'setup', action: 'user.create', target: user.email, details: { role: 'admin', via: 'first-run page' } });
  const session = createSession(db, user.id);
  const cookie = sessionCookie(session.token, Date.now() + SESSION_MAX_MS, isSecureRequest(req));
  if (isForm) return seeOther('/', { 'Set-Cookie': cookie, 'X-Request-Id': requestId });
  return jsonResponse({ user: { email: user.email, role: user.role } }, requestId, { status: 201, headers: { 'Set-Cookie': cookie } });
});
