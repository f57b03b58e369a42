// Sign-in: throttles, the password check, session creation and the audit entry.
//
// Failures are counted per account (every email alike, whether it exists, is disabled or not, so the answers
// reveal nothing), per client address, and per known device. Each counter allows a few failures and then makes
// its key wait, twice as long after each further failure. None of them stops anyone else: an attack on the admin's
// account from anywhere makes that account slow to guess, but the admin's own browser (device cookie) still gets in.
import type { Db } from '@/db/client';
import { recordAudit } from '@/db/queries/audit';
import { createSession, pruneExpiredSessions } from '@/db/queries/sessions';
import { throttleStore } from '@/db/queries/login-throttle';
import { checkPassword, normalizeEmail, recordAccountLock, type UserInfo } from '@/db/queries/users';
import { issueDevice, verifyDevice } from './device';
import { createThrottle, type Throttle, type ThrottleRule } from '@/lib/rate-limit';

const MINUTE = 60_000;
/** Per account: 3 tries, then 10 s, 20 s, 40 s, ... up to 15 minutes between tries (5 tries in the first minute). */
export const ACCOUNT_RULE: ThrottleRule = { free: 3, baseMs: 10_000, capMs: 15 * MINUTE, forgetMs: 60 * MINUTE };
/** Per client address, across accounts: 30 tries, then 1 s, 2 s, ... up to 15 minutes. */
export const ADDRESS_RULE: ThrottleRule = { free: 30, baseMs: 1_000, capMs: 15 * MINUTE, forgetMs: 60 * MINUTE };
/** Per known device: its owner's typos (5 tries, then 10 s, 20 s, ...); a stolen cookie guesses no faster. */
export const DEVICE_RULE: ThrottleRule = { free: 5, baseMs: 10_000, capMs: 15 * MINUTE, forgetMs: 60 * MINUTE };

type Throttles = { account: Throttle; address: Throttle; device: Throttle };
const perDb = new WeakMap<Db, Throttles>();
/** The counters themselves are rows of the metadata database; only the sweep schedule lives here. */
function throttles(db: Db): Throttles {
  let t = perDb.get(db);
  if (!t) {
    t = {
      account: createThrottle(ACCOUNT_RULE, throttleStore(db, 'account')),
      address: createThrottle(ADDRESS_RULE, throttleStore(db, 'address')),
      device: createThrottle(DEVICE_RULE, throttleStore(db, 'device')),
    };
    perDb.set(db, t);
  }
  return t;
}

export type SignInResult =
  | { ok: true; user: UserInfo; token: string; expires_ms: number; device: string }
  | { ok: false; code: 'invalid_credentials'; message: string }
  | { ok: false; code: 'login_locked'; message: string; retry_after_s: number };

function waitText(seconds: number): string {
  if (seconds < 60) return seconds === 1 ? '1 second' : `${seconds} seconds`;
  const m = Math.ceil(seconds / 60);
  return m === 1 ? '1 minute' : `${m} minutes`;
}

export function lockedMessage(retryAfterS: number): string {
  return `Too many failed sign-in attempts. Try again in ${waitText(retryAfterS)}.`;
}

function locked(retry: number): SignInResult {
  return { ok: false, code: 'login_locked', retry_after_s: retry, message: lockedMessage(retry) };
}

/**
 * `device`: the errata_device cookie, if the browser sent one. When it is valid for this email, only the device's
 * own counter applies; otherwise the account's and the address's.
 */
export async function signIn(
  db: Db,
  input: { email: string; password: string; address: string; device?: string },
  now = Date.now(),
): Promise<SignInResult> {
  const t = throttles(db);
  const email = normalizeEmail(input.email);
  const device = verifyDevice(db, input.device, email);
  const keys: [Throttle, string][] = device ? [[t.device, device]] : [[t.account, email], [t.address, input.address]];
  const wait = Math.max(...keys.map(([th, k]) => th.retryAfter(k, now)));
  if (wait > 0) return locked(wait);
  // Unknown and disabled accounts cost the same hashing as real ones (checkPassword uses a dummy hash).
  const check = await checkPassword(db, email, input.password, now);
  if (!check.ok) {
    const after = Math.max(...keys.map(([th, k]) => th.fail(k, now)));
    if (!device && check.known) {
      const wait = t.account.retryAfter(email, now);
      recordAccountLock(db, email, t.account.failures(email, now), wait > 0 ? now + wait * 1000 : null);
      // The failure that first makes a real account wait is worth an admin's attention.
      if (wait === ACCOUNT_RULE.baseMs / 1000) {
        recordAudit(db, { actor: email, action: 'auth.lockout', target: email, details: { address: input.address, wait_s: wait } }, now);
      }
    }
    return after > 0 ? locked(after) : { ok: false, code: 'invalid_credentials', message: 'Wrong email or password.' };
  }
  for (const [th, k] of keys) th.reset(k);
  // Sign-ins are rare and cheap to piggyback on: expired sessions leave the table here.
  pruneExpiredSessions(db, now);
  const session = createSession(db, check.user.id, now);
  recordAudit(db, { actor: check.user.email, action: 'auth.login', target: check.user.email, details: { address: input.address, known_device: device !== null } }, now);
  return { ok: true, user: check.user, token: session.token, expires_ms: session.expires_ms, device: issueDevice(db, check.user.email) };
}

/** A signed-in user's current password (changing it): counted against the account like a sign-in. */
export async function checkCurrentPassword(db: Db, email: string, password: string, now = Date.now()): Promise<'ok' | 'wrong' | { retry_after_s: number }> {
  const account = throttles(db).account;
  const key = normalizeEmail(email);
  const wait = account.retryAfter(key, now);
  if (wait > 0) return { retry_after_s: wait };
  if ((await checkPassword(db, key, password, now)).ok) return 'ok';
  account.fail(key, now);
  return 'wrong';
}
