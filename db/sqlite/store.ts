// The SQLite request store: the RequestStore contract (db/store.ts) over the query modules in db/queries and the
// write path in ingest/write.ts, which keep their SQL. Each method runs its synchronous better-sqlite3 work at once
// and returns a settled promise, so behaviour and speed are those of the functions it wraps.
import { recordRefusedCalls, recordRejectedBatch, writeRows } from '@/ingest/write';
import type { KeyInsight } from '@/lib/key-insight';
import { getKeySummary } from '../queries/key-history';
import {
  countFutileRepeats,
  countKeyRequestsBetween,
  getIdempotencyChain,
  getKeyDayCounts,
  getLimitFact,
  hasIdempotencyKey,
  listFutileRepeats,
  listLimits,
  retryClassCounts,
  retryStormCounts,
} from '../queries/behaviour';
import { getTokenLastCalls } from '../queries/ingest-health';
import { insightFor, lookupForSupport } from '../queries/support-lookup';
import type { Filters } from '@/lib/filters';
import { planLookupAsync } from '@/lib/lookup-tokens';
import { openDatabase, type Db, type OpenOptions } from '../client';
import { requestsCsvStream } from '../queries/export';
import { getIngestHealthSeries, getIngestHealthTotals, getRejectionReasons, listRecentRejections } from '../queries/ingest-health';
import { getRequestById, getRequestsByIds, listRequests, lookupRequestIds } from '../queries/requests';
import { pruneRetention } from '../queries/retention';
import { getBreakdown, getSummary, getTimeseries } from '../queries/stats';
import type { KeySummaryInput, RequestStore, SupportLookupOptions } from '../store';
import type {
  BehaviourQuery,
  BreakdownOptions,
  FutileQuery,
  LimitQuery,
  RetryClassCountQuery,
  IngestHealthFilters,
  ListPage,
  RequestsCsvOptions,
  RefusedCall,
  RefusedCalls,
  RequestRecord,
  PruneOptions,
  RejectedBatch,
  RejectionListOptions,
  RequestRow,
  StoreCounts,
  TimeseriesOptions,
  WriteContext,
} from '../types';

export class SqliteRequestStore implements RequestStore {
  readonly kind = 'sqlite' as const;
  private closed = false;

  /**
   * `db` is the connection to use (the same one serves metadata in one process: the server's main thread, the writer
   * worker, the CLI). With `owns`, close() closes it.
   */
  constructor(
    readonly db: Db,
    private readonly owns = false,
    /** false: no client-behaviour facts at write (the benchmark's baseline only; every read of them is then empty). */
    private readonly classify = true,
  ) {}

  async writeBatch(rows: RequestRow[], ctx: WriteContext) {
    return writeRows(this.db, rows, ctx, this.classify);
  }

  async recordRejectedBatch(batch: RejectedBatch) {
    recordRejectedBatch(this.db, batch);
  }

  async prune(opts: PruneOptions) {
    return pruneRetention(this.db, opts);
  }

  async getRequest(request_id: string) {
    return getRequestById(this.db, request_id);
  }

  async getRequests(ids: readonly string[]) {
    return getRequestsByIds(this.db, ids);
  }

  async lookup(text: string) {
    return lookupRequestIds(this.db, text);
  }

  async listRequests(filters: Filters, page: ListPage = {}) {
    return listRequests(this.db, filters, page);
  }

  async requestsCsv(filters: Filters, opts: RequestsCsvOptions = {}) {
    return requestsCsvStream(this.db, filters, opts);
  }

  async summary(filters: Filters) {
    return getSummary(this.db, filters);
  }

  async breakdown(filters: Filters, opts: BreakdownOptions) {
    return getBreakdown(this.db, filters, opts);
  }

  async timeseries(filters: Filters, opts: TimeseriesOptions = {}) {
    return getTimeseries(this.db, filters, opts);
  }

  async ingestHealthSeries(f: IngestHealthFilters) {
    return getIngestHealthSeries(this.db, f);
  }

  async ingestHealthTotals(f: IngestHealthFilters) {
    // The SQL orders by volume only; ties by token id make the order part of the contract (Array.sort is stable).
    return getIngestHealthTotals(this.db, f).sort((a, b) => b.accepted + b.rejected - (a.accepted + a.rejected) || a.token_id - b.token_id);
  }

  async recentRejections(opts: RejectionListOptions = {}) {
    return listRecentRejections(this.db, opts);
  }

  async recordRefusedCalls(calls: readonly RefusedCalls[], samples: readonly RefusedCall[]) {
    recordRefusedCalls(this.db, calls, samples);
  }

  async tokenLastCalls() {
    return getTokenLastCalls(this.db);
  }

  async supportLookup(text: string, opts: SupportLookupOptions = {}) {
    return lookupForSupport(this.db, await planLookupAsync(text), opts);
  }

  async keyInsight(record: Pick<RequestRecord, 'key_id' | 'code' | 'reason' | 'ts_ms'>, now_ms: number): Promise<KeyInsight | null> {
    return insightFor(this.db, record, now_ms);
  }

  async keySummary(input: KeySummaryInput) {
    return getKeySummary(this.db, input);
  }

  async rejectionReasons(f: IngestHealthFilters) {
    return getRejectionReasons(this.db, f).sort((a, b) => b.count - a.count || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  }

  async behaviourKeyDays(q: BehaviourQuery) {
    return getKeyDayCounts(this.db, q);
  }

  async behaviourLimits(q: LimitQuery) {
    return listLimits(this.db, q);
  }

  async retryClassCounts(q: RetryClassCountQuery) {
    return retryClassCounts(this.db, q);
  }

  async retryStormCounts(q: RetryClassCountQuery) {
    return retryStormCounts(this.db, q);
  }

  async behaviourLimit(request_id: string, code: string, now_ms: number) {
    return getLimitFact(this.db, request_id, code, now_ms);
  }

  async futileRepeats(q: FutileQuery) {
    return listFutileRepeats(this.db, q);
  }

  async countFutileRepeats(key_id: string, code: string, from_ms: number, to_ms: number) {
    return countFutileRepeats(this.db, key_id, code, from_ms, to_ms);
  }

  async countKeyRequestsBetween(key_id: string, from_exclusive_ms: number, to_ms: number) {
    return countKeyRequestsBetween(this.db, key_id, from_exclusive_ms, to_ms);
  }

  async idempotencyChain(idempotency_key: string) {
    return getIdempotencyChain(this.db, idempotency_key);
  }

  async hasIdempotencyKey(idempotency_key: string) {
    return hasIdempotencyKey(this.db, idempotency_key);
  }

  async ping() {
    this.db.$client.prepare('select 1').get();
  }

  async counts(): Promise<StoreCounts> {
    // The daily rollup counts every stored record (and is pruned with them): no COUNT(*) scan of the records, so the
    // metrics scrape can ask. min/max are one step of the ts_ms index each.
    const r = this.db.$client
      .prepare(
        `SELECT (SELECT coalesce(sum(count), 0) FROM rollup_key_day) AS n, (SELECT min(ts_ms) FROM requests) AS lo,
                (SELECT max(ts_ms) FROM requests) AS hi, (SELECT count(*) FROM ingest_rejections) AS rj`,
      )
      .get() as { n: number; lo: number | null; hi: number | null; rj: number };
    return { requests: r.n, oldest_ts_ms: r.lo, newest_ts_ms: r.hi, rejection_samples: r.rj };
  }

  async close() {
    if (this.closed || !this.owns) return;
    this.closed = true;
    this.db.$client.close();
  }
}

/** A store on a connection the caller keeps (and closes). */
export function sqliteStoreOn(db: Db): SqliteRequestStore {
  return new SqliteRequestStore(db, false);
}

/** Opens (creating and migrating) the database file as a store of its own; close() closes it. */
export function openSqliteStore(file: string, options: OpenOptions = {}): SqliteRequestStore {
  return new SqliteRequestStore(openDatabase(file, options), true);
}
