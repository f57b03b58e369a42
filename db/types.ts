// The vocabulary of the request store (db/store.ts): what goes in and what comes out, whichever database keeps the
// rows. No runtime code of any store is loaded from here, so pages, components, the CLI and every store implementation
// import these types freely. The answers that are the API's wire format are inferred from its schemas (lib/wire.ts,
// lib/api-types.ts) and only re-exported here; the store-only result shapes are defined next to the SQLite queries
// that first produced them and re-exported type-only.
import type { RequestCsvColumn } from '@/lib/csv';
import type { BreakdownDimension, Interval, StatusFilter } from '@/lib/filters';
import type { RetryClassValue } from '@/lib/behaviour-rules';
import type { IdempotencyChain, KeyDayVerdict } from '@/lib/api-types';

export type {
  AroundKey,
  Breakdown,
  BreakdownRow,
  CatalogInfo,
  Counts,
  FutileRepeat,
  LimitRecord,
  Metric,
  RequestDetail,
  RequestPage,
  RequestRecord,
  Summary,
  TimelineEntry,
  Timeseries,
  TimeseriesBucket,
} from '@/lib/api-types';
export type { LookupResult } from './queries/requests';
export type { IngestHealthFilters, IngestHealthPoint, IngestHealthTotal, RejectionRow } from './queries/ingest-health';
export type { PruneResult } from './queries/retention';
export type { KeySummary } from './queries/key-history';
export type { SupportLookup } from './queries/support-lookup';

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
  idempotency_key: string | null,
  request_fingerprint: string | null,
  idempotent_replayed: number | null,
  user_agent: string | null,
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

/** Ingest health's token id for calls whose token errata cannot name (unknown, malformed or missing). */
export const UNKNOWN_TOKEN_ID = -1;

/** Calls refused before a record was read (revoked, unknown or missing token, wrong scope), per token and hour. */
export interface RefusedCalls {
  token_id: number;
  hour_ms: number;
  count: number;
  last_ms: number;
}

/** One refused call kept as a sample for the latest-rejections list. */
export interface RefusedCall {
  token_id: number;
  received_ms: number;
  code: string;
  message: string;
}

export interface RequestsCsvOptions {
  /** Bytes per chunk, about (default 64 KiB). */
  chunkBytes?: number;
  /** The columns to write, in this order (the explorer's chosen columns); null or absent: all of REQUEST_CSV_COLUMNS. */
  columns?: readonly RequestCsvColumn[] | null;
}

export interface ListPage {
  /** An opaque next_cursor from the previous page of the same filters; absent or null for the first page. */
  cursor?: string | null;
  /** A prev_cursor: the page of records just newer than that page (still shown newest first); wins over cursor. */
  before?: string | null;
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
  /** Rejected-record samples kept (the newest 1,000 at most). */
  rejection_samples: number;
}

/** Thrown by a write when its deadline passes mid-work: nothing of the batch was kept. */
export class DeadlineExceeded extends Error {
  constructor() {
    super('the batch could not be finished before its answer deadline');
  }
}

// ------------------------------------------------------------------ client behaviour (BehaviourReads in db/store.ts)
// Facts a store keeps incrementally at ingest (limits and what the key did next, futile repeats) and the reads over
// them; behaviour/ composes these into verdicts, worst keys, chains and support sentences.

/** A range of whole UTC days (see lib/behaviour-rules.ts dayRange) and the read's clock. */
export interface BehaviourQuery {
  from: number;
  to: number;
  /** The read's clock: an abandonment younger than ABANDON_MS is pending. */
  now: number;
  /** Only these keys; absent or empty: every key. */
  keys?: readonly string[];
}

/** Per key and UTC day: what the key did after errors (the input of behaviour/verdict.ts), the API's per-day verdict before its verdicts and score. */
export type KeyDayRow = Omit<KeyDayVerdict, 'verdicts' | 'score'>;

export interface LimitQuery extends BehaviourQuery {
  retry_class?: readonly RetryClassValue[];
  storm_only?: boolean;
  /**
   * 'newest' (default): ts_ms descending. 'fastest': the shortest gap to the key's next request first (limits with no
   * next request last), then newest: the worst examples. 'largest_storm': most requests in the minute after, then
   * newest. Ties always end on (request_id, code) descending, compared byte for byte.
   */
  order?: 'newest' | 'fastest' | 'largest_storm';
  limit: number;
  /** Keyset: rows strictly older than this (ts_ms, request_id, code) — newest order only. */
  before?: { ts_ms: number; request_id: string; code: string } | null;
}

export interface FutileQuery extends BehaviourQuery {
  codes?: readonly string[];
  limit: number;
}

/** One request that used an Idempotency-Key: the API's chain step before its role and gap. */
export type ChainRow = Omit<IdempotencyChain['steps'][number], 'role' | 'gap_ms'>;

/** Limits to count by class: [from, to) exactly (not widened to days), filtered by the limit's own fields. */
export interface RetryClassCountQuery {
  from: number;
  to: number;
  now: number;
  keys?: readonly string[];
  routes?: readonly string[];
  codes?: readonly string[];
  statuses?: readonly StatusFilter[];
}

/** How many limits had this class (by the key's next request on any route); only classes with limits. */
export interface RetryClassCount {
  retry_class: RetryClassValue;
  limits: number;
}

/** Limits of one key right after which its request rate jumped (storms). */
export interface RetryStormCount {
  key_id: string;
  storms: number;
}

/** Requests of one idempotency key read at most. */
export const MAX_CHAIN = 1000;

export interface ChainRows {
  /** Oldest first (ts_ms, request_id, code), at most MAX_CHAIN. */
  rows: ChainRow[];
  truncated: boolean;
}
