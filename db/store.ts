// The request store: every read and write of request data (records, rollups, ingest health) goes through this one
// interface, whichever database keeps the rows (db/sqlite/ today, db/clickhouse/ next). Pages, route handlers, the
// CLI, the writer worker and the benchmarks depend on it, never on a concrete database. Users, sessions, tokens,
// audit and settings are metadata: they stay in SQLite through Drizzle (db/index.ts getMetaDb).
//
// Shared contract of every method (tests/contract/store-contract.ts checks it on the same data for every store):
// - Time is UTC epoch ms. A Filters range is [from, to): from inclusive, to exclusive.
// - A record is identified by (request_id, code), code '' for a success record. Dedupe is exact and permanent for
//   the retention window: a record whose (request_id, code) is stored is never stored or counted again, whatever
//   the resends, overlapping senders or crashes between the write and its answer.
// - Rollup-backed answers (summary, breakdown, timeseries) equal what the raw records would give.
// - Records are ordered by ts_ms; records with equal ts_ms in an order the store keeps stable (SQLite: the order in
//   which they were stored), the same in list pages, CSV exports and timelines.
// - Failures reject the promise: an ApiError (lib/api-error.ts) for bad input (a foreign cursor, a per-minute
//   series too long for its filters) or an unavailable store; anything else is a bug.
import type { Filters } from '@/lib/filters';
import type { KeyInsight } from '@/lib/key-insight';
import type { KeySummary } from './queries/key-history';
import type { SupportLookup } from './queries/support-lookup';
import { extractRequestIdsAsync, MAX_LOOKUP_IDS } from '@/lib/request-ids';
import type {
  BehaviourQuery,
  Breakdown,
  BreakdownOptions,
  ChainRows,
  FutileQuery,
  FutileRepeat,
  IngestHealthFilters,
  IngestHealthPoint,
  IngestHealthTotal,
  KeyDayRow,
  LimitQuery,
  LimitRecord,
  ListPage,
  LookupResult,
  PruneOptions,
  PruneResult,
  RejectedBatch,
  RejectionListOptions,
  RejectionReason,
  RejectionRow,
  RetryClassCount,
  RetryClassCountQuery,
  RetryStormCount,
  RequestDetail,
  RequestPage,
  RequestRecord,
  RequestRow,
  RequestsCsvOptions,
  RefusedCall,
  RefusedCalls,
  StoreCounts,
  Summary,
  Timeseries,
  TimeseriesOptions,
  WriteContext,
  WriteOutcome,
} from './types';

export type * from './types';
export { DeadlineExceeded } from './types';

export interface SupportLookupOptions {
  now_ms?: number;
  /** Tokens of the text that are not ids, carried in the URL from the first submit. */
  not_ids?: readonly string[];
  /** Read key histories (false for the CSV export). */
  insights?: boolean;
}

export interface KeySummaryInput {
  key_id: string;
  from_ms: number;
  to_ms: number;
  failures?: number;
}

export type StoreKind = 'sqlite' | 'clickhouse';

/**
 * Client behaviour (behaviour/ composes these into verdicts, worst keys, chains and support sentences). The facts are
 * kept incrementally at ingest, exact whatever the order or resends of the batches, so no read scans raw records
 * except the bounded ones named below. A limit's `abandoned` class reads as `pending` while younger than ABANDON_MS
 * at q.now (lib/behaviour-rules.ts readClass).
 */
export interface BehaviourReads {
  /** Counts per (key, UTC day) over [from, to) widened to whole days (dayRange), ordered by (day_ms, key_id); only pairs with something to count. */
  behaviourKeyDays(q: BehaviourQuery): Promise<KeyDayRow[]>;

  /** Limits (responses that asked the key to wait) with ts_ms in [from, to) and what the key did next, in q.order, at most q.limit. */
  behaviourLimits(q: LimitQuery): Promise<LimitRecord[]>;

  /** Limits with ts_ms in [from, to) matching q's key/route/code/status by class, in RETRY_CLASS_VALUES order (the retry_class breakdown). */
  retryClassCounts(q: RetryClassCountQuery): Promise<RetryClassCount[]>;

  /** Storm limits with ts_ms in [from, to) matching q, per key (keys with at least one), ordered by key_id: the alerts' retry_storms measure. */
  retryStormCounts(q: RetryClassCountQuery): Promise<RetryStormCount[]>;

  /** The limit fact of one record, or null when the record did not ask its key to wait. */
  behaviourLimit(request_id: string, code: string, now_ms: number): Promise<LimitRecord | null>;

  /** Futile retries (repeats of a code that cannot succeed) with ts_ms in [from, to), newest first, at most q.limit. */
  futileRepeats(q: FutileQuery): Promise<FutileRepeat[]>;

  /** How many futile repeats of `code` the key made with ts_ms in [from_ms, to_ms). */
  countFutileRepeats(key_id: string, code: string, from_ms: number, to_ms: number): Promise<number>;

  /** The key's requests with ts_ms in (from_exclusive_ms, to_ms]: a bounded range read for one support reply. */
  countKeyRequestsBetween(key_id: string, from_exclusive_ms: number, to_ms: number): Promise<number>;

  /** Every request that used this Idempotency-Key (any API key, compared byte for byte), oldest first, at most MAX_CHAIN. */
  idempotencyChain(idempotency_key: string): Promise<ChainRows>;

  /** True when some stored request used this Idempotency-Key. */
  hasIdempotencyKey(idempotency_key: string): Promise<boolean>;
}

export interface RequestStore extends BehaviourReads {
  readonly kind: StoreKind;

  // ------------------------------------------------------------------ writes (the writer worker, the CLI)

  /**
   * Stores each row unless its (request_id, code) is already stored (or came earlier in the same batch) and updates
   * every rollup and the batch's ingest-health hour (floor(received_ms) to the hour, token_id ?? 0: one batch,
   * accepted, duplicates, ctx.rejected) with the rows actually stored; ctx.rejections are kept as samples (the newest
   * 1,000 overall). All of it or nothing: when the promise resolves the batch is durable, when it rejects nothing of
   * it counts. Rows are overwritten in place with ctx's token_id and received_ms. Past ctx.deadline_ms it rejects
   * with DeadlineExceeded and keeps nothing.
   */
  writeBatch(rows: RequestRow[], ctx: WriteContext): Promise<WriteOutcome>;

  /** Counts a refused batch for its token's ingest-health hour (batches + 1, nothing else) and samples it with line 0. */
  recordRejectedBatch(batch: RejectedBatch): Promise<void>;

  /**
   * Deletes records, rollups, ingest health and rejection samples older than retentionCutoff(now_ms, days) (a UTC day
   * start, so rollups always equal the records they summarize). At most about opts.maxRows records per call: call
   * again while `more`.
   */
  prune(opts: PruneOptions): Promise<PruneResult>;

  // ------------------------------------------------------------------ single requests

  /**
   * Every record of this request id (one per code) ordered by ts_ms, with the neighbourhood of its key (the first
   * record with a key): counts by code and up to 50 records of the key within ±7.5 min, [from, to), oldest first,
   * and the key's closest other request before and after. null when no record has this id. Ids are compared
   * byte for byte (quotes, backslashes, newlines, any unicode are just characters).
   */
  getRequest(request_id: string): Promise<RequestDetail | null>;

  /** Records of many ids (each ordered by ts_ms), keyed by id; ids without records are absent from the map. */
  getRequests(ids: readonly string[]): Promise<Map<string, RequestRecord[]>>;

  /** Request ids found in free text (lib/request-ids.ts), answered found and missing in their order of appearance. */
  lookup(text: string): Promise<LookupResult>;

  // ------------------------------------------------------------------ lists and exports

  /**
   * Records matching the filters, newest first, keyset-paginated: pass next_cursor back as page.cursor for the next
   * (older) page; null on the last page. Records stored while paging never cause a gap or a repeat. Cursors are opaque
   * and belong to the store that made them: a foreign or damaged one rejects with a ValidationError on `cursor`.
   */
  listRequests(filters: Filters, page?: ListPage): Promise<RequestPage>;

  /**
   * The same records as walking listRequests to the end, as CSV bytes (header, then one line per record,
   * lib/csv.ts REQUEST_CSV_COLUMNS or opts.columns, CRLF) in chunks of about opts.chunkBytes (default 64 KiB), produced as the
   * consumer pulls: memory stays flat at any row count and other requests keep being served during an export.
   */
  requestsCsv(filters: Filters, opts?: RequestsCsvOptions): Promise<ReadableStream<Uint8Array>>;

  // ------------------------------------------------------------------ aggregates

  /** KPIs of [from, to) and of the period of the same length just before it. */
  summary(filters: Filters): Promise<Summary>;

  /** Counts by one dimension over [from, to), most errors first (then most requests, then value), top opts.limit rows. */
  breakdown(filters: Filters, opts: BreakdownOptions): Promise<Breakdown>;

  /**
   * Every bucket of [from, to), zero-filled, at the requested or chosen interval (lib/time-buckets.ts chooseBucket),
   * optionally split by a dimension (top opts.limit groups plus "(other)").
   */
  timeseries(filters: Filters, opts?: TimeseriesOptions): Promise<Timeseries>;

  // ------------------------------------------------------------------ ingest health
  // Token names, prefixes and revocation come from the tokens table (metadata); token 0 / null is ingest without a
  // token, named NO_TOKEN_NAME, as is a token id the metadata does not know.

  /** One point per (hour, token) that saw a batch, hours from floor(from_ms) to the hour up to to_ms (exclusive), ordered by (hour, token_id). */
  ingestHealthSeries(f: IngestHealthFilters): Promise<IngestHealthPoint[]>;

  /** Totals per token over the same hours, the busiest (accepted + rejected) first, then by token_id. */
  ingestHealthTotals(f: IngestHealthFilters): Promise<IngestHealthTotal[]>;

  /** The newest rejected-record samples (the store keeps the newest 1,000), newest first. */
  recentRejections(opts?: RejectionListOptions): Promise<RejectionRow[]>;

  /** Rejected-record samples per code with received_ms in [from_ms, to_ms), most frequent first, then by code. */
  rejectionReasons(f: IngestHealthFilters): Promise<RejectionReason[]>;

  /**
   * Counts calls refused before any record was read (revoked, unknown or missing token, wrong scope) in their
   * token's ingest-health hour, and keeps the samples with line 0 like rejected batches.
   */
  recordRefusedCalls(calls: readonly RefusedCalls[], samples: readonly RefusedCall[]): Promise<void>;

  /** The time of each token's latest ingest call (accepted or refused), by token id: "last used" on both pages. */
  tokenLastCalls(): Promise<Map<number, number>>;

  // ------------------------------------------------------------------ support

  /**
   * The lookup page's answer to pasted text: every id found (also as REQ_x / missing prefix), bounded near misses
   * for the rest, what each key's history says about its error, the retention and the newest stored record.
   */
  supportLookup(text: string, opts?: SupportLookupOptions): Promise<SupportLookup>;

  /** What the key's history says about this record's error (null without a key or an error). */
  keyInsight(record: Pick<RequestRecord, 'key_id' | 'code' | 'reason' | 'ts_ms'>, now_ms: number): Promise<KeyInsight | null>;

  /** The read-only key summary support staff see: owner, counts by code over whole hours of the range, latest failures. */
  keySummary(input: KeySummaryInput): Promise<KeySummary>;

  // ------------------------------------------------------------------ the store itself

  /** Resolves when the store answers a trivial query; rejects (with an ApiError when it can tell) otherwise. */
  ping(): Promise<void>;

  /** Whole-store counts (records, oldest and newest ts_ms). */
  counts(): Promise<StoreCounts>;

  /** Releases connections; the store is unusable afterwards. */
  close(): Promise<void>;
}

/**
 * lookup() for any store: the ids found in the text, answered with one getRequests. A store whose getRequests is
 * exact needs nothing more.
 */
export async function lookupInText(store: Pick<RequestStore, 'getRequests'>, text: string): Promise<LookupResult> {
  // The scan of a large pasted text pauses every few ms, so other requests are answered meanwhile.
  const { ids, truncated } = await extractRequestIdsAsync(text, MAX_LOOKUP_IDS);
  const byId = await store.getRequests(ids);
  return {
    candidates: ids,
    truncated,
    found: ids.filter((id) => byId.has(id)).map((id) => ({ request_id: id, records: byId.get(id)! })),
    missing: ids.filter((id) => !byId.has(id)),
  };
}
