// The request-store contract on a real 2-shard cluster: two Debian clickhouse-server 18.16 processes with
// remote_servers in both configs and ZooKeeper 3.8 for ON CLUSTER DDL and ReplicatedMergeTree.
import { afterAll, beforeAll } from 'vitest';
import { ClickHouseRequestStore } from '@/db/clickhouse/store';
import { openSqliteStore } from '@/db/sqlite/store';
import { startCluster, type ClickHouseCluster } from '../support/clickhouse';
import { storeContract } from './store-contract';

let cluster: ClickHouseCluster;
beforeAll(async () => {
  cluster = await startCluster();
}, 120_000);
afterAll(async () => {
  await cluster?.stop();
});

storeContract({
  name: 'clickhouse 18.16 (2-shard cluster)',
  open: async () => ClickHouseRequestStore.open({ url: `${cluster.servers[0].url}/errata`, cluster: cluster.name }),
  reference: async () => openSqliteStore(':memory:'),
  timeoutMs: 300_000,
});
