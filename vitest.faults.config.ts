import { defineConfig } from 'vitest/config';
import { resolve } from './vitest.shared';

// The fault suite (tests/faults): runs the production server as a child process and breaks things on purpose.
// One file at a time: each starts servers and the machine has two cores. FAULTS_HEAVY=1 runs the heavy variants.
export default defineConfig({
  resolve,
  test: {
    include: ['tests/faults/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    globalSetup: ['tests/support/faults-build.ts'],
    // The global setup picks the build (NEXT_DIST_DIR) and the workers inherit it.
    env: { NEXT_TELEMETRY_DISABLED: '1' },
    testTimeout: 240_000,
    hookTimeout: 600_000,
  },
});
