// Database size and row counts for the metrics, without a COUNT(*) scan of the records: `requests` is the sum
// of the daily rollup (which counts every stored record and is pruned with it), the other tables are small.
import fs from 'node:fs';
import type { Db } from '../client';

export interface DbStats {
  /** Bytes: the main file (page_count × page_size) and the write-ahead log. */
  bytes: { main: number; wal: number };
  rows: Record<string, number>;
}

export function readDbStats(db: Db): DbStats {
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
      requests: one('SELECT coalesce(sum(count), 0) FROM rollup_key_day'),
      ingest_rejections: one('SELECT count(*) FROM ingest_rejections'),
      tokens: one('SELECT count(*) FROM tokens'),
      users: one('SELECT count(*) FROM users'),
      sessions: one('SELECT count(*) FROM sessions'),
    },
  };
}
