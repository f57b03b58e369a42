// The request-store contract on chdb: a current ClickHouse (26.x) in-process, through the same @clickhouse/client code.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { ClickHouseRequestStore } from '@/db/clickhouse/store';
import { openSqliteStore } from '@/db/sqlite/store';
import { chdbClient } from '../support/chdb';
import { storeContract } from './store-contract';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'errata-chdb-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

storeContract({
  name: 'chdb 26.x (in-process)',
  open: async () => ClickHouseRequestStore.open({ client: chdbClient(dir), database: 'errata' }),
  reference: async () => openSqliteStore(':memory:'),
  timeoutMs: 300_000,
});
