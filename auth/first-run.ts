// Server start: when no user exists, generate and log the one-time setup code. No 'server-only' import:
// instrumentation.ts loads this outside the React server graph.
import { openDatabase } from '@/db/client';
import { getEnv } from '@/lib/env';
import { ensureSetupCode } from './setup';

export function announceFirstRun(): void {
  const db = openDatabase(getEnv().DATABASE_PATH);
  try {
    ensureSetupCode(db);
  } finally {
    db.$client.close();
  }
}
