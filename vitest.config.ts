import os from 'node:os';
import { defineConfig } from 'vitest/config';
import { resolve } from './vitest.shared';

// Unit tests: pure code and in-memory SQLite, no build, no server (`npm run test:unit`, seconds).
export default defineConfig({
  resolve,
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    // Every core: Vitest's default leaves one free, which on a 2-core machine runs the files one after another.
    maxWorkers: os.availableParallelism(),
    testTimeout: 30_000,
  },
});
