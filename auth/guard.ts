// API route handlers: `const who = await requireAccess(req, { scope: 'read', role: 'support' })` first, inside withApi.
// Pages and layouts: `const user = await requirePageUser('engineer')` from auth/page.ts (redirects / 403s).
// Both read the same tables; middleware (proxy.ts) only adds headers and is never the guard.
import 'server-only';
import { getMetaDb } from '@/db';
import { findSession } from '@/db/queries/sessions';
import { findToken, type TokenInfo } from '@/db/queries/tokens';
import { hasRole, type TokenScope, type UserRole } from '@/lib/roles';
import { ApiError } from '@/lib/api-error';
import { readCookie, SESSION_COOKIE } from '@/lib/auth/cookies';
import { isSameOrigin } from '@/lib/auth/csrf';

export type Principal = { kind: 'token'; token: TokenInfo } | { kind: 'user'; user_id: number; email: string; role: UserRole };

export interface AccessNeed {
  /** What a Bearer token must carry (`admin` implies every scope). */
  scope: TokenScope;
  /** What a signed-in user must be at least (support < engineer < admin). Ignored for `ingest`: tokens only. */
  role: UserRole;
}

function fromBearer(header: string, need: AccessNeed): Principal {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new ApiError('invalid_credentials', 'The Authorization header must be "Bearer <token>".');
  const token = findToken(getMetaDb(), match[1]);
  if (!token) throw new ApiError('invalid_credentials', 'The token does not exist.');
  if (token.revoked_ms) throw new ApiError('invalid_credentials', 'The token was revoked.');
  if (!token.scopes.includes(need.scope) && !token.scopes.includes('admin')) {
    throw new ApiError('scope_required', `This endpoint requires the ${need.scope} scope.`, { scope: need.scope });
  }
  return { kind: 'token', token };
}

function fromSession(req: Request, cookie: string, need: AccessNeed): Principal {
  // Checked before the session so a forged cross-site request learns nothing.
  if (!isSameOrigin(req)) {
    throw new ApiError('csrf_failed', 'This request did not come from an errata page (Origin check failed). Reload the page and try again.');
  }
  const session = findSession(getMetaDb(), cookie);
  if (!session) throw new ApiError('invalid_credentials', 'Your session has expired or was ended. Sign in again.');
  // Only ingest tokens write records: no user role carries the ingest scope.
  if (need.scope === 'ingest') throw new ApiError('forbidden', 'Only a token with the ingest scope can send records.', { scope: 'ingest' });
  if (!hasRole(session.role, need.role)) {
    throw new ApiError('forbidden', `This needs the ${need.role} role; you are ${session.role}.`, { role: need.role });
  }
  return { kind: 'user', user_id: session.user_id, email: session.email, role: session.role };
}

/**
 * The one check every API route handler calls first: a Bearer token with the scope, or a session user with
 * the role (cookie-authenticated mutations must also pass the Origin check). Throws the typed 401/403 that
 * `withApi` maps to the envelope.
 */
export async function requireAccess(req: Request, need: AccessNeed): Promise<Principal> {
  const header = req.headers.get('authorization');
  if (header) return fromBearer(header, need);
  const cookie = readCookie(req.headers.get('cookie'), SESSION_COOKIE);
  if (cookie) return fromSession(req, cookie, need);
  throw new ApiError('missing_credentials', 'Send "Authorization: Bearer <token>" or sign in.');
}

/**
 * Which token a refused call presented, for ingest health: its id when errata knows the token (revoked, or without
 * the scope), else null (unknown, malformed or no token at all).
 */
export function presentedTokenId(req: Request): number | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.get('authorization') ?? '');
  return match ? (findToken(getMetaDb(), match[1])?.id ?? null) : null;
}

/** The name an audit entry records for a principal: the user's email or `token:<id>`. */
export function actorOf(principal: Principal): string {
  return principal.kind === 'user' ? principal.email : `token:${principal.token.id}`;
}
