// A 200 from ingest promises the batch survives a power cut: the writer's connection must run synchronous=FULL in
// WAL mode. kill -9 cannot tell FULL from NORMAL (the OS keeps the WAL either way), so this is checked directly.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { openDatabase } from '@/db/client';

const root = path.resolve(__dirname, '../..');

test('a database errata opens for writing runs WAL with synchronous=FULL', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'errata-durability-'));
  const db = openDatabase(path.join(dir, 'errata.db'));
  try {
    expect(db.$client.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.$client.pragma('synchronous', { simple: true })).toBe(2); // 2 = FULL
  } finally {
    db.$client.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the ingest writer and the import path open their database through openDatabase and never lower synchronous', () => {
  for (const file of ['ingest/writer-worker.ts', 'ingest/write.ts', 'db/sqlite/store.ts', 'cli/commands/import.ts']) {
    const source = fs.readFileSync(path.join(root, file), 'utf8');
    expect(source, file).not.toMatch(/synchronous\s*=\s*(OFF|NORMAL|0|1)\b/i);
  }
  expect(fs.readFileSync(path.join(root, 'ingest/writer-worker.ts'), 'utf8')).toMatch(/openDatabase\(databasePath\)/);
});
