// Which store keeps request data, decided from the environment: SQLite unless CLICKHOUSE_URL is set. Nothing but
// the decision here, so the server's start-up check loads no database code.
import type { StoreKind } from './store';

export class StoreConfigError extends Error {}

/** The backend the environment asks for (CLICKHOUSE_URL set and non-empty = ClickHouse). */
export function configuredStoreKind(env: NodeJS.ProcessEnv = process.env): StoreKind {
  return env.CLICKHOUSE_URL ? 'clickhouse' : 'sqlite';
}

/** Throws StoreConfigError when the environment names a store it cannot open. Called at server start. */
export function checkStoreConfig(env: NodeJS.ProcessEnv = process.env): void {
  if (configuredStoreKind(env) === 'sqlite') {
    if (env.CLICKHOUSE_CLUSTER) throw new StoreConfigError('errata: CLICKHOUSE_CLUSTER is set without CLICKHOUSE_URL.');
    return;
  }
  let url: URL;
  try {
    url = new URL(env.CLICKHOUSE_URL!);
  } catch {
    throw new StoreConfigError('errata: CLICKHOUSE_URL is not a URL (http://user:password@host:8123/database).');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new StoreConfigError(`errata: CLICKHOUSE_URL must be http:// or https://, got ${url.protocol}`);
  }
  const db = decodeURIComponent(url.pathname.replace(/^\/+|\/+$/g, ''));
  for (const [what, name] of [['the database in CLICKHOUSE_URL', db], ['CLICKHOUSE_CLUSTER', env.CLICKHOUSE_CLUSTER ?? '']] as const) {
    if (name && !/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) throw new StoreConfigError(`errata: ${what} must be a plain identifier, got ${JSON.stringify(name)}`);
  }
}
