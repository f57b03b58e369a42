// Admin actions shared by the API routes and the CLI: each one checks its invariants and writes the audit log.
import type { Db } from '@/db/client';
import { recordAudit } from '@/db/queries/audit';
import { deleteUserSessions } from '@/db/queries/sessions';
import { setRetentionDays } from '@/db/queries/settings';
import { createToken, listTokens, revokeToken, type CreatedToken } from '@/db/queries/tokens';
import { countActiveAdmins, createUser, getUserByEmail, getUserById, isValidEmail, normalizeEmail, setUserDisabled, setUserPassword, setUserRole, type UserInfo } from '@/db/queries/users';
import type { TokenScope, UserRole } from '@/lib/roles';
import { ApiError } from '@/lib/api-error';
import { generatePassword, passwordProblem } from '@/lib/password';

/** Finds a user by email for the CLI's verbs, which name users by email rather than id. */
export function userByEmail(db: Db, email: string): UserInfo {
  const user = getUserByEmail(db, normalizeEmail(email));
  if (!user) throw new ApiError('not_found', `No user ${normalizeEmail(email)}.`, { field: 'email' });
  return user;
}

export async function inviteUser(db: Db, actor: string, input: { email: string; role: UserRole; password?: string }): Promise<{ user: UserInfo; password: string }> {
  const email = normalizeEmail(input.email);
  if (!isValidEmail(email)) throw new ApiError('invalid_parameter', 'Enter a valid email.', { field: 'email' });
  if (input.password !== undefined) {
    const problem = passwordProblem(input.password);
    if (problem) throw new ApiError('invalid_parameter', problem, { field: 'password' });
  }
  if (getUserByEmail(db, email)) throw new ApiError('invalid_parameter', `A user with the email ${email} already exists.`, { field: 'email' });
  const created = await createUser(db, { email, role: input.role, password: input.password });
  recordAudit(db, { actor, action: 'user.create', target: email, details: { role: input.role } });
  return created;
}

function userOr404(db: Db, id: number): UserInfo {
  const user = Number.isSafeInteger(id) ? getUserById(db, id) : undefined;
  if (!user) throw new ApiError('not_found', 'No such user.', { id });
  return user;
}

function keepOneAdmin(db: Db, user: UserInfo): void {
  if (user.role === 'admin' && !user.disabled && countActiveAdmins(db) <= 1) {
    throw new ApiError('invalid_parameter', 'This is the last active admin: make another admin first.', { field: 'role' });
  }
}

export function updateUser(db: Db, actor: string, id: number, change: { role?: UserRole; disabled?: boolean }): UserInfo {
  return db.transaction(() => {
    const user = userOr404(db, id);
    if (change.role !== undefined && change.role !== user.role) {
      if (change.role !== 'admin') keepOneAdmin(db, user);
      setUserRole(db, id, change.role);
      recordAudit(db, { actor, action: 'user.set_role', target: user.email, details: { from: user.role, to: change.role } });
    }
    if (change.disabled !== undefined && change.disabled !== user.disabled) {
      if (change.disabled) keepOneAdmin(db, userOr404(db, id));
      setUserDisabled(db, id, change.disabled);
      if (change.disabled) deleteUserSessions(db, id);
      recordAudit(db, { actor, action: change.disabled ? 'user.disable' : 'user.enable', target: user.email });
    }
    return userOr404(db, id);
  });
}

/** Sets the given password, or a generated one (returned once), and ends the user's sessions. */
export async function resetPassword(db: Db, actor: string, id: number, given?: string): Promise<{ user: UserInfo; password: string }> {
  const user = userOr404(db, id);
  if (given !== undefined) {
    const problem = passwordProblem(given);
    if (problem) throw new ApiError('invalid_parameter', problem, { field: 'password' });
  }
  const password = given ?? generatePassword();
  await setUserPassword(db, id, password);
  deleteUserSessions(db, id);
  recordAudit(db, { actor, action: 'user.reset_password', target: user.email });
  return { user: userOr404(db, id), password };
}

export function issueToken(db: Db, actor: string, createdBy: number | null, input: { name: string; scopes: TokenScope[] }): CreatedToken {
  const created = createToken(db, { name: input.name, scopes: input.scopes, created_by: createdBy });
  recordAudit(db, { actor, action: 'token.create', target: `token:${created.id}`, details: { name: created.name, scopes: created.scopes } });
  return created;
}

export function revokeTokenById(db: Db, actor: string, id: number): void {
  const token = listTokens(db).find((t) => t.id === id);
  if (!token) throw new ApiError('not_found', 'No such token.', { id });
  if (token.revoked_ms) return;
  revokeToken(db, id);
  recordAudit(db, { actor, action: 'token.revoke', target: `token:${id}`, details: { name: token.name } });
}

export function changeRetention(db: Db, actor: string, from: number, days: number): void {
  setRetentionDays(db, days);
  recordAudit(db, { actor, action: 'retention.set', target: 'retention_days', details: { from, to: days } });
}
