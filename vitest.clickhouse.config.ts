import { defineConfig } from 'vitest/config';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));

// The ClickHouse store against its engines: clickhouse-server 18.16 (single and a 2-shard cluster with ZooKeeper),
// chdb (26.x in-process, installed into tests/engines/chdb by the global setup) and SQLite for the reference answers.
// One file at a time: each starts servers and the machine has two cores.
export default defineConfig({
  resolve: {
    alias: {
      '@': root,
      'server-only': path.join(root, 'tests/support/server-only-stub.ts'),
    },
  },
  test: {
    include: ['tests/contract/clickhouse-*.test.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    globalSetup: ['tests/support/clickhouse-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
