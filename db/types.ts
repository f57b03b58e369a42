// The vocabulary of the request store (db/store.ts): what goes in and what comes out, whichever database keeps the
// rows. No runtime code of any store is loaded from here, so pages, components, the CLI and every store implementation
// import these types freely. The result shapes are defined next to the SQLite queries that first produced them and
// re-exported here type-only, so their one definition stays where it is while those modules are being edited.
import type { BreakdownDimension, Interval } from '@/lib/filters';

export type {
  AroundKey,
  CatalogInfo,
  LookupResult,
  RequestDetail,
  RequestPage,
  RequestRecord,
  TimelineEntry,
} from './queries/requests';
export type { Breakdown, BreakdownRow, Counts, Metric, Summary, Timeseries, TimeseriesBucket } from './queries/stats';
export type { IngestHealthFilters, IngestHealthPoint, IngestHealthTotal, RejectionRow } from './queries/ingest-health';
export type { PruneResult } from './queries/retention';

/**
 * One stored record in column order: what the prepare worker builds from a validated record (ingest/write.ts toRow)
 * and what a store's writeBatch takes. `code` is '' for a success record; `details` is the JSON text of the envelope's
 * details object; booleans are 0/1. `token_id` and `received_ms` are overwritten by the write from its WriteContext.
 */
export type RequestRow = [
  request_id: string,
  code: string,
  ts_ms: number,
  status: number,
  method: string | null,
  path: string | null,
  route: string | null,
  latency_ms: number | null,
  key_id: string | null,
  account_id: string | null,
  tier: string | null,
  message: string | null,
  details: string | null,
  reason: string | null,
  unknown_code: number,
  status_mismatch: number,
  token_id: number | null,
  received_ms: number,
];

/** A rejected record of a batch, kept as a sample for the ingest page; `line` is 1-based within the batch. */
export interface RejectionSample {
  line: number;
  code: string;
  message: string;
  field?: string;
  sample: string | null;
}

export interface WriteContext {
  token_id: number | null;
  received_ms: number;
  /** Records of the same batch that failed validation: counted and sampled for ingest health. */
  rejected?: number;
  rejections?: readonly RejectionSample[];
  /** Wall-clock ms (Date.now()): past it, the write is abandoned, nothing of it kept, and DeadlineExceeded thrown. */
  deadline_ms?: number | null;
}

export interface WriteOutcome {
  /** Rows stored by this call. */
  accepted: number;
  /** Rows of the batch whose (request_id, code) was already stored, or appeared earlier in the same batch. */
  duplicates: number;
}

/** A whole batch refused before any record was read (413, 415, empty body, too many records). */
export interface RejectedBatch {
  token_id: number | null;
  received_ms: number;
  code: string;
  message: string;
}

export interface PruneOptions {
  /** Retention in whole days: everything before retentionCutoff(now_ms, days) goes. */
  days: number;
  now_ms?: number;
  /** Raw rows deleted per call at most (call again while `more`); unlimited when absent. */
  maxRows?: number;
}

export interface ListPage {
  /** An opaque next_cursor from the previous page of the same filters; absent or null for the first page. */
  cursor?: string | null;
  /** Records per page (default 100). */
  limit?: number;
}

export interface BreakdownOptions {
  by: BreakdownDimension;
  /** Rows shown (default 50); the rest are summed into `other`. */
  limit?: number;
}

export interface TimeseriesOptions {
  interval?: Interval | 'auto';
  by?: BreakdownDimension | null;
  /** Groups shown when split (default 10); the rest are summed into "(other)". */
  limit?: number;
}

export interface RejectionListOptions {
  /** 1..1000, default 100. */
  limit?: number;
  token_id?: number;
}

export interface RejectionReason {
  code: string;
  count: number;
  /** received_ms of the latest rejection with this code. */
  last_ms: number;
}

/** Whole-store figures for the health route, the CLI and the benchmarks. */
export interface StoreCounts {
  /** Stored request records (one per (request_id, code)). */
  requests: number;
  /** Smallest / largest ts_ms stored; null when empty. */
  oldest_ts_ms: number | null;
  newest_ts_ms: number | null;
}

/** Thrown by a write when its deadline passes mid-work: nothing of the batch was kept. */
export class DeadlineExceeded extends Error {
  constructor() {
    super('the batch could not be finished before its answer deadline');
  }
}
