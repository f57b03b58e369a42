import 'server-only';
import { getEnv } from '@/lib/env';
import { openDatabase, type Db } from './client';

export type { Db } from './client';

const globalForDb = globalThis as unknown as { errataDb?: Db };

/** The server's read/write connection, opened and migrated on first use, cached across hot reloads. */
export function getDb(): Db {
  if (!globalForDb.errataDb) globalForDb.errataDb = openDatabase(getEnv().DATABASE_PATH);
  return globalForDb.errataDb;
}
