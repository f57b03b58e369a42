// Audit log of admin actions, sign-ins and exports: who, what, when.
import { and, desc, eq, lt } from 'drizzle-orm';
import type { Db } from '../client';
import { auditLog } from '../schema';
import type { AuditEntry } from '@/lib/api-types';

export interface AuditEntryInput {
  /** Who: a user's email, `token:<id>` for a token, or `cli`. */
  actor: string;
  /** What, dotted: `user.create`, `token.revoke`, `retention.set`, `auth.login`, `export.requests`, ... */
  action: string;
  /** On what: an email, `token:<id>`, a setting key; null when nothing in particular. */
  target?: string | null;
  /** Anything else worth keeping; stored as JSON text. Never secrets. */
  details?: Record<string, unknown> | null;
}

/** An audit entry as the admin API lists it (lib/wire.ts). */
export type { AuditEntry };

export function recordAudit(db: Db, entry: AuditEntryInput, now = Date.now()): void {
  db.insert(auditLog)
    .values({
      ts_ms: now,
      actor: entry.actor,
      action: entry.action,
      target: entry.target ?? null,
      details: entry.details ? JSON.stringify(entry.details) : null,
    })
    .run();
}

export interface AuditFilters {
  limit?: number;
  /** Keyset cursor: entries with an id below this one. */
  before_id?: number;
  action?: string;
}

export function listAudit(db: Db, filters: AuditFilters = {}): AuditEntry[] {
  const conditions = [];
  if (filters.before_id) conditions.push(lt(auditLog.id, filters.before_id));
  if (filters.action) conditions.push(eq(auditLog.action, filters.action));
  const limit = Math.min(Math.max(filters.limit ?? 100, 1), 1000);
  return db
    .select()
    .from(auditLog)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(limit)
    .all()
    .map((r) => ({ ...r, details: r.details ? (JSON.parse(r.details) as Record<string, unknown>) : null }));
}
