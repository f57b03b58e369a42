import 'server-only';
import { getDb } from '@/db';
import { findToken, type TokenInfo } from '@/db/queries/tokens';
import type { TokenScope, UserRole } from '@/db/schema';
import { ApiError } from '@/lib/api-error';

export type Principal = { kind: 'token'; token: TokenInfo } | { kind: 'user'; user_id: number; email: string; role: UserRole };

export interface AccessNeed {
  /** What a Bearer token must carry (`admin` implies every scope). */
  scope: TokenScope;
  /** What a signed-in user must be at least (support < engineer < admin). */
  role: UserRole;
}

function fromBearer(header: string, need: AccessNeed): Principal {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new ApiError('invalid_credentials', 'The Authorization header must be "Bearer <token>".');
  const token = findToken(getDb(), match[1]);
  if (!token) throw new ApiError('invalid_credentials', 'The token does not exist.');
  if (token.revoked_ms) throw new ApiError('invalid_credentials', 'The token was revoked.');
  if (!token.scopes.includes(need.scope) && !token.scopes.includes('admin')) {
    throw new ApiError('scope_required', `This endpoint requires the ${need.scope} scope.`, { scope: need.scope });
  }
  return { kind: 'token', token };
}

/**
 * The one check every API route handler calls first: a Bearer token with the scope, or (later) a session
 * user with the role. Throws the typed 401/403 that `withApi` maps to the envelope.
 */
export async function requireAccess(req: Request, need: AccessNeed): Promise<Principal> {
  const header = req.headers.get('authorization');
  if (header) return fromBearer(header, need);
  throw new ApiError('missing_credentials', 'Send "Authorization: Bearer <token>" or sign in.');
}
