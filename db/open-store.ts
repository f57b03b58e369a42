// Opens the request store the environment asks for (db/store-config.ts). No Next.js imports: the server, the writer
// worker and the CLI open their store here.
import type { Db } from './client';
import { ClickHouseRequestStore } from './clickhouse/store';
import { getRetentionDays } from './queries/settings';
import { getTokenInfos } from './queries/tokens';
import { sqliteStoreOn } from './sqlite/store';
import type { RequestStore } from './store';
import type { RequestRow, WriteOutcome } from './types';
import { checkStoreConfig, configuredStoreKind } from './store-config';

export { checkStoreConfig, configuredStoreKind, StoreConfigError } from './store-config';

/**
 * The request store for a process whose metadata connection is `meta`. With SQLite the store uses that same
 * connection (one file holds both, and the writer worker's one connection keeps its pragmas and durability); the
 * caller keeps owning and closing `meta`. With ClickHouse (CLICKHOUSE_URL) `meta` still holds the tokens the ingest-health
 * answers name.
 */
export function openRequestStore(meta: Db, env: NodeJS.ProcessEnv = process.env): RequestStore {
  checkStoreConfig(env);
  if (configuredStoreKind(env) === 'clickhouse') {
    // Connects on first use: the process starts even while ClickHouse is away, and answers 503 until it is back.
    return ClickHouseRequestStore.create({
      url: env.CLICKHOUSE_URL, cluster: env.CLICKHOUSE_CLUSTER || null, tokenInfo: (ids) => getTokenInfos(meta, ids),
      retentionDays: () => getRetentionDays(meta),
    });
  }
  return sqliteStoreOn(meta);
}

/** Where `errata copy` writes: rows stored as they are (token and receive time kept), with the store's exact dedupe. */
export interface CopyTarget {
  copyRows(rows: RequestRow[]): Promise<WriteOutcome>;
  close(): Promise<void>;
}

/** The ClickHouse store at `url` (cluster or not), ready: its schema migrated before the first copied row. */
export function openCopyTarget(opts: { url: string; cluster: string | null }): Promise<CopyTarget> {
  return ClickHouseRequestStore.open(opts);
}
