import 'server-only';
import { getEnv } from '@/lib/env';
import { openDatabase, READER_CACHE_KIB, type Db } from './client';
import { openRequestStore } from './open-store';
import type { RequestStore } from './store';

export type { Db } from './client';
export type { RequestStore } from './store';

const globalForDb = globalThis as unknown as { errataDb?: Db; errataStore?: RequestStore };

/**
 * The server's main-thread connection for metadata (users, sessions, tokens, audit, settings), opened and migrated on
 * first use, cached across hot reloads. A smaller page cache than the writer's: its reads are point and short range
 * reads. Request data is read through getStore(), never through this connection directly.
 */
export function getMetaDb(): Db {
  if (!globalForDb.errataDb) globalForDb.errataDb = openDatabase(getEnv().DATABASE_PATH, { cacheKiB: READER_CACHE_KIB });
  return globalForDb.errataDb;
}

/** @deprecated the metadata connection is getMetaDb(); request data is getStore(). Kept so branches in flight merge. */
export const getDb = getMetaDb;

/**
 * The server's request store (db/store.ts): SQLite on the main-thread connection unless CLICKHOUSE_URL is set.
 * Ingest writes do not go through it: the writer worker opens its own (ingest/writer-worker.ts).
 */
export function getStore(): RequestStore {
  if (!globalForDb.errataStore) globalForDb.errataStore = openRequestStore(getMetaDb());
  return globalForDb.errataStore;
}
