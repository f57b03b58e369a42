// Who may do what under /api/v1/alerts: support reads, engineers and admins edit rules and acknowledge, channels and
// the delivery log are admin settings. Tokens: read, or admin for changes.
import type { AccessNeed } from '@/auth/guard';

export const READ: AccessNeed = { scope: 'read', role: 'support' };
export const EDIT: AccessNeed = { scope: 'admin', role: 'engineer' };
export const ADMIN: AccessNeed = { scope: 'admin', role: 'admin' };

export function idParam(raw: string): number {
  const n = Number(raw);
  return Number.isSafeInteger(n) && n > 0 ? n : -1;
}
