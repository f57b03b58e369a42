// Client behaviour under shuffled and resent arrival on chdb (ClickHouse 26.x in-process), against SQLite in order.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { ClickHouseRequestStore } from '@/db/clickhouse/store';
import { openSqliteStore } from '@/db/sqlite/store';
import { chdbClient } from '../support/chdb';
import { behaviourArrivalContract } from './behaviour-arrival';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'errata-chdb-behaviour-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

behaviourArrivalContract({
  name: 'chdb 26.x (in-process)',
  open: async () => ClickHouseRequestStore.open({ client: chdbClient(dir), database: 'errata' }),
  reference: async () => openSqliteStore(':memory:'),
  timeoutMs: 300_000,
});
