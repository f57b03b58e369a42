import 'server-only';
import { getEnv } from '@/lib/env';
import { openDatabase, READER_CACHE_KIB, type Db } from './client';

export type { Db } from './client';

const globalForDb = globalThis as unknown as { errataDb?: Db };

/**
 * The server's main-thread connection (reads, plus small admin and auth writes; ingest writes from its worker's
 * own connection), opened and migrated on first use, cached across hot reloads. A smaller page cache than the
 * writer's: its reads are point and short range reads.
 */
export function getDb(): Db {
  if (!globalForDb.errataDb) globalForDb.errataDb = openDatabase(getEnv().DATABASE_PATH, { cacheKiB: READER_CACHE_KIB });
  return globalForDb.errataDb;
}
