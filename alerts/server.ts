// Starts alert evaluation (every minute) and delivery (every 2 s) inside the server process, once. No 'server-only'
// import: instrumentation.ts loads this outside the React server graph; it opens its own connection.
import { openDatabase, READER_CACHE_KIB } from '@/db/client';
import { getEnv } from '@/lib/env';
import { DeliveryWorker } from './delivery/worker';
import { AlertEvaluator, startAlerting } from './evaluator';
import { openRequestStore } from '@/db/open-store';
import { publicBaseUrl } from './server-url';

export function startAlertingInServer(): void {
  const env = getEnv();
  if (env.ERRATA_ALERTS === 'off') return;
  startAlerting(env.ERRATA_ALERTS_INTERVAL_MS, () => {
    const db = openDatabase(env.DATABASE_PATH, { cacheKiB: READER_CACHE_KIB });
    const baseUrl = publicBaseUrl();
    return { evaluator: new AlertEvaluator({ db, store: openRequestStore(db), baseUrl }), extra: new DeliveryWorker({ db }) };
  });
}
