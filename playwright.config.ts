import { defineConfig } from '@playwright/test';
import os from 'node:os';
import path from 'node:path';

const port = Number(process.env.E2E_PORT || 3311);
// Worker processes re-read this file: the env var keeps one DB path (and auth dir) for the whole run.
const databasePath = process.env.E2E_DATABASE_PATH || path.join(os.tmpdir(), `errata-e2e-${process.pid}.db`);
process.env.E2E_DATABASE_PATH = databasePath;
process.env.E2E_AUTH_DIR ||= `${databasePath}.auth`;
process.env.E2E_BASE_URL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.ts',
  // Runs after webServer is up (Playwright starts plugins first): seeds the DB and signs in one user per role.
  globalSetup: './tests/e2e/global-setup.ts',
  fullyParallel: false,
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    timezoneId: 'UTC',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  webServer: {
    command: 'node scripts/start.mjs',
    url: `http://127.0.0.1:${port}/api/v1/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    env: {
      PORT: String(port),
      ERRATA_HOST: '127.0.0.1',
      DATABASE_PATH: databasePath,
      NEXT_TELEMETRY_DISABLED: '1',
      // Alert rules judged every 3 s (windows stay 5 minutes), so the alerts journey sees a rule fire.
      ERRATA_ALERTS_INTERVAL_MS: '3000',
      // Serve the build this run was built into (engineers build into their own dist dirs).
      ...(process.env.NEXT_DIST_DIR ? { NEXT_DIST_DIR: process.env.NEXT_DIST_DIR } : {}),
    },
  },
});
