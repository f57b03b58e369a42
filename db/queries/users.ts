// Users: accounts, roles, password checks and lockout. Plain functions over a Db; no Next.js imports.
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { USER_ROLES, type UserRole } from '@/lib/roles';
import { login_throttle, users } from '../schema';
import { dummyPasswordHash, generatePassword, hashPassword, hashPasswordSync, verifyPassword } from '@/lib/password';
import type { UserInfo } from '@/lib/api-types';

export { USER_ROLES, type UserRole };

/** A user as the admin API shows it (lib/wire.ts): no hash, no throttle counters. */
export type { UserInfo };

function toInfo(row: typeof users.$inferSelect): UserInfo {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    disabled: row.disabled,
    created_ms: row.created_ms,
    last_login_ms: row.last_login_ms,
    locked_until_ms: row.locked_until_ms,
  };
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function isValidEmail(email: string): boolean {
  return email.length <= 254 && /^[^\s@<>"']+@[^\s@<>"']+$/.test(email);
}

export class UserExistsError extends Error {
  constructor(email: string) {
    super(`A user with the email ${email} already exists.`);
  }
}

function insertUser(db: Db, email: string, role: UserRole, passwordHash: string): UserInfo {
  const normalized = normalizeEmail(email);
  if (getUserByEmail(db, normalized)) throw new UserExistsError(normalized);
  const row = db
    .insert(users)
    .values({ email: normalized, role, password_hash: passwordHash, created_ms: Date.now() })
    .returning()
    .get();
  return toInfo(row);
}

/** Creates a user; the password is generated when none is given and returned once. */
export async function createUser(db: Db, input: { email: string; role: UserRole; password?: string }): Promise<{ user: UserInfo; password: string }> {
  const password = input.password ?? generatePassword();
  const passwordHash = await hashPassword(password);
  return { user: insertUser(db, input.email, input.role, passwordHash), password };
}

export function countUsers(db: Db): number {
  return db.select({ n: sql<number>`count(*)` }).from(users).get()?.n ?? 0;
}

export function getUserByEmail(db: Db, email: string): UserInfo | undefined {
  const row = db.select().from(users).where(eq(users.email, normalizeEmail(email))).get();
  return row ? toInfo(row) : undefined;
}

export function getUserById(db: Db, id: number): UserInfo | undefined {
  const row = db.select().from(users).where(eq(users.id, id)).get();
  return row ? toInfo(row) : undefined;
}

export function listUsers(db: Db): UserInfo[] {
  return db.select().from(users).orderBy(asc(users.email)).all().map(toInfo);
}

export function setUserRole(db: Db, id: number, role: UserRole): boolean {
  return db.update(users).set({ role }).where(eq(users.id, id)).run().changes > 0;
}

/** Disabling also clears the lockout counter so re-enabling starts clean. Sessions are deleted by the caller. */
export function setUserDisabled(db: Db, id: number, disabled: boolean): boolean {
  return db.update(users).set({ disabled, failed_logins: 0, locked_until_ms: null }).where(eq(users.id, id)).run().changes > 0;
}

export async function setUserPassword(db: Db, id: number, password: string): Promise<boolean> {
  const password_hash = await hashPassword(password);
  // A new password starts the account's sign-in counter over (another admin's way in during an attack).
  return db.transaction((tx) => {
    const row = tx.update(users).set({ password_hash, failed_logins: 0, locked_until_ms: null }).where(eq(users.id, id)).returning({ email: users.email }).get();
    if (row) tx.delete(login_throttle).where(and(eq(login_throttle.scope, 'account'), eq(login_throttle.key, row.email))).run();
    return row !== undefined;
  });
}

/** Admins that can still sign in: the last one may not be demoted or disabled. */
export function countActiveAdmins(db: Db): number {
  return (
    db
      .select({ n: sql<number>`count(*)` })
      .from(users)
      .where(sql`${users.role} = 'admin' and ${users.disabled} = 0`)
      .get()?.n ?? 0
  );
}

/** The admin pages' "locked" column: the account throttle's count and the time its wait ends. */
export function recordAccountLock(db: Db, email: string, failures: number, locked_until_ms: number | null): void {
  db.update(users).set({ failed_logins: failures, locked_until_ms }).where(eq(users.email, normalizeEmail(email))).run();
}

export type PasswordCheck =
  | { ok: true; user: UserInfo }
  /** `known` is for the caller's bookkeeping only; never tell the client which it was. */
  | { ok: false; reason: 'invalid'; known: boolean };

/**
 * Checks an email and password. Unknown emails and disabled users answer 'invalid' after the same hashing work
 * (a dummy hash), so neither the answer nor its timing tells them apart. Throttling is the caller's
 * (auth/login.ts); the lockout columns are only cleared here, for databases from older versions.
 */
export async function checkPassword(db: Db, email: string, password: string, now = Date.now()): Promise<PasswordCheck> {
  const row = db.select().from(users).where(eq(users.email, normalizeEmail(email))).get();
  const good = await verifyPassword(row && !row.disabled ? row.password_hash : dummyPasswordHash(), password);
  if (!row || row.disabled || !good) return { ok: false, reason: 'invalid', known: !!row };
  const updated = db
    .update(users)
    .set({ failed_logins: 0, locked_until_ms: null, last_login_ms: now })
    .where(eq(users.id, row.id))
    .returning()
    .get();
  return { ok: true, user: toInfo(updated) };
}

export const DEMO_ADMIN_EMAIL = 'demo-admin@errata.local';

/**
 * Creates (or resets) the demo admin with a fresh generated password and returns its sign-in.
 * Called by `npm run demo`; synchronous so the demo script needs no await.
 */
export function ensureDemoAdmin(db: Db): { email: string; password: string } {
  const password = generatePassword();
  const passwordHash = hashPasswordSync(password);
  const existing = getUserByEmail(db, DEMO_ADMIN_EMAIL);
  if (existing) {
    db.update(users)
      .set({ password_hash: passwordHash, role: 'admin', disabled: false, failed_logins: 0, locked_until_ms: null })
      .where(eq(users.id, existing.id))
      .run();
  } else {
    insertUser(db, DEMO_ADMIN_EMAIL, 'admin', passwordHash);
  }
  return { email: DEMO_ADMIN_EMAIL, password };
}
