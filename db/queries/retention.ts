// Retention: raw rows (which are also the dedupe state: UNIQUE(request_id, code)), rollups and ingest health
// are pruned at the same UTC day boundary, so rollup counts always equal the raw rows they summarize.
import { noPrunedRows, pruneOldestRows, ROLLUP_TABLES, type PrunedRows } from '@/ingest/write';
import type { Db } from '../client';
import { retentionCutoff } from '@/lib/time-buckets';

export { retentionCutoff };

export const DAY_MS = 86_400_000;
/** Rows deleted per statement: short transactions keep the writer responsive to ingest between chunks. */
export const PRUNE_CHUNK = 10_000;

export interface PruneResult extends PrunedRows {
  cutoff_ms: number;
  ingest_health_hour: number;
  ingest_rejections: number;
  behaviour_limits: number;
  behaviour_futile: number;
  /** True when the row budget ran out before everything older than the cutoff was gone. */
  more: boolean;
}

/**
 * Deletes everything older than `days` before `now_ms`, at most `maxRows` raw rows per call (call again while
 * `more`). Each chunk is its own short transaction that also takes the deleted rows out of every rollup, so rollups
 * equal the raw rows after every step, not only once the prune is done.
 */
export function pruneRetention(db: Db, opts: { days: number; now_ms?: number; maxRows?: number }): PruneResult {
  const sqlite = db.$client;
  const cutoff = retentionCutoff(opts.now_ms ?? Date.now(), opts.days);
  const budget = opts.maxRows ?? Number.POSITIVE_INFINITY;
  const total: PrunedRows = noPrunedRows();
  let more = false;
  for (;;) {
    const step = pruneOldestRows(db, cutoff, Math.min(PRUNE_CHUNK, budget - total.requests));
    for (const k of Object.keys(total) as (keyof PrunedRows)[]) total[k] += step[k];
    if (step.requests === 0) break;
    if (total.requests >= budget) {
      more = sqlite.prepare('SELECT 1 FROM requests WHERE ts_ms < ? LIMIT 1').get(cutoff) !== undefined;
      break;
    }
  }
  const small = sqlite.transaction(() => {
    // Rollup rows older than the cutoff with no raw rows behind them (none, unless an older version wrote them).
    if (!more) {
      for (const t of ROLLUP_TABLES) {
        total[t] += sqlite.prepare(`DELETE FROM ${t} WHERE bucket_ms < ?`).run(cutoff).changes;
      }
    }
    // Client-behaviour facts of pruned requests (a limit's successor is never older than the limit itself).
    const behaviour = more
      ? { behaviour_limits: 0, behaviour_futile: 0 }
      : {
          behaviour_limits: sqlite.prepare('DELETE FROM behaviour_limits WHERE ts_ms < ?').run(cutoff).changes,
          behaviour_futile: sqlite.prepare('DELETE FROM behaviour_futile WHERE ts_ms < ?').run(cutoff).changes,
        };
    return {
      ...behaviour,
      ingest_health_hour: sqlite.prepare('DELETE FROM ingest_health_hour WHERE bucket_ms < ?').run(cutoff).changes,
      ingest_rejections: sqlite.prepare('DELETE FROM ingest_rejections WHERE received_ms < ?').run(cutoff).changes,
    };
  });
  return { cutoff_ms: cutoff, ...total, ...small.immediate(), more };
}
