// The ClickHouse request store (CLICKHOUSE_URL, and CLICKHOUSE_CLUSTER for a sharded cluster): the RequestStore
// contract of db/store.ts over the schema of db/clickhouse/schema.ts. Dedupe and the write path are explained in
// docs/clickhouse.md: one errata node writes, batches are serialized here, the (request_id, code) pairs of a batch
// are checked against the shards that own them before the insert, and only new rows are inserted, so the
// materialized-view rollups count each record once.
import { createHash, randomUUID } from 'node:crypto';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { ApiError } from '@/lib/api-error';
import { csvLine, REQUEST_CSV_COLUMNS } from '@/lib/csv';
import type { Filters } from '@/lib/filters';
import { getEnv } from '@/lib/env';
import type { KeyInsight } from '@/lib/key-insight';
import { HOUR_MS } from '@/lib/time-buckets';
import { requestExportLineOf, type ExportRow } from '../queries/export';
import { NO_TOKEN_NAME, UNKNOWN_TOKEN_NAME } from '../queries/ingest-health';
import { aroundAnswer, aroundWindow, keysetPage, pageRead, readTimeline, toRequestRecord, type AroundAnchor, type Cursor, type LightRow } from '../queries/requests';
import { retentionCutoff } from '../queries/retention';
import type { KeySummary } from '../queries/key-history';
import type { SupportLookup } from '../queries/support-lookup';
import { lookupInText, type KeySummaryInput, type RequestStore, type SupportLookupOptions } from '../store';
import {
  DeadlineExceeded,
  UNKNOWN_TOKEN_ID,
  type AroundKey,
  type BreakdownOptions,
  type BehaviourQuery,
  type ChainRows,
  type FutileQuery,
  type FutileRepeat,
  type IngestHealthFilters,
  type IngestHealthPoint,
  type IngestHealthTotal,
  type KeyDayRow,
  type LimitQuery,
  type LimitRecord,
  type RetryClassCount,
  type RetryClassCountQuery,
  type RetryStormCount,
  type ListPage,
  type PruneOptions,
  type PruneResult,
  type RejectedBatch,
  type RejectionListOptions,
  type RejectionReason,
  type RejectionRow,
  type RequestDetail,
  type RequestPage,
  type RequestRecord,
  type RequestRow,
  type RequestsCsvOptions,
  type RefusedCall,
  type RefusedCalls,
  type StoreCounts,
  type TimeseriesOptions,
  type WriteContext,
  type WriteOutcome,
} from '../types';
import { AddColumn, checkIdentifier, MIGRATIONS, migrationsTable, names, REQUEST_INDEX_PARTITION_DAYS, SMALL_TABLES, type Topology } from './schema';
import { FingerprintSet, PAIR_FINGERPRINT_SQL, pairFingerprint } from './seen';
import { and, join, raw, sql, type Sql } from './sql';
import { ClickHouseStats, filterConditions, RAW_COLS } from './stats';
import { ClickHouseSupport } from './support';
import { ClickHouseBehaviour } from './behaviour';
import { storedRetryAfterMs } from '@/lib/behaviour-window';

const MAX_REJECTION_SAMPLES = 1000;
const TIMELINE_LIMIT = 50;
const EXPORT_PAGE_ROWS = 5000;
/** SQL text per IN list at most: 18.16's max_query_size is 256 KiB. */
const MAX_IN_BYTES = 96 * 1024;

/** ClickHouse or one of its shards cannot be reached: ingest answers 503 + Retry-After, reads our envelope. */
export class StoreUnavailableError extends ApiError {
  constructor(message: string, readonly retryAfterSeconds = 5) {
    // details.retry_after: the writer worker's failures cross to the route as {code, message, details}, which turns
    // retry_after back into the header.
    super('storage_unavailable', message, { store: 'clickhouse', retry_after: retryAfterSeconds }, { 'Retry-After': String(retryAfterSeconds) });
  }
}

// Errors that mean "not reachable now" (network, a shard or ZooKeeper away, the server overloaded), not a bug of ours.
const UNAVAILABLE_CODES = new Set([
  '159', // TIMEOUT_EXCEEDED
  '202', // TOO_MANY_SIMULTANEOUS_QUERIES
  '209', // SOCKET_TIMEOUT
  '210', // NETWORK_ERROR
  '225', // NO_ZOOKEEPER
  '242', // TABLE_IS_READ_ONLY (lost ZooKeeper)
  '279', // ALL_CONNECTION_TRIES_FAILED
  '285', // TOO_FEW_LIVE_REPLICAS
  '286', // UNSATISFIED_QUORUM_FOR_PREVIOUS_WRITE
  '319', // UNKNOWN_STATUS_OF_INSERT
  '999', // KEEPER_EXCEPTION
]);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET']);

function classify(err: unknown): unknown {
  if (err instanceof ApiError || err instanceof DeadlineExceeded) return err;
  const e = err as { code?: unknown; message?: unknown; cause?: { code?: unknown } };
  const message = typeof e?.message === 'string' ? e.message : String(err);
  // 18.16's error text ("Code: 279, e.displayText() = …") is not the format the client parses into `code`.
  const code = typeof e?.code === 'string' ? e.code : typeof e?.cause?.code === 'string' ? e.cause.code : (/^Code: (\d+)/.exec(message)?.[1] ?? '');
  if (UNAVAILABLE_CODES.has(code) || NETWORK_CODES.has(code) || /socket hang up|Timeout error|ECONNREFUSED|ECONNRESET/i.test(message)) {
    return new StoreUnavailableError(`ClickHouse is unavailable: ${message.slice(0, 300)}`);
  }
  return err;
}

function isStaleSocket(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  return e?.code === 'ECONNRESET' || (typeof e?.message === 'string' && /socket hang up/i.test(e.message));
}

export interface TokenInfo {
  name: string;
  token_prefix: string | null;
  revoked: boolean;
}

export interface ClickHouseStoreOptions {
  /** http://user:password@host:8123/database (the database is created on start). */
  url?: string;
  /** remote_servers name: tables ON CLUSTER, sharded by request id. */
  cluster?: string | null;
  /** A ready client (chdb/connection); `database` names the database then. */
  client?: ClickHouseClient;
  database?: string;
  /** Token names for ingest health (metadata lives in SQLite); unknown ids read as NO_TOKEN_NAME. */
  tokenInfo?: (ids: number[]) => Map<number, TokenInfo> | Promise<Map<number, TokenInfo>>;
  /** The retention setting (metadata in SQLite) for the lookup page; ERRATA_RETENTION_DAYS when absent. */
  retentionDays?: () => number | Promise<number>;
  /** Apply migrations only up to this version (tests of a later migration on existing data). */
  migrateUpTo?: number;
}

interface Shard {
  num: number;
  weight: number;
  /** host:port|host:port of its replicas, for remote(). */
  addresses: string;
}

type Json = Record<string, unknown>;

const n = (v: unknown) => Number(v);
const nn = (v: unknown) => (v === null || v === undefined ? null : Number(v));

const RECORD_COLUMNS =
  'id, request_id, code, ts_ms, status, method, path, route, latency_ms, key_id, account_id, tier, message, details, reason, unknown_code, status_mismatch, idempotency_key, request_fingerprint, idempotent_replayed, user_agent';
const LIGHT_COLUMNS = 'id, request_id, code, status, ts_ms, method, route, path, latency_ms';

type RecordRowCH = Parameters<typeof toRequestRecord>[0] & { id: number };

function toRecordRow(r: Json): RecordRowCH {
  return {
    id: n(r.id),
    request_id: r.request_id as string,
    code: r.code as string,
    ts_ms: n(r.ts_ms),
    status: n(r.status),
    method: r.method as string | null,
    path: r.path as string | null,
    route: r.route as string | null,
    latency_ms: nn(r.latency_ms),
    key_id: r.key_id as string | null,
    account_id: r.account_id as string | null,
    tier: r.tier as string | null,
    message: r.message as string | null,
    details: r.details as string | null,
    reason: r.reason as string | null,
    unknown_code: n(r.unknown_code),
    status_mismatch: n(r.status_mismatch),
    idempotency_key: (r.idempotency_key as string | null) ?? null,
    request_fingerprint: (r.request_fingerprint as string | null) ?? null,
    idempotent_replayed: nn(r.idempotent_replayed),
    user_agent: (r.user_agent as string | null) ?? null,
  };
}

function toLight(r: Json): LightRow {
  return {
    id: n(r.id),
    request_id: r.request_id as string,
    code: r.code as string,
    status: n(r.status),
    ts_ms: n(r.ts_ms),
    method: r.method as string | null,
    route: r.route as string | null,
    path: r.path as string | null,
    latency_ms: nn(r.latency_ms),
  };
}


/** ClickHouse's halfMD5: the first 8 bytes of MD5 of the UTF-8 bytes, big-endian. The cluster's sharding key. */
export function halfMD5(s: string): bigint {
  return createHash('md5').update(s, 'utf8').digest().readBigUInt64BE(0);
}

/** Splits values into lists whose SQL text stays under MAX_IN_BYTES. */
function chunkForIn<T>(values: readonly T[], size: (v: T) => number): T[][] {
  const out: T[][] = [];
  let cur: T[] = [];
  let bytes = 0;
  for (const v of values) {
    const b = size(v) + 8;
    if (cur.length && bytes + b > MAX_IN_BYTES) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(v);
    bytes += b;
  }
  if (cur.length) out.push(cur);
  return out;
}

/** The `requests` columns of a row (JSONEachRow). */
function requestValues(r: RequestRow, id: number, withBehaviour: boolean): Json {
  return {
    id,
    request_id: r[0],
    code: r[1],
    ts_ms: r[2],
    status: r[3],
    method: r[4],
    path: r[5],
    route: r[6],
    latency_ms: r[7],
    key_id: r[8],
    account_id: r[9],
    tier: r[10],
    message: r[11],
    details: r[12],
    reason: r[13],
    unknown_code: r[14],
    status_mismatch: r[15],
    token_id: r[16],
    received_ms: r[17],
    // A store held at an older schema (migrateUpTo) has no client-behaviour columns.
    ...(withBehaviour
      ? { idempotency_key: r[18], request_fingerprint: r[19], idempotent_replayed: r[20], user_agent: r[21], retry_after_ms: storedRetryAfterMs(r[3], r[12]) }
      : {}),
  };
}

const inList = (values: readonly string[]) => join(values.map((v) => sql`${v}`), ', ');

export class ClickHouseRequestStore implements RequestStore {
  readonly kind = 'clickhouse' as const;
  private readonly t: Topology;
  private readonly names: ReturnType<typeof names>;
  private readonly stats: ClickHouseStats;
  private shards: Shard[] | null = null;
  private nextId = 1;
  private nextRejectionId = 1;
  /** Writes run one after another: the dedupe check of a batch must see every earlier batch. */
  private writeChain: Promise<unknown> = Promise.resolve();
  private initialized = false;
  /** Replicas per shard (the fewest of any shard): more than one means quorum inserts. */
  private replicas = 1;
  /** query_id of an insert that failed without a clear answer: settled before the next write. */
  private unsettledInsert: string | null = null;
  private supportReads: ClickHouseSupport | null = null;
  private readonly behaviour: ClickHouseBehaviour;
  /** Fingerprints of every stored (request_id, code), once loaded (see seen.ts); null until then. */
  private seen: FingerprintSet | null = null;
  /** Fingerprints of rows inserted while the set loads: added to it when it is ready. */
  private seenPending: FingerprintSet | null = null;
  private seenLoading: Promise<void> | null = null;

  private constructor(
    private readonly client: ClickHouseClient,
    database: string,
    cluster: string | null,
    private readonly tokenInfo: ClickHouseStoreOptions['tokenInfo'],
    private readonly upTo: number,
    private readonly retentionDays: () => number | Promise<number>,
  ) {
    this.t = { database: checkIdentifier(database, 'ClickHouse database'), cluster: cluster ? checkIdentifier(cluster, 'CLICKHOUSE_CLUSTER') : null };
    this.names = names(this.t);
    this.stats = new ClickHouseStats((q) => this.rows(q), (name) => `${this.t.database}.${name}`);
    const db = this.t.database;
    this.behaviour = new ClickHouseBehaviour({
      rows: (q) => this.rows(q),
      insert: (table, values) => this.insert(table, values),
      requestsByKey: `${db}.requests_by_key`,
      requestsByIdempotencyKey: `${db}.requests_by_idempotency_key`,
      limits: `${db}.behaviour_limits`,
      futile: `${db}.behaviour_futile`,
      rollupKeyDay: this.names.dist('rollup_key_day'),
    });
  }

  /**
   * The store at once, connecting on first use: schema creation, migration and the id counters run before the first
   * call is answered (and again on the next call when ClickHouse was unreachable), so a server can start while
   * ClickHouse is still down and recover by itself.
   */
  static create(opts: ClickHouseStoreOptions): ClickHouseRequestStore {
    let client = opts.client;
    let database = opts.database ?? 'errata';
    if (!client) {
      if (!opts.url) throw new Error('ClickHouse store: CLICKHOUSE_URL is not set');
      const u = new URL(opts.url);
      const db = decodeURIComponent(u.pathname.replace(/^\/+|\/+$/g, ''));
      if (db) database = db;
      client = createClient({
        url: `${u.protocol}//${u.host}`,
        username: decodeURIComponent(u.username) || 'default',
        password: decodeURIComponent(u.password),
        request_timeout: 30_000,
        // Idle sockets are closed before the server's keep_alive_timeout (3 s on 18.16) closes them under a request.
        keep_alive: { enabled: true, idle_socket_ttl: 1500 },
        clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
      });
    }
    return new ClickHouseRequestStore(client, database, opts.cluster ?? null, opts.tokenInfo, opts.migrateUpTo ?? Number.POSITIVE_INFINITY,
      opts.retentionDays ?? (() => getEnv().ERRATA_RETENTION_DAYS),
    );
  }

  /** create() and wait until the schema is ready (rejects when ClickHouse cannot be reached). */
  static async open(opts: ClickHouseStoreOptions): Promise<ClickHouseRequestStore> {
    const store = ClickHouseRequestStore.create(opts);
    await store.ready();
    return store;
  }

  private initializing: Promise<void> | null = null;

  /** Resolves once the schema is migrated and the counters read; a failed attempt is retried by the next call. */
  ready(): Promise<void> {
    if (this.initialized) return Promise.resolve();
    this.initializing ??= this.init(this.upTo).catch((err: unknown) => {
      this.initializing = null;
      throw classify(err);
    });
    return this.initializing;
  }

  private async init(upTo: number): Promise<void> {
    const t = this.t;
    await this.exec(raw(`CREATE DATABASE IF NOT EXISTS ${t.database}${this.names.onCluster}`));
    await this.exec(migrationsTable(t));
    const done = new Set((await this.rows<{ version: unknown }>(raw(`SELECT version FROM ${t.database}.schema_migrations`))).map((r) => n(r.version)));
    for (const m of [...MIGRATIONS].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version) || m.version > upTo) continue;
      // Backfills through Distributed tables must land before the next statement.
      for (const st of m.statements(t)) {
        try {
          await this.exec(st, t.cluster ? { insert_distributed_sync: 1 } : {});
        } catch (err) {
          // A rerun after an interrupted migration: the column is there already (18.16 has no ADD COLUMN IF NOT EXISTS).
          if (!(st instanceof AddColumn && /^Code: 44\b|already exists/.test(String((err as Error)?.message)))) throw err;
        }
      }
      await this.exec(sql`INSERT INTO ${raw(t.database)}.schema_migrations (version, name, applied_ms) VALUES (${m.version}, ${m.name}, ${Date.now()})`);
    }
    if (t.cluster) {
      const rows = await this.rows<Json>(
        sql`SELECT shard_num, shard_weight, host_address, port FROM system.clusters WHERE cluster = ${t.cluster} ORDER BY shard_num, replica_num`,
      );
      if (rows.length === 0) throw new Error(`ClickHouse store: cluster ${t.cluster} is not in remote_servers`);
      const byNum = new Map<number, Shard>();
      for (const r of rows) {
        const num = n(r.shard_num);
        const addr = `${r.host_address}:${n(r.port)}`;
        const s = byNum.get(num);
        if (s) s.addresses += `|${addr}`;
        else byNum.set(num, { num, weight: n(r.shard_weight), addresses: addr });
      }
      this.shards = [...byNum.values()];
      this.replicas = Math.min(...this.shards.map((s) => s.addresses.split('|').length));
    }
    const [ids] = await this.rows<Json>(raw(`SELECT max(id) AS m FROM ${this.names.dist('requests')}`));
    this.nextId = n(ids?.m ?? 0) + 1;
    const [rj] = await this.rows<Json>(raw(`SELECT max(id) AS m FROM ${this.names.dist('ingest_rejections')}`));
    this.nextRejectionId = n(rj?.m ?? 0) + 1;
    if (upTo >= 4) await this.behaviour.init();
    this.initialized = true;
  }

  // ------------------------------------------------------------------ plumbing

  /**
   * Reads and DDL are idempotent: one retry when the socket was closed under the request (a keep-alive socket the
   * server had just dropped), so a stale connection never reaches the user. Inserts are never retried here.
   */
  private async idempotent<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (!isStaleSocket(err)) throw classify(err);
      try {
        return await fn();
      } catch (again) {
        throw classify(again);
      }
    }
  }

  private rows<T = Json>(q: Sql): Promise<T[]> {
    return this.idempotent(async () => (await (await this.client.query({ query: q.text, format: 'JSONEachRow' })).json()) as T[]);
  }

  private exec(q: Sql, settings: Record<string, string | number> = {}): Promise<void> {
    return this.idempotent(async () => {
      await this.client.command({ query: q.text, clickhouse_settings: settings as never });
    });
  }

  /** The shard (index into this.shards) that stores a request id, as the Distributed table's halfMD5 key places it. */
  private shardOf(request_id: string): number {
    const shards = this.shards!;
    const total = shards.reduce((a, s) => a + s.weight, 0);
    let slot = Number(halfMD5(request_id) % BigInt(total));
    for (let i = 0; i < shards.length; i++) {
      if (slot < shards[i].weight) return i;
      slot -= shards[i].weight;
    }
    return shards.length - 1;
  }

  /**
   * `SELECT … FROM <requests> WHERE request_id IN (ids)` on only the shards that own the ids (one shard for one id):
   * remote() to that shard's replicas. A single server reads its table.
   */
  private async byRequestIds(columns: string, ids: readonly string[], orderBy = ''): Promise<Json[]> {
    if (ids.length === 0) return [];
    const groups = new Map<string, string[]>();
    if (!this.shards) groups.set('', [...ids]);
    else {
      for (const id of ids) {
        const s = this.shards[this.shardOf(id)].addresses;
        const g = groups.get(s);
        if (g) g.push(id);
        else groups.set(s, [id]);
      }
    }
    const reads: Promise<Json[]>[] = [];
    for (const [addresses, list] of groups) {
      const from = addresses ? sql`remote(${addresses}, ${this.t.database}, 'requests_local')` : raw(this.names.dist('requests'));
      for (const part of chunkForIn(list, (v) => Buffer.byteLength(v) * 2)) {
        reads.push(this.rows<Json>(sql`SELECT ${raw(columns)} FROM ${from} WHERE request_id IN (${inList(part)})${raw(orderBy)}`));
      }
    }
    return (await Promise.all(reads)).flat();
  }

  /**
   * Loads the fingerprints of every stored pair in the background, once (again after a prune drops rows). Until it
   * is done every pair is checked against ClickHouse; rows inserted meanwhile go into `seenPending` and join the set.
   */
  private loadSeen(): void {
    if (this.seen || this.seenLoading) return;
    const pending = new FingerprintSet();
    this.seenPending = pending;
    this.seenLoading = (async () => {
      const set = new FingerprintSet();
      // TabSeparated: 18.16 has no JSONCompactEachRow, and two numbers a line parse fastest as text.
      const rs = await this.client.query({ query: `SELECT ${PAIR_FINGERPRINT_SQL} FROM ${this.names.dist('requests')}`, format: 'TabSeparated' });
      for await (const rows of rs.stream()) {
        for (const row of rows) {
          const tab = row.text.indexOf('\t');
          set.add(Number(row.text.slice(0, tab)), Number(row.text.slice(tab + 1)));
        }
      }
      return set;
    })().then(
      (set) => {
        this.seen = set;
        this.seenPending = null;
        this.seenLoading = null;
        // Everything inserted while loading (the set may or may not have read it).
        this.mergePending(pending);
      },
      () => {
        // ClickHouse away: every pair is checked until the next write tries again.
        this.seenPending = null;
        this.seenLoading = null;
      },
    );
  }

  private mergePending(pending: FingerprintSet): void {
    const set = this.seen!;
    pending.forEach((hi, lo) => set.add(hi, lo));
  }

  /**
   * Records of these request ids through `request_index`: the ids' (code, ts_ms) first (narrow, sorted by request id,
   * weekly partitions), then their rows from `requests` restricted to those exact times, which the day partitions'
   * min/max of ts_ms narrow to the parts that hold them. A store held below migration 5 reads `requests` directly.
   */
  private async byRequestIdsIndexed(columns: string, ids: readonly string[], orderBy = ''): Promise<Json[]> {
    if (this.upTo < 5) return this.byRequestIds(columns, ids, orderBy);
    if (ids.length === 0) return [];
    const groups = new Map<string, string[]>();
    if (!this.shards) groups.set('', [...ids]);
    else {
      for (const id of ids) {
        const s = this.shards[this.shardOf(id)].addresses;
        const g = groups.get(s);
        if (g) g.push(id);
        else groups.set(s, [id]);
      }
    }
    const reads: Promise<Json[]>[] = [];
    for (const [addresses, list] of groups) {
      const from = (table: string) => (addresses ? sql`remote(${addresses}, ${this.t.database}, ${`${table}_local`})` : raw(`${this.t.database}.${table}`));
      for (const part of chunkForIn(list, (v) => Buffer.byteLength(v) * 2)) {
        reads.push(
          (async () => {
            const hits = await this.rows<Json>(sql`SELECT DISTINCT ts_ms FROM ${from('request_index')} WHERE request_id IN (${inList(part)})`);
            if (hits.length === 0) return [];
            const times = join(hits.map((h) => sql`${n(h.ts_ms)}`), ', ');
            return this.rows<Json>(sql`SELECT ${raw(columns)} FROM ${from('requests')} WHERE request_id IN (${inList(part)}) AND ts_ms IN (${times})${raw(orderBy)}`);
          })(),
        );
      }
    }
    return (await Promise.all(reads)).flat();
  }

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.writeChain.then(fn, fn);
    this.writeChain = run.catch(() => undefined);
    return run;
  }

  // ------------------------------------------------------------------ writes

  writeBatch(rows: RequestRow[], ctx: WriteContext): Promise<WriteOutcome> {
    return this.serialized(async () => {
      await this.ready();
      return this.write(rows, ctx);
    });
  }

  private async write(rows: RequestRow[], ctx: WriteContext): Promise<WriteOutcome> {
    const deadline = ctx.deadline_ms ?? null;
    const late = () => deadline !== null && Date.now() > deadline;
    if (late()) throw new DeadlineExceeded();
    await this.settlePreviousInsert();
    const token_id = ctx.token_id;
    const received_ms = ctx.received_ms;
    // First occurrence wins within the batch, as INSERT OR IGNORE in order does.
    const fresh = new Map<string, RequestRow>();
    for (const r of rows) {
      r[16] = token_id;
      r[17] = received_ms;
      const k = `${r[0]}\u0000${r[1]}`;
      if (!fresh.has(k)) fresh.set(k, r);
    }
    const accepted = await this.insertFresh(rows, fresh, late);
    const duplicates = rows.length - accepted;
    await this.insert(this.names.dist('ingest_health_hour'), [
      { bucket_ms: Math.floor(received_ms / HOUR_MS) * HOUR_MS, token_id: token_id ?? 0, batches: 1, accepted, duplicates, rejected: ctx.rejected ?? 0 },
    ]);
    // A store held at an older schema (migrateUpTo, tests of a later migration) has no latest-call table yet.
    if (this.upTo >= 3) {
      await this.insert(this.names.dist('ingest_last_call_hour'), [{ bucket_ms: Math.floor(received_ms / HOUR_MS) * HOUR_MS, token_id: token_id ?? 0, last_ms: received_ms }]);
    }
    const samples = (ctx.rejections ?? []).slice(0, MAX_REJECTION_SAMPLES);
    if (samples.length) {
      await this.insertRejections(
        samples.map((e) => ({ token_id, received_ms, line: e.line, code: e.code, message: e.message, field: e.field ?? null, sample: e.sample })),
      );
    }
    return { accepted, duplicates };
  }

  /**
   * Drops from `fresh` (first occurrence of each (request_id, code) in the batch) every pair already stored, gives
   * every row of the batch the next id in order, and inserts the rest. Returns how many rows were inserted.
   */
  private async insertFresh(rows: readonly RequestRow[], fresh: Map<string, RequestRow>, late: () => boolean = () => false): Promise<number> {
    // Everything already stored goes. Only pairs the fingerprint set may hold are read back (all of them while the
    // set loads); the check reads the shard that owns each id.
    const prints = new Map<RequestRow, [number, number]>();
    for (const r of fresh.values()) prints.set(r, pairFingerprint(r[0], r[1]));
    const seen = this.seen;
    const ask = seen ? [...fresh.values()].filter((r) => seen.has(...prints.get(r)!)) : [...fresh.values()];
    const ids = [...new Set(ask.map((r) => r[0]))];
    for (const e of await this.byRequestIds('request_id, code', ids)) fresh.delete(`${e.request_id}\u0000${e.code}`);
    if (late()) throw new DeadlineExceeded();
    // Every row of the batch takes the next id in order, stored or not, as SQLite's AUTOINCREMENT does for an INSERT
    // OR IGNORE: the same batches give the same ids (and keyset order) in both stores. Ids are taken before the
    // insert, so a failed insert that reached ClickHouse anyway never shares an id with a later one.
    const base = this.nextId;
    this.nextId += rows.length;
    const idOf = new Map<RequestRow, number>();
    rows.forEach((r, i) => idOf.set(r, base + i));
    if (fresh.size > 0) {
      // Into the set before the insert: an insert that fails may still land, and a fingerprint too many only costs a read.
      for (const r of fresh.values()) {
        const [hi, lo] = prints.get(r)!;
        this.seen?.add(hi, lo);
        this.seenPending?.add(hi, lo);
      }
      await this.insert(this.names.dist('requests'), [...fresh.values()].map((r) => requestValues(r, idOf.get(r)!, this.upTo >= 4)));
    }
    // The whole batch, duplicates included: a resend after a crash between the insert and the facts writes them then.
    if (this.upTo >= 4) await this.behaviour.afterInsert(rows);
    this.loadSeen();
    return fresh.size;
  }

  /**
   * `errata copy`: stores rows read from a SQLite store as they are (each keeps its token and receive time), with the
   * same exact dedupe as ingest, and without ingest-health lines (the copy is not an ingest call).
   */
  copyRows(rows: RequestRow[]): Promise<WriteOutcome> {
    return this.serialized(async () => {
      await this.ready();
      await this.settlePreviousInsert();
      const fresh = new Map<string, RequestRow>();
      for (const r of rows) {
        const k = `${r[0]}\u0000${r[1]}`;
        if (!fresh.has(k)) fresh.set(k, r);
      }
      const accepted = await this.insertFresh(rows, fresh);
      return { accepted, duplicates: rows.length - accepted };
    });
  }

  /**
   * One INSERT; on a cluster through the Distributed table with insert_distributed_sync=1, so it returns only when
   * every shard has its rows (and their rollups: the views run in the same shard insert).
   */
  private async insert(table: string, values: Json[]): Promise<void> {
    const query_id = `errata-${randomUUID()}`;
    const settings: Record<string, number> = {};
    if (this.t.cluster) settings.insert_distributed_sync = 1;
    // Replicated tables drop a block identical to one they already hold. Two health or refused-call rows of the
    // same hour and token with the same counts are two events, not a resend: keep both (request rows are deduped
    // by the store's own check).
    if (this.t.cluster && SMALL_TABLES.some((x) => this.names.dist(x) === table)) settings.insert_deduplicate = 0;
    // Several replicas per shard: the insert returns once all of them have the block, so the next dedupe check
    // sees it whichever replica answers.
    if (this.replicas > 1) settings.insert_quorum = this.replicas;
    try {
      await this.client.insert({ table, values, format: 'JSONEachRow', query_id, clickhouse_settings: settings as never });
    } catch (err) {
      // The insert may still be running (or have finished) on the server although we got no answer: the next write
      // waits until it is gone before its dedupe check, or that check could miss rows it is about to store.
      this.unsettledInsert = query_id;
      throw classify(err);
    }
  }

  /** KILL … SYNC returns once the query has finished or been cancelled (a query already done is not found). */
  private async settlePreviousInsert(): Promise<void> {
    if (!this.unsettledInsert) return;
    await this.exec(sql`KILL QUERY WHERE query_id = ${this.unsettledInsert} SYNC`);
    this.unsettledInsert = null;
  }

  private async insertRejections(rows: Omit<RejectionRow, 'id' | 'token_name'>[]): Promise<void> {
    const first = this.nextRejectionId;
    this.nextRejectionId += rows.length;
    await this.insert(
      this.names.dist('ingest_rejections'),
      rows.map((r, i) => ({ id: first + i, ...r })),
    );
  }

  recordRejectedBatch(batch: RejectedBatch): Promise<void> {
    return this.serialized(async () => {
      await this.ready();
      await this.insert(this.names.dist('ingest_health_hour'), [
        { bucket_ms: Math.floor(batch.received_ms / HOUR_MS) * HOUR_MS, token_id: batch.token_id ?? 0, batches: 1, accepted: 0, duplicates: 0, rejected: 0 },
      ]);
      if (this.upTo >= 3) {
        await this.insert(this.names.dist('ingest_last_call_hour'), [
          { bucket_ms: Math.floor(batch.received_ms / HOUR_MS) * HOUR_MS, token_id: batch.token_id ?? 0, last_ms: batch.received_ms },
        ]);
      }
      await this.insertRejections([{ token_id: batch.token_id, received_ms: batch.received_ms, line: 0, code: batch.code, message: batch.message, field: null, sample: null }]);
    });
  }

  recordRefusedCalls(calls: readonly RefusedCalls[], samples: readonly RefusedCall[]): Promise<void> {
    return this.serialized(async () => {
      await this.ready();
      if (calls.length) {
        await this.insert(
          this.names.dist('ingest_refused_hour'),
          calls.map((c) => ({ bucket_ms: c.hour_ms, token_id: c.token_id, refused: c.count })),
        );
        await this.insert(
          this.names.dist('ingest_last_call_hour'),
          calls.map((c) => ({ bucket_ms: c.hour_ms, token_id: c.token_id, last_ms: c.last_ms })),
        );
      }
      if (samples.length) {
        await this.insertRejections(
          samples.map((x) => ({ token_id: x.token_id, received_ms: x.received_ms, line: 0, code: x.code, message: x.message, field: null, sample: null })),
        );
      }
    });
  }

  async tokenLastCalls(): Promise<Map<number, number>> {
    await this.ready();
    const rows = await this.rows<Json>(sql`SELECT token_id, max(last_ms) AS last_ms FROM ${raw(this.names.dist('ingest_last_call_hour'))} GROUP BY token_id`);
    return new Map(rows.map((r) => [n(r.token_id), n(r.last_ms)]));
  }

  prune(opts: PruneOptions): Promise<PruneResult> {
    return this.serialized(async () => {
      await this.ready();
      return this.pruneNow(opts);
    });
  }

  /** Drops whole day partitions older than the cutoff (a UTC day start), oldest first, within the row budget. */
  private async pruneNow(opts: PruneOptions): Promise<PruneResult> {
    const cutoff = retentionCutoff(opts.now_ms ?? Date.now(), opts.days);
    const budget = opts.maxRows ?? Number.POSITIVE_INFINITY;
    const cutDay = cutoff / 86_400_000;
    const t = this.t;
    const dropDays = async (table: string, replicatedEverywhere: boolean, days: number[]) => {
      for (const d of days) {
        if (replicatedEverywhere || !t.cluster) await this.exec(sql`ALTER TABLE ${raw(`${t.database}.${table}`)} DROP PARTITION ${d}`);
        else await this.exec(sql`ALTER TABLE ${raw(`${t.database}.${table}_local`)}${raw(this.names.onCluster)} DROP PARTITION ${d}`);
      }
    };
    const daysOf = async (table: string, col: string) =>
      (await this.rows<Json>(sql`SELECT intDiv(${raw(col)}, 86400000) AS d, count() AS c FROM ${raw(`${t.database}.${table}`)} WHERE ${raw(col)} < ${cutoff} GROUP BY d ORDER BY d`)).map(
        (r) => ({ d: n(r.d), c: n(r.c) }),
      );
    const reqDays = await daysOf('requests', 'ts_ms');
    let requests = 0;
    const take: number[] = [];
    let more = false;
    for (const x of reqDays) {
      if (requests >= budget) {
        more = true;
        break;
      }
      take.push(x.d);
      requests += x.c;
    }
    await dropDays('requests', false, take);
    await dropDays('requests_by_key', false, take);
    if (this.upTo >= 4) await dropDays('requests_by_idempotency_key', false, take);
    if (take.length) await this.pruneRequestIndex(more ? (take[take.length - 1] + 1) * 86_400_000 : cutoff);
    // Rollups and health: only days no remaining record needs (all of them unless the budget stopped early).
    const limitDay = more ? take[take.length - 1] + 1 : cutDay;
    const result: Record<string, number> = {};
    for (const [table, col, everywhere] of [
      ['rollup_minute', 'bucket_ms', false],
      ['rollup_hour', 'bucket_ms', false],
      ['rollup_key_hour', 'bucket_ms', false],
      ['rollup_key_day', 'bucket_ms', false],
      ['ingest_health_hour', 'bucket_ms', true],
      ['ingest_rejections', 'received_ms', true],
      ['ingest_refused_hour', 'bucket_ms', true],
      ['ingest_last_call_hour', 'bucket_ms', true],
      // Every version of a fact lives in its event's day partition (a limit's successor is never older than the limit).
      ...(this.upTo >= 4 ? ([['behaviour_limits', 'ts_ms', false], ['behaviour_futile', 'ts_ms', false]] as const) : []),
    ] as const) {
      const days = (await daysOf(table, col)).filter((x) => x.d < limitDay);
      result[table] = days.reduce((a, x) => a + x.c, 0);
      await dropDays(table, everywhere, days.map((x) => x.d));
    }
    return {
      cutoff_ms: cutoff,
      requests,
      rollup_minute: result.rollup_minute,
      rollup_hour: result.rollup_hour,
      // No code-hour or day rollup here: ClickHouse sums rollup_hour fast enough.
      rollup_code_hour: 0,
      rollup_day: 0,
      rollup_key_hour: result.rollup_key_hour,
      rollup_key_day: result.rollup_key_day,
      ingest_health_hour: result.ingest_health_hour,
      ingest_rejections: result.ingest_rejections,
      // Fact rows, every stored version counted.
      behaviour_limits: result.behaviour_limits ?? 0,
      behaviour_futile: result.behaviour_futile ?? 0,
      more,
    };
  }

  /**
   * Drops the request_index weeks that end at or before `before_ms` (stale rows of a kept week are harmless: a lookup
   * reads the rows themselves from `requests`), and reloads the fingerprint set without the dropped pairs.
   */
  private async pruneRequestIndex(before_ms: number): Promise<void> {
    if (this.upTo < 5) return;
    const week = REQUEST_INDEX_PARTITION_DAYS * 86_400_000;
    const table = this.t.cluster ? `${this.t.database}.request_index_local` : `${this.t.database}.request_index`;
    const parts = await this.rows<Json>(
      sql`SELECT DISTINCT partition FROM system.parts WHERE database = ${this.t.database} AND table = ${table.split('.')[1]} AND active`,
    );
    for (const p of parts.map((x) => Number(x.partition)).sort((a, b) => a - b)) {
      if ((p + 1) * week <= before_ms) await this.exec(sql`ALTER TABLE ${raw(table)}${raw(this.names.onCluster)} DROP PARTITION ${p}`);
    }
    if (!this.seenLoading) this.seen = null;
  }

  // ------------------------------------------------------------------ single requests

  async getRequest(request_id: string): Promise<RequestDetail | null> {
    await this.ready();
    const rows = (await this.byRequestIdsIndexed(RECORD_COLUMNS, [request_id], ' ORDER BY ts_ms, id')).map(toRecordRow);
    if (rows.length === 0) return null;
    const anchor = rows.find((r) => r.key_id !== null);
    return {
      request_id,
      records: rows.map(toRequestRecord),
      around: anchor ? await this.aroundKey(anchor as RecordRowCH & { key_id: string }) : null,
    };
  }

  private async aroundKey(anchor: AroundAnchor): Promise<AroundKey> {
    const R = raw(`${this.t.database}.requests_by_key`);
    const L = raw(LIGHT_COLUMNS);
    const win = aroundWindow(anchor);
    const { key_id, from_ms, to_ms } = win;
    const seen = readTimeline(
      anchor,
      (await this.rows<Json>(sql`SELECT ${L} FROM ${R} WHERE key_value = ${key_id} AND ts_ms >= ${from_ms} AND ts_ms < ${to_ms} ORDER BY ts_ms, id LIMIT ${TIMELINE_LIMIT + 1}`)).map(
        toLight,
      ),
    );
    const t = anchor.ts_ms;
    const [counts, p, nx] = await Promise.all([
      seen.counts ??
        this.rows<Json>(sql`SELECT code, count() AS count FROM ${R} WHERE key_value = ${key_id} AND ts_ms >= ${from_ms} AND ts_ms < ${to_ms} GROUP BY code`).then((rows) =>
          rows.map((r) => ({ code: r.code as string, count: n(r.count) })),
        ),
      seen.previous
        ? Promise.resolve([])
        : this.rows<Json>(
            sql`SELECT ${L} FROM ${R} WHERE key_value = ${key_id} AND ts_ms <= ${t} AND (ts_ms < ${t} OR id < ${anchor.id}) AND request_id != ${anchor.request_id} ORDER BY ts_ms DESC, id DESC LIMIT 1`,
          ),
      seen.next
        ? Promise.resolve([])
        : this.rows<Json>(
            sql`SELECT ${L} FROM ${R} WHERE key_value = ${key_id} AND ts_ms >= ${t} AND (ts_ms > ${t} OR id > ${anchor.id}) AND request_id != ${anchor.request_id} ORDER BY ts_ms, id LIMIT 1`,
          ),
    ]);
    return aroundAnswer(win, seen, counts, seen.previous ?? (p[0] ? toLight(p[0]) : undefined), seen.next ?? (nx[0] ? toLight(nx[0]) : undefined));
  }

  async getRequests(ids: readonly string[]): Promise<Map<string, RequestRecord[]>> {
    await this.ready();
    const out = new Map<string, RequestRecord[]>();
    const rows = (await this.byRequestIdsIndexed(RECORD_COLUMNS, [...new Set(ids)])).map(toRecordRow);
    rows.sort((a, b) => a.ts_ms - b.ts_ms || a.id - b.id);
    for (const r of rows) {
      const list = out.get(r.request_id);
      if (list) list.push(toRequestRecord(r));
      else out.set(r.request_id, [toRequestRecord(r)]);
    }
    return out;
  }

  lookup(text: string) {
    return lookupInText(this, text);
  }

  // ------------------------------------------------------------------ lists and exports

  private async listRows(filters: Filters, after: Cursor | null, limit: number, columns: string): Promise<Json[]> {
    const conds: Sql[] = [
      sql`ts_ms >= ${filters.from}`,
      sql`ts_ms < ${after ? Math.min(filters.to, after.ts_ms + 1) : filters.to}`,
      ...filterConditions(RAW_COLS, filters),
    ];
    if (after) conds.push(sql`(ts_ms < ${after.ts_ms} OR (ts_ms = ${after.ts_ms} AND id < ${after.id}))`);
    const R = raw(this.names.dist('requests'));
    // 18.16 cannot read in sort order, so a page first finds its oldest ts_ms from two columns, then reads the wide
    // columns of only the partitions from there on (the same rows: every row of the page has ts_ms >= that bound).
    const [edge] = await this.rows<Json>(
      sql`SELECT min(ts_ms) AS lo, count() AS c FROM (SELECT ts_ms FROM ${R} WHERE ${and(conds)} ORDER BY ts_ms DESC, id DESC LIMIT ${limit})`,
    );
    if (!edge || n(edge.c) === 0) return [];
    conds.push(sql`ts_ms >= ${n(edge.lo)}`);
    return this.rows<Json>(sql`SELECT ${raw(columns)} FROM ${R} WHERE ${and(conds)} ORDER BY ts_ms DESC, id DESC LIMIT ${limit}`);
  }

  /** The `limit` records just newer than `before`, oldest first (a `prev_cursor` page, read upwards). */
  private async listRowsNewer(filters: Filters, before: Cursor, limit: number): Promise<Json[]> {
    const conds: Sql[] = [
      sql`ts_ms >= ${Math.max(filters.from, before.ts_ms)}`,
      sql`ts_ms < ${filters.to}`,
      ...filterConditions(RAW_COLS, filters),
      sql`(ts_ms > ${before.ts_ms} OR (ts_ms = ${before.ts_ms} AND id > ${before.id}))`,
    ];
    return this.rows<Json>(sql`SELECT ${raw(RECORD_COLUMNS)} FROM ${raw(this.names.dist('requests'))} WHERE ${and(conds)} ORDER BY ts_ms ASC, id ASC LIMIT ${limit}`);
  }

  async listRequests(filters: Filters, page: ListPage = {}): Promise<RequestPage> {
    await this.ready();
    const limit = page.limit ?? 100;
    const read = pageRead(page);
    const rows = read.newer ? await this.listRowsNewer(filters, read.before, limit + 1) : await this.listRows(filters, read.after, limit + 1, RECORD_COLUMNS);
    return keysetPage(read, rows.map(toRecordRow), limit, toRequestRecord);
  }

  async requestsCsv(filters: Filters, opts: RequestsCsvOptions = {}): Promise<ReadableStream<Uint8Array>> {
    await this.ready();
    const chunkBytes = opts.chunkBytes ?? 65_536;
    const columns = opts.columns ?? null;
    const lineOf = requestExportLineOf(columns);
    const cols =
      'request_id, ts_ms, status, code, method, route, path, latency_ms, key_id, account_id, tier, reason, message, details, unknown_code, status_mismatch, idempotency_key, request_fingerprint, idempotent_replayed, user_agent, id';
    let after: Cursor | null = null;
    let headerSent = false;
    let done = false;
    return new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          if (done) return;
          const parts: Buffer[] = [];
          let pending: string[] = [];
          let pendingLen = 0;
          const flush = () => {
            if (pendingLen === 0) return;
            parts.push(Buffer.from(pending.join(''), 'utf8'));
            pending = [];
            pendingLen = 0;
          };
          const put = (line: string) => {
            const b = Buffer.byteLength(line, 'utf8');
            if (pendingLen + b > chunkBytes) flush();
            pending.push(line);
            pendingLen += b;
          };
          if (!headerSent) {
            headerSent = true;
            put(csvLine([...(columns ?? REQUEST_CSV_COLUMNS)]));
          }
          let rows: Json[];
          try {
            rows = await this.listRows(filters, after, EXPORT_PAGE_ROWS, cols);
          } catch (err) {
            done = true;
            controller.error(err);
            return;
          }
          for (const r of rows) {
            const row: ExportRow = [
              r.request_id as string,
              n(r.ts_ms),
              n(r.status),
              r.code as string,
              r.method as string | null,
              r.route as string | null,
              r.path as string | null,
              nn(r.latency_ms),
              r.key_id as string | null,
              r.account_id as string | null,
              r.tier as string | null,
              r.reason as string | null,
              r.message as string | null,
              r.details as string | null,
              n(r.unknown_code) as 0 | 1,
              n(r.status_mismatch) as 0 | 1,
              r.idempotency_key as string | null,
              r.request_fingerprint as string | null,
              nn(r.idempotent_replayed) as 0 | 1 | null,
              r.user_agent as string | null,
              n(r.id),
            ];
            put(lineOf(row));
          }
          flush();
          const last = rows[rows.length - 1];
          if (last) after = { ts_ms: n(last.ts_ms), id: n(last.id) };
          if (rows.length < EXPORT_PAGE_ROWS) done = true;
          for (const p of parts) controller.enqueue(p);
          if (done) controller.close();
        },
        cancel: () => {
          done = true;
        },
      },
      { highWaterMark: 2 },
    );
  }

  // ------------------------------------------------------------------ aggregates

  async summary(filters: Filters) {
    await this.ready();
    return this.stats.summary(filters);
  }

  async breakdown(filters: Filters, opts: BreakdownOptions) {
    await this.ready();
    return this.stats.breakdown(filters, opts);
  }

  async timeseries(filters: Filters, opts: TimeseriesOptions = {}) {
    await this.ready();
    return this.stats.timeseries(filters, opts);
  }

  // ------------------------------------------------------------------ ingest health

  private async tokens(ids: (number | null)[]): Promise<Map<number, TokenInfo>> {
    const known = [...new Set(ids.filter((x): x is number => x !== null && x !== 0))];
    return this.tokenInfo && known.length ? await this.tokenInfo(known) : new Map();
  }

  private healthWhere(f: IngestHealthFilters): Sql {
    return and([
      sql`bucket_ms >= ${Math.floor(f.from_ms / HOUR_MS) * HOUR_MS}`,
      sql`bucket_ms < ${f.to_ms}`,
      f.token_id === undefined ? undefined : sql`token_id = ${f.token_id}`,
    ]);
  }

  /** Health rows, refused calls and latest calls per (hour, token) of the range, merged (a refused-only hour has batches 0). */
  private async healthHours(f: IngestHealthFilters) {
    const where = this.healthWhere(f);
    const [health, refused, last] = await Promise.all([
      this.rows<Json>(
        sql`SELECT bucket_ms, token_id, sum(batches) AS batches, sum(accepted) AS accepted, sum(duplicates) AS duplicates, sum(rejected) AS rejected
            FROM ${raw(this.names.dist('ingest_health_hour'))} WHERE ${where} GROUP BY bucket_ms, token_id`,
      ),
      this.rows<Json>(sql`SELECT bucket_ms, token_id, sum(refused) AS refused FROM ${raw(this.names.dist('ingest_refused_hour'))} WHERE ${where} GROUP BY bucket_ms, token_id`),
      this.rows<Json>(sql`SELECT bucket_ms, token_id, max(last_ms) AS last_ms FROM ${raw(this.names.dist('ingest_last_call_hour'))} WHERE ${where} GROUP BY bucket_ms, token_id`),
    ]);
    type Hour = { bucket_ms: number; token_id: number; batches: number; accepted: number; duplicates: number; rejected: number; refused: number; last_ms: number | null };
    const hours = new Map<string, Hour>();
    const at = (r: Json): Hour => {
      const k = `${n(r.bucket_ms)}:${n(r.token_id)}`;
      let h = hours.get(k);
      if (!h) {
        h = { bucket_ms: n(r.bucket_ms), token_id: n(r.token_id), batches: 0, accepted: 0, duplicates: 0, rejected: 0, refused: 0, last_ms: null };
        hours.set(k, h);
      }
      return h;
    };
    for (const r of health) Object.assign(at(r), { batches: n(r.batches), accepted: n(r.accepted), duplicates: n(r.duplicates), rejected: n(r.rejected) });
    for (const r of refused) at(r).refused = n(r.refused);
    // A latest call alone never makes an hour: every call that sets one also counts in one of the two tables above.
    for (const r of last) {
      const h = hours.get(`${n(r.bucket_ms)}:${n(r.token_id)}`);
      if (h) h.last_ms = n(r.last_ms);
    }
    return [...hours.values()].sort((x, y) => x.bucket_ms - y.bucket_ms || x.token_id - y.token_id);
  }

  private tokenName(token_id: number, tk: Map<number, TokenInfo>): string {
    return token_id === UNKNOWN_TOKEN_ID ? UNKNOWN_TOKEN_NAME : (tk.get(token_id)?.name ?? NO_TOKEN_NAME);
  }

  async ingestHealthSeries(f: IngestHealthFilters): Promise<IngestHealthPoint[]> {
    await this.ready();
    const hours = await this.healthHours(f);
    const tk = await this.tokens(hours.map((h) => h.token_id));
    return hours.map((h) => ({
      bucket_ms: h.bucket_ms,
      token_id: h.token_id,
      token_name: this.tokenName(h.token_id, tk),
      batches: h.batches,
      accepted: h.accepted,
      duplicates: h.duplicates,
      rejected: h.rejected,
      refused: h.refused,
    }));
  }

  async ingestHealthTotals(f: IngestHealthFilters): Promise<IngestHealthTotal[]> {
    await this.ready();
    const byToken = new Map<number, Omit<IngestHealthTotal, 'token_name' | 'token_prefix' | 'revoked'>>();
    for (const h of await this.healthHours(f)) {
      const t = byToken.get(h.token_id);
      if (!t) {
        byToken.set(h.token_id, { ...h, last_bucket_ms: h.bucket_ms });
        continue;
      }
      t.batches += h.batches;
      t.accepted += h.accepted;
      t.duplicates += h.duplicates;
      t.rejected += h.rejected;
      t.refused += h.refused;
      t.last_bucket_ms = Math.max(t.last_bucket_ms, h.bucket_ms);
      if (h.last_ms !== null) t.last_ms = Math.max(t.last_ms ?? h.last_ms, h.last_ms);
    }
    const tk = await this.tokens([...byToken.keys()]);
    return [...byToken.values()]
      .map((t) => {
        const info = tk.get(t.token_id);
        return {
          token_id: t.token_id,
          token_name: this.tokenName(t.token_id, tk),
          token_prefix: info?.token_prefix ?? null,
          batches: t.batches,
          accepted: t.accepted,
          duplicates: t.duplicates,
          rejected: t.rejected,
          refused: t.refused,
          last_bucket_ms: t.last_bucket_ms,
          last_ms: t.last_ms,
          revoked: info?.revoked ?? false,
        };
      })
      // As the SQLite store (db/sqlite/store.ts) orders them: accepted + rejected, then token id.
      .sort((a, b) => b.accepted + b.rejected - (a.accepted + a.rejected) || a.token_id - b.token_id);
  }

  private newestSamples(): Sql {
    return raw(`id > (SELECT max(id) FROM ${this.names.dist('ingest_rejections')}) - ${MAX_REJECTION_SAMPLES}`);
  }

  async recentRejections(opts: RejectionListOptions = {}): Promise<RejectionRow[]> {
    await this.ready();
    const limit = Math.min(Math.max(opts.limit ?? 100, 1), 1000);
    const rows = await this.rows<Json>(
      sql`SELECT id, token_id, received_ms, line, code, message, field, sample FROM ${raw(this.names.dist('ingest_rejections'))}
          WHERE ${and([this.newestSamples(), opts.token_id === undefined ? undefined : sql`token_id = ${opts.token_id}`])} ORDER BY id DESC LIMIT ${limit}`,
    );
    const tk = await this.tokens(rows.map((r) => nn(r.token_id)));
    return rows.map((r) => ({
      id: n(r.id),
      token_id: nn(r.token_id),
      token_name: r.token_id === null ? NO_TOKEN_NAME : this.tokenName(n(r.token_id), tk),
      received_ms: n(r.received_ms),
      line: n(r.line),
      code: r.code as string,
      message: r.message as string,
      field: r.field as string | null,
      sample: r.sample as string | null,
    }));
  }

  async rejectionReasons(f: IngestHealthFilters): Promise<RejectionReason[]> {
    await this.ready();
    const rows = await this.rows<Json>(
      sql`SELECT code, count() AS count, max(received_ms) AS last_ms FROM ${raw(this.names.dist('ingest_rejections'))}
          WHERE ${and([this.newestSamples(), sql`received_ms >= ${f.from_ms}`, sql`received_ms < ${f.to_ms}`, f.token_id === undefined ? undefined : sql`token_id = ${f.token_id}`])}
          GROUP BY code`,
    );
    return rows
      .map((r) => ({ code: r.code as string, count: n(r.count), last_ms: n(r.last_ms) }))
      .sort((a, b) => b.count - a.count || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  }

  // ------------------------------------------------------------------ the store itself

  // ------------------------------------------------------------------ support

  private get support(): ClickHouseSupport {
    return (this.supportReads ??= new ClickHouseSupport({
      rows: (q) => this.rows(q),
      requests: this.names.dist('requests'),
      rollupKeyHour: this.names.dist('rollup_key_hour'),
      rollupKeyDay: this.names.dist('rollup_key_day'),
      requestsByKey: `${this.t.database}.requests_by_key`,
      getRequests: (ids) => this.getRequests(ids),
      retentionDays: this.retentionDays,
    }));
  }

  async supportLookup(text: string, opts: SupportLookupOptions = {}): Promise<SupportLookup> {
    await this.ready();
    return this.support.supportLookup(text, opts);
  }

  async keyInsight(record: Pick<RequestRecord, 'key_id' | 'code' | 'reason' | 'ts_ms'>, now_ms: number): Promise<KeyInsight | null> {
    await this.ready();
    return this.support.keyInsight(record, now_ms);
  }

  async keySummary(input: KeySummaryInput): Promise<KeySummary> {
    await this.ready();
    return this.support.keySummary(input);
  }

  // ---------------------------------------------------------------- client behaviour (BehaviourReads)
  // The facts are recomputed after each batch's insert (db/clickhouse/behaviour.ts); reads take their latest version.

  async behaviourKeyDays(q: BehaviourQuery): Promise<KeyDayRow[]> {
    await this.ready();
    return this.behaviour.keyDays(q);
  }

  async behaviourLimits(q: LimitQuery): Promise<LimitRecord[]> {
    await this.ready();
    return this.behaviour.limits(q);
  }

  async retryClassCounts(q: RetryClassCountQuery): Promise<RetryClassCount[]> {
    await this.ready();
    return this.behaviour.retryClassCounts(q);
  }

  async retryStormCounts(q: RetryClassCountQuery): Promise<RetryStormCount[]> {
    await this.ready();
    return this.behaviour.retryStormCounts(q);
  }

  async behaviourLimit(request_id: string, code: string, now_ms: number): Promise<LimitRecord | null> {
    await this.ready();
    return this.behaviour.limit(request_id, code, now_ms);
  }

  async futileRepeats(q: FutileQuery): Promise<FutileRepeat[]> {
    await this.ready();
    return this.behaviour.futileRepeats(q);
  }

  async countFutileRepeats(key_id: string, code: string, from_ms: number, to_ms: number): Promise<number> {
    await this.ready();
    return this.behaviour.countFutileRepeats(key_id, code, from_ms, to_ms);
  }

  async countKeyRequestsBetween(key_id: string, from_exclusive_ms: number, to_ms: number): Promise<number> {
    await this.ready();
    return this.behaviour.countKeyRequestsBetween(key_id, from_exclusive_ms, to_ms);
  }

  async idempotencyChain(idempotency_key: string): Promise<ChainRows> {
    await this.ready();
    return this.behaviour.idempotencyChain(idempotency_key);
  }

  async hasIdempotencyKey(idempotency_key: string): Promise<boolean> {
    await this.ready();
    return this.behaviour.hasIdempotencyKey(idempotency_key);
  }

  async ping(): Promise<void> {
    await this.ready();
    if (!this.shards) {
      await this.rows(raw('SELECT 1 AS ok'));
      return;
    }
    // Every shard: a cluster with one shard away cannot take writes.
    await Promise.all(this.shards.map((s) => this.rows(sql`SELECT 1 AS ok FROM remote(${s.addresses}, system, one)`)));
  }

  async counts(): Promise<StoreCounts> {
    await this.ready();
    const [r] = await this.rows<Json>(
      raw(
        `SELECT count() AS c, min(ts_ms) AS lo, max(ts_ms) AS hi, (SELECT count() FROM ${this.names.dist('ingest_rejections')} WHERE ${this.newestSamples().text}) AS rj FROM ${this.names.dist('requests')}`,
      ),
    );
    const c = n(r?.c ?? 0);
    return { requests: c, oldest_ts_ms: c ? n(r.lo) : null, newest_ts_ms: c ? n(r.hi) : null, rejection_samples: n(r?.rj ?? 0) };
  }

  async close(): Promise<void> {
    await this.writeChain.catch(() => undefined);
    await this.client.close();
  }

  /** For tests and tools: waits until the fingerprint set of stored pairs is loaded; its size (null: not loaded). */
  async fingerprintsLoaded(): Promise<number | null> {
    this.loadSeen();
    await this.seenLoading;
    return this.seen?.size ?? null;
  }

  /** For tests and tools: the topology this store runs on. */
  get topology(): Readonly<Topology> & { shards: number } {
    return { ...this.t, shards: this.shards?.length ?? 1 };
  }

}
