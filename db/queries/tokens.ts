import { createHash, randomBytes } from 'node:crypto';
import { desc, eq, inArray } from 'drizzle-orm';
import type Database from 'better-sqlite3';
import type { Db } from '../client';
import { TOKEN_SCOPES, type TokenScope } from '@/lib/roles';
import { tokens } from '../schema';
import type { TokenInfo, CreatedToken } from '@/lib/api-types';

export const TOKEN_PREFIX = 'errata_';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A new token, shown once (lib/wire.ts). */
export type { CreatedToken };

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

/** A token as the admin API lists it (lib/wire.ts): never the token or its hash. */
export type { TokenInfo };

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
  // This process stops accepting it at once; other processes do on their next request (see findToken).
  const cache = tokenCaches.get(db.$client);
  if (cache) for (const [hash, e] of cache) if (e.info.id === id) cache.delete(hash);
  return res.changes > 0;
}

const LAST_USED_RESOLUTION_MS = 60_000;
/** How long a token found by its hash is reused without reading its row again (its revocation is still read). */
export const TOKEN_CACHE_TTL_MS = 30_000;
const TOKEN_CACHE_MAX = 1000;

interface CachedToken {
  info: TokenInfo;
  expires: number;
}

/** Per connection: tests and tools open several databases in one process. */
const tokenCaches = new WeakMap<Database.Database, Map<string, CachedToken>>();

function tokenStatements(sqlite: Database.Database) {
  return {
    byHash: sqlite.prepare<[string], typeof tokens.$inferSelect>(
      'SELECT id, name, token_prefix, token_hash, scopes, created_ms, created_by, last_used_ms, revoked_ms FROM tokens WHERE token_hash = ?',
    ),
    // A rowid point read: a revocation from any process (the CLI) takes effect on the very next request.
    revokedMs: sqlite.prepare<[number], { revoked_ms: number | null }>('SELECT revoked_ms FROM tokens WHERE id = ?'),
    touch: sqlite.prepare<[number, number]>('UPDATE tokens SET last_used_ms = ? WHERE id = ?'),
  };
}
const statementCache = new WeakMap<Database.Database, ReturnType<typeof tokenStatements>>();
function statements(sqlite: Database.Database): ReturnType<typeof tokenStatements> {
  let st = statementCache.get(sqlite);
  if (!st) {
    st = tokenStatements(sqlite);
    statementCache.set(sqlite, st);
  }
  return st;
}

/** Per connection, when this process may next record each token's use: at most one write a minute per token. */
const nextTouches = new WeakMap<Database.Database, Map<number, number>>();
const LAST_USED_RETRY_MS = 1_000;

/**
 * Finds a token by its secret; revoked tokens are returned with revoked_ms set so callers can say why.
 * The row is cached for TOKEN_CACHE_TTL_MS by hash, but its revoked_ms is read on every call (a rowid read),
 * so a revocation by another process, such as `errata token revoke`, applies to the next request.
 */
export function findToken(db: Db, token: string): TokenInfo | undefined {
  const sqlite = db.$client;
  const st = statements(sqlite);
  const hash = hashToken(token);
  const now = Date.now();
  let cache = tokenCaches.get(sqlite);
  if (!cache) tokenCaches.set(sqlite, (cache = new Map()));
  let nextTouch = nextTouches.get(sqlite);
  if (!nextTouch) nextTouches.set(sqlite, (nextTouch = new Map()));
  let info: TokenInfo;
  const hit = cache.get(hash);
  if (hit && hit.expires > now) {
    const row = st.revokedMs.get(hit.info.id);
    if (!row) {
      cache.delete(hash);
      return undefined;
    }
    info = row.revoked_ms === hit.info.revoked_ms ? hit.info : { ...hit.info, revoked_ms: row.revoked_ms };
    if (info !== hit.info) hit.info = info;
  } else {
    const row = st.byHash.get(hash);
    if (!row) {
      if (hit) cache.delete(hash);
      return undefined;
    }
    info = toInfo(row);
    if (hit) cache.delete(hash);
    else if (cache.size >= TOKEN_CACHE_MAX) cache.delete(cache.keys().next().value!);
    cache.set(hash, { info, expires: now + TOKEN_CACHE_TTL_MS });
    // A use recorded by another process (or before a restart) counts too.
    if (row.last_used_ms !== null && row.last_used_ms + LAST_USED_RESOLUTION_MS > (nextTouch.get(row.id) ?? 0)) {
      nextTouch.set(row.id, row.last_used_ms + LAST_USED_RESOLUTION_MS);
    }
  }
  if (!info.revoked_ms && now >= (nextTouch.get(info.id) ?? 0)) {
    if (nextTouch.size >= TOKEN_CACHE_MAX && !nextTouch.has(info.id)) nextTouch.clear();
    // Written: again in a minute. Busy (the ingest writer holds the lock): tried again a second later, not on every request.
    nextTouch.set(info.id, now + (touchLastUsed(db, info.id, now) ? LAST_USED_RESOLUTION_MS : LAST_USED_RETRY_MS));
  }
  return info;
}

/**
 * last_used is coarse (once a minute) and best effort: it must never make a request wait behind the ingest
 * writer's transaction, so it is tried without a busy wait and skipped when the database is busy or cannot be written.
 */
function touchLastUsed(db: Db, id: number, now: number): boolean {
  const sqlite = db.$client;
  const previous = sqlite.pragma('busy_timeout', { simple: true }) as number;
  sqlite.pragma('busy_timeout = 0');
  try {
    statements(sqlite).touch.run(now, id);
    return true;
  } catch {
    // Best effort, whatever the reason (busy, disk full, read-only file): bookkeeping must not fail a request.
    return false;
  } finally {
    sqlite.pragma(`busy_timeout = ${Number(previous)}`);
  }
}

/** Name, prefix and revocation of the given token ids (ingest health of a store that keeps no tokens itself). */
export function getTokenInfos(db: Db, ids: readonly number[]): Map<number, { name: string; token_prefix: string | null; revoked: boolean }> {
  const out = new Map<number, { name: string; token_prefix: string | null; revoked: boolean }>();
  if (ids.length === 0) return out;
  for (const r of db.select().from(tokens).where(inArray(tokens.id, [...ids])).all()) {
    out.set(r.id, { name: r.name, token_prefix: r.token_prefix, revoked: r.revoked_ms !== null });
  }
  return out;
}
