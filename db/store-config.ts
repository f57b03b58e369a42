// Which store keeps request data, decided from the environment: SQLite unless CLICKHOUSE_URL is set. Nothing but
// the decision here, so the server's start-up check loads no database code.
import type { StoreKind } from './store';

export class StoreConfigError extends Error {}

/** The backend the environment asks for (CLICKHOUSE_URL set and non-empty = ClickHouse). */
export function configuredStoreKind(env: NodeJS.ProcessEnv = process.env): StoreKind {
  return env.CLICKHOUSE_URL ? 'clickhouse' : 'sqlite';
}

/** Throws StoreConfigError when the environment asks for a store this build cannot open. Called at server start. */
export function checkStoreConfig(env: NodeJS.ProcessEnv = process.env): void {
  if (configuredStoreKind(env) === 'clickhouse') {
    throw new StoreConfigError(
      'errata: CLICKHOUSE_URL is set, but this build has no ClickHouse request store yet. Unset CLICKHOUSE_URL to keep request data in SQLite (DATABASE_PATH).',
    );
  }
}
