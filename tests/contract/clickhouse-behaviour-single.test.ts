// Client behaviour under shuffled and resent arrival on one Debian clickhouse-server 18.16, against SQLite in order.
import { afterAll, beforeAll } from 'vitest';
import { ClickHouseRequestStore } from '@/db/clickhouse/store';
import { openSqliteStore } from '@/db/sqlite/store';
import { startClickHouse, stopAndRemove, type ClickHouseServer } from '../support/clickhouse';
import { behaviourArrivalContract } from './behaviour-arrival';

let server: ClickHouseServer;
beforeAll(async () => {
  server = await startClickHouse();
}, 60_000);
afterAll(async () => {
  if (server) await stopAndRemove(server);
});

behaviourArrivalContract({
  name: 'clickhouse 18.16 (single server)',
  open: async () => ClickHouseRequestStore.open({ url: `${server.url}/errata` }),
  reference: async () => openSqliteStore(':memory:'),
  timeoutMs: 300_000,
});
