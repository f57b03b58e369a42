import { createHash, randomBytes } from 'node:crypto';
import { desc, eq } from 'drizzle-orm';
import type { Db } from '../client';
import { tokens, TOKEN_SCOPES, type TokenScope } from '../schema';

export const TOKEN_PREFIX = 'errata_';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface CreatedToken {
  id: number;
  name: string;
  scopes: TokenScope[];
  /** Shown once; only its hash is stored. */
  token: string;
}

export function createToken(db: Db, input: { name: string; scopes: TokenScope[]; created_by?: number | null }): CreatedToken {
  const token = TOKEN_PREFIX + randomBytes(24).toString('base64url');
  const scopes = [...new Set(input.scopes)].filter((s) => (TOKEN_SCOPES as readonly string[]).includes(s));
  if (scopes.length === 0) throw new Error('a token needs at least one scope');
  const row = db
    .insert(tokens)
    .values({
      name: input.name,
      token_prefix: token.slice(0, TOKEN_PREFIX.length + 6),
      token_hash: hashToken(token),
      scopes: scopes.join(','),
      created_ms: Date.now(),
      created_by: input.created_by ?? null,
    })
    .returning({ id: tokens.id })
    .get();
  return { id: row.id, name: input.name, scopes, token };
}

export interface TokenInfo {
  id: number;
  name: string;
  token_prefix: string;
  scopes: TokenScope[];
  created_ms: number;
  last_used_ms: number | null;
  revoked_ms: number | null;
}

function toInfo(row: typeof tokens.$inferSelect): TokenInfo {
  return {
    id: row.id,
    name: row.name,
    token_prefix: row.token_prefix,
    scopes: row.scopes.split(',').filter(Boolean) as TokenScope[],
    created_ms: row.created_ms,
    last_used_ms: row.last_used_ms,
    revoked_ms: row.revoked_ms,
  };
}

export function listTokens(db: Db): TokenInfo[] {
  return db.select().from(tokens).orderBy(desc(tokens.created_ms)).all().map(toInfo);
}

export function revokeToken(db: Db, id: number): boolean {
  const res = db.update(tokens).set({ revoked_ms: Date.now() }).where(eq(tokens.id, id)).run();
  return res.changes > 0;
}

const LAST_USED_RESOLUTION_MS = 60_000;

/** Finds a token by its secret; revoked tokens are returned with revoked_ms set so callers can say why. */
export function findToken(db: Db, token: string): TokenInfo | undefined {
  const row = db.select().from(tokens).where(eq(tokens.token_hash, hashToken(token))).get();
  if (!row) return undefined;
  const now = Date.now();
  if (!row.revoked_ms && (row.last_used_ms === null || now - row.last_used_ms > LAST_USED_RESOLUTION_MS)) {
    touchLastUsed(db, row.id, now);
  }
  return toInfo(row);
}

/**
 * last_used is coarse (once a minute) and best effort: it must never make a request wait behind the ingest
 * writer's transaction, so it is tried without a busy wait and skipped when the database is busy or cannot be written.
 */
function touchLastUsed(db: Db, id: number, now: number): void {
  const sqlite = db.$client;
  const previous = sqlite.pragma('busy_timeout', { simple: true }) as number;
  sqlite.pragma('busy_timeout = 0');
  try {
    db.update(tokens).set({ last_used_ms: now }).where(eq(tokens.id, id)).run();
  } catch {
    // Best effort, whatever the reason (busy, disk full, read-only file): bookkeeping must not fail a request.
  } finally {
    sqlite.pragma(`busy_timeout = ${Number(previous)}`);
  }
}
