// Opens the request store the environment asks for (db/store-config.ts). No Next.js imports: the server, the writer
// worker and the CLI open their store here.
import type { Db } from './client';
import { sqliteStoreOn } from './sqlite/store';
import type { RequestStore } from './store';
import { checkStoreConfig } from './store-config';

export { checkStoreConfig, configuredStoreKind, StoreConfigError } from './store-config';

/**
 * The request store for a process whose metadata connection is `meta`. With SQLite the store uses that same
 * connection (one file holds both, and the writer worker's one connection keeps its pragmas and durability); the
 * caller keeps owning and closing `meta`.
 */
export function openRequestStore(meta: Db, env: NodeJS.ProcessEnv = process.env): RequestStore {
  checkStoreConfig(env);
  return sqliteStoreOn(meta);
}
