// Retention: raw rows (which are also the dedupe state: UNIQUE(request_id, code)), rollups and ingest health
// are pruned at the same UTC day boundary, so rollup counts always equal the raw rows they summarize.
import type { Db } from '../client';
import { retentionCutoff } from '@/lib/time-buckets';

export { retentionCutoff };

export const DAY_MS = 86_400_000;
/** Rows deleted per statement: short transactions keep the writer responsive to ingest between chunks. */
export const PRUNE_CHUNK = 10_000;

export interface PruneResult {
  cutoff_ms: number;
  requests: number;
  rollup_minute: number;
  rollup_hour: number;
  rollup_key_hour: number;
  rollup_key_day: number;
  ingest_health_hour: number;
  ingest_rejections: number;
  /** True when the row budget ran out before everything older than the cutoff was gone. */
  more: boolean;
}

/**
 * Deletes everything older than `days` before `now_ms`, at most `maxRows` raw rows per call (call again while
 * `more`). Each chunk is its own short transaction.
 */
export function pruneRetention(db: Db, opts: { days: number; now_ms?: number; maxRows?: number }): PruneResult {
  const sqlite = db.$client;
  const cutoff = retentionCutoff(opts.now_ms ?? Date.now(), opts.days);
  const budget = opts.maxRows ?? Number.POSITIVE_INFINITY;
  const chunk = sqlite.prepare(
    `DELETE FROM requests WHERE id IN (SELECT id FROM requests WHERE ts_ms < ? LIMIT ${PRUNE_CHUNK})`,
  );
  let requests = 0;
  let more = false;
  for (;;) {
    const n = chunk.run(cutoff).changes;
    requests += n;
    if (n < PRUNE_CHUNK) break;
    if (requests >= budget) {
      more = true;
      break;
    }
  }
  const small = sqlite.transaction(() => ({
    rollup_minute: sqlite.prepare('DELETE FROM rollup_minute WHERE bucket_ms < ?').run(cutoff).changes,
    rollup_hour: sqlite.prepare('DELETE FROM rollup_hour WHERE bucket_ms < ?').run(cutoff).changes,
    rollup_key_hour: sqlite.prepare('DELETE FROM rollup_key_hour WHERE bucket_ms < ?').run(cutoff).changes,
    // The cutoff is a UTC day start, so no day bucket is ever cut in half.
    rollup_key_day: sqlite.prepare('DELETE FROM rollup_key_day WHERE bucket_ms < ?').run(cutoff).changes,
    ingest_health_hour: sqlite.prepare('DELETE FROM ingest_health_hour WHERE bucket_ms < ?').run(cutoff).changes,
    ingest_rejections: sqlite.prepare('DELETE FROM ingest_rejections WHERE received_ms < ?').run(cutoff).changes,
  }));
  return { cutoff_ms: cutoff, requests, ...small.immediate(), more };
}
