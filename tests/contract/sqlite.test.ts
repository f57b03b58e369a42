// The request-store contract with SQLite as the store under test: a second store on its own database file,
// opened independently of the in-memory reference.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { openSqliteStore } from '@/db/sqlite/store';
import { storeContract } from './store-contract';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'errata-contract-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

storeContract({
  name: 'sqlite (file)',
  open: async () => openSqliteStore(path.join(dir, 'store.db')),
  reference: async () => openSqliteStore(':memory:'),
});
