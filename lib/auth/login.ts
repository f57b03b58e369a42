// Sign-in: per-address rate limit, per-account lockout, session creation and the audit entry.
import type { Db } from '@/db/client';
import { recordAudit } from '@/db/queries/audit';
import { createSession, pruneExpiredSessions } from '@/db/queries/sessions';
import { checkPassword, LOCKOUT_MS, LOCKOUT_THRESHOLD, normalizeEmail, type UserInfo } from '@/db/queries/users';
import { createLimiter, trustedProxyHops } from './rate-limit';

/** Failed sign-ins from one address in 15 minutes before it must wait (many accounts, one attacker). */
export const ADDRESS_MAX_FAILURES = 30;
const ADDRESS_WINDOW_MS = 15 * 60_000;
/**
 * Failed sign-ins from all addresses together in 15 minutes before sign-in pauses for everyone. Applies only
 * when the address is the client's own word (no ERRATA_TRUST_PROXY): a client that forges X-Forwarded-For can
 * spread its guesses over any number of "addresses", but not past this.
 */
export const GLOBAL_MAX_FAILURES = 300;
const ALL_ADDRESSES = '*';

type Limiter = ReturnType<typeof createLimiter>;
const g = globalThis as unknown as { errataLoginLimiter?: Limiter; errataUnknownEmailLimiter?: Limiter; errataGlobalLoginLimiter?: Limiter };
const addressLimiter = () => (g.errataLoginLimiter ??= createLimiter(ADDRESS_MAX_FAILURES, ADDRESS_WINDOW_MS));
const globalLimiter = () => (g.errataGlobalLoginLimiter ??= createLimiter(GLOBAL_MAX_FAILURES, ADDRESS_WINDOW_MS));
// Emails with no account "lock" exactly like real ones, so the lockout message never reveals who has an account.
const unknownEmailLimiter = () => (g.errataUnknownEmailLimiter ??= createLimiter(LOCKOUT_THRESHOLD, LOCKOUT_MS));

export type SignInResult =
  | { ok: true; user: UserInfo; token: string; expires_ms: number }
  | { ok: false; code: 'invalid_credentials'; message: string }
  | { ok: false; code: 'login_locked'; message: string; retry_after_s: number };

function minutes(seconds: number): string {
  const m = Math.max(1, Math.ceil(seconds / 60));
  return m === 1 ? '1 minute' : `${m} minutes`;
}

export function lockedMessage(retryAfterS: number): string {
  return `Too many failed sign-in attempts. This account is locked; try again in ${minutes(retryAfterS)}.`;
}

/** `addressTrusted`: the address came through a trusted proxy (default: ERRATA_TRUST_PROXY is set). */
export async function signIn(
  db: Db,
  input: { email: string; password: string; address: string; addressTrusted?: boolean },
  now = Date.now(),
): Promise<SignInResult> {
  const perAddress = addressLimiter();
  const global = (input.addressTrusted ?? trustedProxyHops() > 0) ? null : globalLimiter();
  const limiter = {
    fail(address: string, at: number) {
      perAddress.fail(address, at);
      global?.fail(ALL_ADDRESSES, at);
    },
  };
  const email = normalizeEmail(input.email);
  const globalWait = global?.retryAfter(ALL_ADDRESSES, now) ?? 0;
  if (globalWait > 0) {
    return { ok: false, code: 'login_locked', retry_after_s: globalWait, message: `Too many failed sign-in attempts on this server. Sign-in is paused; try again in ${minutes(globalWait)}.` };
  }
  const wait = perAddress.retryAfter(input.address, now);
  if (wait > 0) {
    return { ok: false, code: 'login_locked', retry_after_s: wait, message: `Too many failed sign-in attempts from your address. Try again in ${minutes(wait)}.` };
  }
  const unknownWait = unknownEmailLimiter().retryAfter(email, now);
  if (unknownWait > 0) {
    limiter.fail(input.address, now);
    return { ok: false, code: 'login_locked', retry_after_s: unknownWait, message: lockedMessage(unknownWait) };
  }
  const check = await checkPassword(db, email, input.password, now);
  if (!check.ok) {
    limiter.fail(input.address, now);
    if (check.reason === 'invalid' && !check.known) {
      unknownEmailLimiter().fail(email, now);
      const retry = unknownEmailLimiter().retryAfter(email, now);
      if (retry > 0) return { ok: false, code: 'login_locked', retry_after_s: retry, message: lockedMessage(retry) };
    }
    if (check.reason === 'locked') {
      // This failure is the one that locked the account: worth an admin's attention.
      if (check.locked_until_ms === now + LOCKOUT_MS) {
        recordAudit(db, { actor: email, action: 'auth.lockout', target: email, details: { address: input.address, minutes: LOCKOUT_MS / 60_000 } }, now);
      }
      const retry = Math.ceil((check.locked_until_ms - now) / 1000);
      return { ok: false, code: 'login_locked', retry_after_s: retry, message: lockedMessage(retry) };
    }
    return { ok: false, code: 'invalid_credentials', message: 'Wrong email or password.' };
  }
  // Sign-ins are rare and cheap to piggyback on: expired sessions leave the table here.
  pruneExpiredSessions(db, now);
  const session = createSession(db, check.user.id, now);
  recordAudit(db, { actor: check.user.email, action: 'auth.login', target: check.user.email, details: { address: input.address } }, now);
  return { ok: true, user: check.user, token: session.token, expires_ms: session.expires_ms };
}

/** Tests only: forget the sign-in counters (per address, per unknown email, all addresses). */
export function resetLoginLimiter(): void {
  g.errataLoginLimiter = undefined;
  g.errataUnknownEmailLimiter = undefined;
  g.errataGlobalLoginLimiter = undefined;
}
