import { defineConfig } from 'vitest/config';
import { resolve } from './vitest.shared';

// Integration tests: real SQLite files, the production server, the CLI, and the store contract suite. The global
// setup rebuilds the production build first when it is missing or older than the sources.
export default defineConfig({
  resolve,
  test: {
    include: ['tests/integration/**/*.test.ts', 'tests/contract/**/*.test.ts'],
    // The ClickHouse engines run in their own config (vitest.clickhouse.config.ts: chdb install, one file at a time).
    exclude: ['**/node_modules/**', 'tests/contract/clickhouse-*.test.ts'],
    environment: 'node',
    pool: 'forks',
    globalSetup: ['tests/support/integration-build.ts'],
    env: { NEXT_TELEMETRY_DISABLED: '1' },
    testTimeout: 30_000,
    hookTimeout: 300_000,
  },
});
