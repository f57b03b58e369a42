import 'server-only';
import { getDb } from '@/db';
import { findToken, type TokenInfo } from '@/db/queries/tokens';
import type { TokenScope } from '@/db/schema';
import { ApiError } from '@/lib/api-error';

export interface ApiPrincipal {
  kind: 'token';
  token: TokenInfo;
}

/** The one check every API route handler calls: Bearer token with the scope, or a typed 401/403. */
export function requireScope(req: Request, scope: TokenScope): ApiPrincipal {
  const header = req.headers.get('authorization');
  if (!header) throw new ApiError('missing_credentials', 'Send "Authorization: Bearer <token>".');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new ApiError('invalid_credentials', 'The Authorization header must be "Bearer <token>".');
  const token = findToken(getDb(), match[1]);
  if (!token) throw new ApiError('invalid_credentials', 'The token does not exist.');
  if (token.revoked_ms) throw new ApiError('invalid_credentials', 'The token was revoked.');
  if (!token.scopes.includes(scope) && !token.scopes.includes('admin')) {
    throw new ApiError('scope_required', `This endpoint requires the ${scope} scope.`, { scope });
  }
  return { kind: 'token', token };
}
