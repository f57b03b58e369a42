// The metadata database's size and small-table row counts for the metrics. Request data (records, rejection samples)
// is counted by the store (RequestStore.counts), whichever database keeps it.
import fs from 'node:fs';
import type { Db } from '../client';

export interface MetaDbStats {
  /** Bytes: the main file (page_count × page_size) and the write-ahead log. */
  bytes: { main: number; wal: number };
  rows: { tokens: number; users: number; sessions: number };
}

export function readMetaDbStats(db: Db): MetaDbStats {
  const sqlite = db.$client;
  const pages = sqlite.pragma('page_count', { simple: true }) as number;
  const pageSize = sqlite.pragma('page_size', { simple: true }) as number;
  let wal = 0;
  try {
    wal = fs.statSync(`${sqlite.name}-wal`).size;
  } catch {
    /* no WAL file (in-memory database, or checkpointed and removed) */
  }
  const one = (sql: string) => Number((sqlite.prepare(sql).pluck().get() as number | null) ?? 0);
  return {
    bytes: { main: pages * pageSize, wal },
    rows: {
      tokens: one('SELECT count(*) FROM tokens'),
      users: one('SELECT count(*) FROM users'),
      sessions: one('SELECT count(*) FROM sessions'),
    },
  };
}
