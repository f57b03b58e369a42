// chdb (ClickHouse 26.x in-process) as a @clickhouse/client connection, loaded from the test-only package folder
// tests/engines/chdb (scripts/install-chdb.mjs). Missing: an error that says how to install it, never a skip.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';

const root = path.resolve(__dirname, '..', 'engines', 'chdb');

/** A client on a chdb data directory (one per process: libchdb binds a single directory). */
export function chdbClient(dataDir: string): ClickHouseClient {
  if (!existsSync(path.join(root, 'node_modules', 'chdb', 'package.json'))) {
    throw new Error(`chdb is not installed in ${root}: run \`node scripts/install-chdb.mjs\` (npm run test:clickhouse does)`);
  }
  const { createChdbConnection } = createRequire(path.join(root, 'package.json'))('chdb/connection') as {
    createChdbConnection: (o: { path: string }) => unknown;
  };
  return createClient({ connection: createChdbConnection({ path: dataDir }) as never });
}
