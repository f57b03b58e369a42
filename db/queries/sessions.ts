// Sessions: a random 32-byte cookie value; only its SHA-256 is stored. Sliding expiry with an absolute cap.
import { createHash, randomBytes } from 'node:crypto';
import { eq, lt } from 'drizzle-orm';
import type { Db } from '../client';
import type { UserRole } from '@/lib/roles';
import { sessions, users } from '../schema';

/** Idle lifetime: a session unused for this long expires. */
export const SESSION_IDLE_MS = 7 * 24 * 60 * 60_000;
/** Absolute lifetime: even a session in daily use ends this long after sign-in. */
export const SESSION_MAX_MS = 30 * 24 * 60 * 60_000;
/** Expiry is pushed forward at most once per this interval, to avoid a write per request. */
const SLIDE_RESOLUTION_MS = 60 * 60_000;

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function createSession(db: Db, userId: number, now = Date.now()): { token: string; expires_ms: number } {
  const token = randomBytes(32).toString('base64url');
  const expires_ms = now + SESSION_IDLE_MS;
  db.insert(sessions).values({ id_hash: hashSessionToken(token), user_id: userId, created_ms: now, expires_ms }).run();
  return { token, expires_ms };
}

export interface SessionUser {
  user_id: number;
  email: string;
  role: UserRole;
  expires_ms: number;
}

/** The user behind a cookie value, or undefined when unknown, expired or disabled. Slides the expiry. */
export function findSession(db: Db, token: string, now = Date.now()): SessionUser | undefined {
  if (!token || token.length > 128) return undefined;
  const idHash = hashSessionToken(token);
  const row = db
    .select({
      user_id: sessions.user_id,
      created_ms: sessions.created_ms,
      expires_ms: sessions.expires_ms,
      email: users.email,
      role: users.role,
      disabled: users.disabled,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.user_id))
    .where(eq(sessions.id_hash, idHash))
    .get();
  if (!row) return undefined;
  if (row.disabled || row.expires_ms <= now || row.created_ms + SESSION_MAX_MS <= now) {
    db.delete(sessions).where(eq(sessions.id_hash, idHash)).run();
    return undefined;
  }
  let expires_ms = row.expires_ms;
  const wanted = Math.min(now + SESSION_IDLE_MS, row.created_ms + SESSION_MAX_MS);
  if (wanted - expires_ms > SLIDE_RESOLUTION_MS) {
    db.update(sessions).set({ expires_ms: wanted }).where(eq(sessions.id_hash, idHash)).run();
    expires_ms = wanted;
  }
  return { user_id: row.user_id, email: row.email, role: row.role, expires_ms };
}

export function deleteSession(db: Db, token: string): void {
  db.delete(sessions).where(eq(sessions.id_hash, hashSessionToken(token))).run();
}

export function deleteUserSessions(db: Db, userId: number): number {
  return db.delete(sessions).where(eq(sessions.user_id, userId)).run().changes;
}

export function pruneExpiredSessions(db: Db, now = Date.now()): number {
  return db.delete(sessions).where(lt(sessions.expires_ms, now)).run().changes;
}

