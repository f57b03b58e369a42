import { defineConfig } from 'vitest/config';
import { resolve } from './vitest.shared';

// Unit tests: pure code and in-memory SQLite, no build, no server (`npm run test:unit`, seconds).
export default defineConfig({
  resolve,
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 30_000,
  },
});
