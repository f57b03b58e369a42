import { getMetaDb } from '@/db';
import { recordAudit } from '@/db/queries/audit';
import { createSession, deleteUserSessions, SESSION_MAX_MS } from '@/db/queries/sessions';
import { setUserPassword } from '@/db/queries/users';
import { ApiError, jsonResponse, withApi } from '@/lib/api-error';
import { readSmallBody, seeOther } from '@/lib/auth/body';
import { isSecureRequest, sessionCookie } from '@/lib/auth/cookies';
import { requireAccess } from '@/auth/guard';
import { checkCurrentPassword, lockedMessage } from '@/auth/login';
import { passwordProblem } from '@/lib/password';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// POST {current_password, new_password} from a signed-in user → every other session ends, this one is renewed.
export const POST = withApi(async (req, _ctx, requestId) => {
  const who = await requireAccess(req, { scope: 'read', role: 'support' });
  if (who.kind !== 'user') throw new ApiError('forbidden', 'Tokens have no password: sign in to change yours.');
  const { isForm, data } = await readSmallBody(req);
  const current = typeof data.current_password === 'string' ? data.current_password : '';
  const next = typeof data.new_password === 'string' ? data.new_password : '';
  const fail = (error: string, code: 'invalid_parameter' | 'invalid_credentials' | 'login_locked', message: string, field: string) => {
    if (isForm) return seeOther(`/account?error=${error}`);
    throw new ApiError(code, message, { field });
  };
  const problem = passwordProblem(next);
  if (problem) return fail('weak', 'invalid_parameter', problem, 'new_password');
  if (isForm && data.confirm_password !== next) return fail('mismatch', 'invalid_parameter', 'The two new passwords differ.', 'confirm_password');
  const db = getMetaDb();
  // Counts toward the account's throttle like a sign-in: a stolen session cannot guess the password.
  const check = await checkCurrentPassword(db, who.email, current);
  if (typeof check === 'object') return fail('locked', 'login_locked', lockedMessage(check.retry_after_s), 'current_password');
  if (check === 'wrong') return fail('current', 'invalid_credentials', 'The current password is wrong.', 'current_password');
  await setUserPassword(db, who.user_id, next);
  deleteUserSessions(db, who.user_id);
  recordAudit(db, { actor: who.email, action: 'user.change_password', target: who.email });
  const session = createSession(db, who.user_id);
  const cookie = sessionCookie(session.token, Date.now() + SESSION_MAX_MS, isSecureRequest(req));
  if (isForm) return seeOther('/account?changed=1', { 'Set-Cookie': cookie, 'X-Request-Id': requestId });
  return jsonResponse({ changed: true }, requestId, { headers: { 'Set-Cookie': cookie } });
});
