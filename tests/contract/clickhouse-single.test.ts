// The request-store contract on one Debian clickhouse-server 18.16, started by the test in a temp folder.
import { afterAll, beforeAll } from 'vitest';
import { ClickHouseRequestStore } from '@/db/clickhouse/store';
import { openSqliteStore } from '@/db/sqlite/store';
import { startClickHouse, stopAndRemove, type ClickHouseServer } from '../support/clickhouse';
import { storeContract } from './store-contract';

let server: ClickHouseServer;
beforeAll(async () => {
  server = await startClickHouse();
}, 60_000);
afterAll(async () => {
  if (server) await stopAndRemove(server);
});

storeContract({
  name: 'clickhouse 18.16 (single server)',
  open: async () => ClickHouseRequestStore.open({ url: `${server.url}/errata` }),
  reference: async () => openSqliteStore(':memory:'),
  timeoutMs: 300_000,
});
