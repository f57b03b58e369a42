// The ClickHouse schema, created and migrated on start (table schema_migrations). Single server: MergeTree tables.
// Cluster (CLICKHOUSE_CLUSTER): every statement ON CLUSTER; request data in ReplicatedMergeTree `*_local` tables on
// each shard, sharded by halfMD5(request_id) behind Distributed tables of the plain names, so one request's records
// (its lookup and its dedupe check) live on one shard; the small tables (ingest health, rejection samples,
// migrations) are replicated whole to every node. Everything is partitioned by UTC day (intDiv(ms, 86400000)):
// retention drops whole partitions. The SQL is accepted by ClickHouse 18.16 and 26.x alike (see docs/clickhouse.md).
import { raw, Sql } from './sql';

export interface Topology {
  /** Database name (an identifier: checked by checkIdentifier). */
  database: string;
  /** Cluster name from remote_servers, or null for a single server. */
  cluster: string | null;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export function checkIdentifier(name: string, what: string): string {
  if (!IDENT.test(name)) throw new Error(`${what} must be a plain identifier ([A-Za-z_][A-Za-z0-9_]*), got ${JSON.stringify(name)}`);
  return name;
}

/** The table names of one topology: `local(t)` is where rows are stored, `dist(t)` what queries read. */
export function names(t: Topology) {
  const db = t.database;
  const onCluster = t.cluster ? ` ON CLUSTER ${t.cluster}` : '';
  return {
    db,
    onCluster,
    /** The table that holds this shard's rows (the table itself on a single server). */
    local: (table: ShardedTable) => `${db}.${t.cluster ? `${table}_local` : table}`,
    /** The table to read and insert through (Distributed on a cluster). */
    dist: (table: ShardedTable | SmallTable) => `${db}.${table}`,
  };
}

export const SHARDED_TABLES = ['requests', 'rollup_minute', 'rollup_hour', 'rollup_key_hour', 'rollup_key_day'] as const;
export type ShardedTable = (typeof SHARDED_TABLES)[number];
export const SMALL_TABLES = ['ingest_health_hour', 'ingest_rejections', 'ingest_refused_hour', 'ingest_last_call_hour'] as const;
export type SmallTable = (typeof SMALL_TABLES)[number];

/** The day partition of an epoch-ms column: UTC by construction (no time zone involved). */
export const dayPartition = (col: string) => `intDiv(${col}, 86400000)`;

const REQUEST_COLUMNS = `
  id UInt64,
  request_id String,
  code String,
  ts_ms Int64,
  status UInt16,
  method Nullable(String),
  path Nullable(String),
  route Nullable(String),
  latency_ms Nullable(Float64),
  key_id Nullable(String),
  account_id Nullable(String),
  tier Nullable(String),
  message Nullable(String),
  details Nullable(String),
  reason Nullable(String),
  unknown_code UInt8,
  status_mismatch UInt8,
  token_id Nullable(Int64),
  received_ms Int64`;

interface RollupDef {
  table: Exclude<ShardedTable, 'requests'>;
  columns: string;
  key: string;
  sums: string;
  /** The materialized view's SELECT from the inserted block of requests. */
  select: string;
}

const ROLLUPS: RollupDef[] = [
  {
    table: 'rollup_minute',
    columns: 'bucket_ms Int64, status UInt16, code String, tier String, reason String, count UInt64',
    key: 'bucket_ms, status, code, tier, reason',
    sums: 'count',
    select: `SELECT intDiv(ts_ms, 60000) * 60000 AS bucket_ms, status, code, ifNull(tier, '') AS tier, ifNull(reason, '') AS reason,
      count() AS count FROM SRC GROUP BY bucket_ms, status, code, tier, reason`,
  },
  {
    table: 'rollup_hour',
    columns:
      'bucket_ms Int64, status UInt16, code String, tier String, reason String, route String, method String, count UInt64, latency_ms_sum Float64',
    key: 'bucket_ms, status, code, tier, reason, route, method',
    sums: 'count, latency_ms_sum',
    select: `SELECT intDiv(ts_ms, 3600000) * 3600000 AS bucket_ms, status, code, ifNull(tier, '') AS tier, ifNull(reason, '') AS reason,
      ifNull(route, '') AS route, ifNull(method, '') AS method, count() AS count, sum(ifNull(latency_ms, 0)) AS latency_ms_sum
      FROM SRC GROUP BY bucket_ms, status, code, tier, reason, route, method`,
  },
  {
    // Only records with a key or an account, like SQLite's rollup_key_hour.
    table: 'rollup_key_hour',
    columns: 'bucket_ms Int64, key_id String, account_id String, tier String, status UInt16, code String, reason String, count UInt64',
    key: 'key_id, bucket_ms, account_id, tier, status, code, reason',
    sums: 'count',
    select: `SELECT intDiv(ts_ms, 3600000) * 3600000 AS bucket_ms, ifNull(key_id, '') AS key_id, ifNull(account_id, '') AS account_id,
      ifNull(tier, '') AS tier, status, code, ifNull(reason, '') AS reason, count() AS count
      FROM SRC WHERE isNotNull(key_id) OR isNotNull(account_id) GROUP BY bucket_ms, key_id, account_id, tier, status, code, reason`,
  },
  {
    // Every record, keyless ones under ('', '').
    table: 'rollup_key_day',
    columns: 'bucket_ms Int64, key_id String, account_id String, tier String, status UInt16, code String, reason String, count UInt64',
    key: 'bucket_ms, key_id, account_id, tier, status, code, reason',
    sums: 'count',
    select: `SELECT intDiv(ts_ms, 86400000) * 86400000 AS bucket_ms, ifNull(key_id, '') AS key_id, ifNull(account_id, '') AS account_id,
      ifNull(tier, '') AS tier, status, code, ifNull(reason, '') AS reason, count() AS count
      FROM SRC GROUP BY bucket_ms, key_id, account_id, tier, status, code, reason`,
  },
];

/** A MergeTree-family engine clause: replicated on a cluster (sharded tables per shard, small tables everywhere). */
function engine(t: Topology, family: 'MergeTree' | 'SummingMergeTree' | 'ReplacingMergeTree', table: string, shared: boolean, args = ''): string {
  if (!t.cluster) return `${family}(${args})`;
  const zkPath = shared ? `/clickhouse/tables/all/${t.database}/${table}` : `/clickhouse/tables/{shard}/${t.database}/${table}`;
  return `Replicated${family}('${zkPath}', '{replica}'${args ? `, ${args}` : ''})`;
}

export interface Migration {
  version: number;
  name: string;
  statements: (t: Topology) => Sql[];
}

/** Sorted by version; each statement is idempotent (IF NOT EXISTS), so a migration interrupted halfway can rerun. */
export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'init',
    statements: (t) => {
      const n = names(t);
      const out: string[] = [];
      const sharded = (table: ShardedTable, columns: string, body: string) => {
        out.push(`CREATE TABLE IF NOT EXISTS ${n.local(table)}${n.onCluster} (${columns}) ENGINE = ${body}`);
        if (t.cluster) {
          out.push(
            `CREATE TABLE IF NOT EXISTS ${n.dist(table)}${n.onCluster} AS ${n.local(table)} ENGINE = Distributed(${t.cluster}, ${t.database}, ${table}_local${table === 'requests' ? ', halfMD5(request_id)' : ''})`,
          );
        }
      };
      // Sorted by (request_id, code): the dedupe check and a lookup read one granule per day partition.
      sharded(
        'requests',
        REQUEST_COLUMNS,
        `${engine(t, 'MergeTree', 'requests_local', false)} PARTITION BY ${dayPartition('ts_ms')} ORDER BY (request_id, code) SETTINGS index_granularity = 1024`,
      );
      for (const r of ROLLUPS) {
        sharded(r.table, r.columns, `${engine(t, 'SummingMergeTree', `${r.table}_local`, false, `(${r.sums})`)} PARTITION BY ${dayPartition('bucket_ms')} ORDER BY (${r.key})`);
        // On each shard, fed by the rows inserted into that shard's requests: the rollups hold exactly the stored rows.
        out.push(
          `CREATE MATERIALIZED VIEW IF NOT EXISTS ${t.database}.${r.table}_mv${n.onCluster} TO ${n.local(r.table)} AS ${r.select.replace('SRC', n.local('requests'))}`,
        );
      }
      out.push(
        `CREATE TABLE IF NOT EXISTS ${n.dist('ingest_health_hour')}${n.onCluster} (bucket_ms Int64, token_id Int64, batches UInt64, accepted UInt64, duplicates UInt64, rejected UInt64)
         ENGINE = ${engine(t, 'SummingMergeTree', 'ingest_health_hour', true, '(batches, accepted, duplicates, rejected)')} PARTITION BY ${dayPartition('bucket_ms')} ORDER BY (bucket_ms, token_id)`,
        `CREATE TABLE IF NOT EXISTS ${n.dist('ingest_rejections')}${n.onCluster} (id UInt64, token_id Nullable(Int64), received_ms Int64, line UInt32, code String, message String, field Nullable(String), sample Nullable(String))
         ENGINE = ${engine(t, 'MergeTree', 'ingest_rejections', true)} PARTITION BY ${dayPartition('received_ms')} ORDER BY id`,
      );
      return out.map(raw);
    },
  },
];

const BY_KEY_COLUMNS = 'key_value, ts_ms, id, request_id, code, status, method, route, path, latency_ms';

/** Schema changes after the first; each reruns safely (no write runs while migrations do: one writer, at start). */
MIGRATIONS.push({
  version: 2,
  name: 'requests-by-key',
  // A key's records in (key, ts_ms) order (key_value: an alias named like its column would shadow it in WHERE), light columns only: a request page's timeline and the key's previous and
  // next request read a few granules instead of every partition of `requests` (sorted by request id).
  statements: (t) => {
    const n = names(t);
    const local = `${t.database}.${t.cluster ? 'requests_by_key_local' : 'requests_by_key'}`;
    const out = [
      `CREATE TABLE IF NOT EXISTS ${local}${n.onCluster} (key_value String, ts_ms Int64, id UInt64, request_id String, code String, status UInt16,
         method Nullable(String), route Nullable(String), path Nullable(String), latency_ms Nullable(Float64))
       ENGINE = ${engine(t, 'MergeTree', 'requests_by_key_local', false)} PARTITION BY ${dayPartition('ts_ms')} ORDER BY (key_value, ts_ms, id)`,
    ];
    if (t.cluster) {
      out.push(
        `CREATE TABLE IF NOT EXISTS ${t.database}.requests_by_key${n.onCluster} AS ${local} ENGINE = Distributed(${t.cluster}, ${t.database}, requests_by_key_local, halfMD5(request_id))`,
      );
    }
    // Backfill from scratch (a rerun after a crash must not copy rows twice), then the view keeps it up to date.
    out.push(
      `TRUNCATE TABLE IF EXISTS ${local}${n.onCluster}`,
      `INSERT INTO ${t.database}.requests_by_key (${BY_KEY_COLUMNS}) SELECT assumeNotNull(key_id) AS key_value, ts_ms, id, request_id, code, status, method, route, path, latency_ms FROM ${n.dist('requests')} WHERE isNotNull(key_id)`,
      `CREATE MATERIALIZED VIEW IF NOT EXISTS ${t.database}.requests_by_key_mv${n.onCluster} TO ${local} AS
         SELECT assumeNotNull(key_id) AS key_value, ts_ms, id, request_id, code, status, method, route, path, latency_ms FROM ${n.local('requests')} WHERE isNotNull(key_id)`,
    );
    return out.map(raw);
  },
});

MIGRATIONS.push({
  version: 3,
  name: 'refused-calls',
  // SQLite's 0006 adds `refused` (a sum) and `last_ms` (a max) to ingest_health_hour. A SummingMergeTree sums only the
  // columns named when it was created and keeps an arbitrary value of any other on merge, so each gets its own small
  // table: refused calls summed per (hour, token), and the latest call per (hour, token) kept by a
  // ReplacingMergeTree versioned by last_ms (a merge keeps the row with the largest). Reads still sum / max.
  statements: (t) => {
    const n = names(t);
    return [
      `CREATE TABLE IF NOT EXISTS ${n.dist('ingest_refused_hour')}${n.onCluster} (bucket_ms Int64, token_id Int64, refused UInt64)
       ENGINE = ${engine(t, 'SummingMergeTree', 'ingest_refused_hour', true, '(refused)')} PARTITION BY ${dayPartition('bucket_ms')} ORDER BY (bucket_ms, token_id)`,
      `CREATE TABLE IF NOT EXISTS ${n.dist('ingest_last_call_hour')}${n.onCluster} (bucket_ms Int64, token_id Int64, last_ms Int64)
       ENGINE = ${engine(t, 'ReplacingMergeTree', 'ingest_last_call_hour', true, 'last_ms')} PARTITION BY ${dayPartition('bucket_ms')} ORDER BY (bucket_ms, token_id)`,
    ].map(raw);
  },
});

/**
 * `ALTER TABLE … ADD COLUMN`: 18.16 has no `ADD COLUMN IF NOT EXISTS`, so a rerun of an interrupted migration meets
 * "column already exists" (code 44), which the store's migration runner treats as done for these statements only.
 */
export class AddColumn extends Sql {}

const addColumn = (table: string, onCluster: string, column: string) => new AddColumn(`ALTER TABLE ${table}${onCluster} ADD COLUMN ${column}`);

/** The client-behaviour columns of `requests` (SQLite's 0007): the four ingest fields and the wait a response asked for. */
export const BEHAVIOUR_REQUEST_COLUMNS = [
  'idempotency_key Nullable(String)',
  'request_fingerprint Nullable(String)',
  'idempotent_replayed Nullable(UInt8)',
  'user_agent Nullable(String)',
  // retryAfterMs() of lib/behaviour-rules.ts, computed by the store at insert: the rule stays in one place (never
  // re-written as SQL over `details`), and the facts below find a key's limits from requests_by_key alone.
  'retry_after_ms Nullable(Int64)',
];

const BY_KEY_SELECT =
  'SELECT assumeNotNull(key_id) AS key_value, ts_ms, id, request_id, code, status, method, route, path, latency_ms, retry_after_ms';

MIGRATIONS.push({
  version: 4,
  name: 'client-behaviour',
  // Issue 18 on ClickHouse (docs/clickhouse.md, "Client behaviour"): the ingest fields, retry_after_ms in
  // requests_by_key (its view is recreated to copy it), the requests of an idempotency key in their own sorted
  // table, and the behaviour facts in ReplacingMergeTree tables versioned by the write that computed them.
  statements: (t) => {
    const n = names(t);
    const out: Sql[] = [];
    const both = (table: string, column: string) => out.push(addColumn(`${t.database}.${t.cluster ? `${table}_local` : table}`, n.onCluster, column));
    for (const c of BEHAVIOUR_REQUEST_COLUMNS) both('requests', c);
    both('requests_by_key', 'retry_after_ms Nullable(Int64)');
    // A Distributed table takes the new columns by being made again (it holds no rows): ALTER ... ON CLUSTER of a
    // table that is not replicated fails where shards set internal_replication ("Table requests isn't replicated").
    if (t.cluster) {
      for (const table of ['requests', 'requests_by_key']) {
        out.push(
          raw(`DROP TABLE IF EXISTS ${t.database}.${table}${n.onCluster}`),
          raw(
            `CREATE TABLE IF NOT EXISTS ${t.database}.${table}${n.onCluster} AS ${t.database}.${table}_local ENGINE = Distributed(${t.cluster}, ${t.database}, ${table}_local, halfMD5(request_id))`,
          ),
        );
      }
    }
    // Migrations run before the first write, so no insert falls between the two.
    out.push(
      raw(`DROP TABLE IF EXISTS ${t.database}.requests_by_key_mv${n.onCluster}`),
      raw(
        `CREATE MATERIALIZED VIEW IF NOT EXISTS ${t.database}.requests_by_key_mv${n.onCluster} TO ${t.database}.${t.cluster ? 'requests_by_key_local' : 'requests_by_key'} AS
         ${BY_KEY_SELECT} FROM ${n.local('requests')} WHERE isNotNull(key_id)`,
      ),
    );
    const sharded = (table: string, columns: string, body: string, shardKey: string) => {
      const local = `${t.database}.${t.cluster ? `${table}_local` : table}`;
      out.push(raw(`CREATE TABLE IF NOT EXISTS ${local}${n.onCluster} (${columns}) ENGINE = ${body}`));
      if (t.cluster) {
        out.push(
          raw(`CREATE TABLE IF NOT EXISTS ${t.database}.${table}${n.onCluster} AS ${local} ENGINE = Distributed(${t.cluster}, ${t.database}, ${table}_local, ${shardKey})`),
        );
      }
    };
    // An idempotency key's chain: one sorted range instead of every partition of `requests` (sorted by request id).
    sharded(
      'requests_by_idempotency_key',
      `idempotency_key String, ts_ms Int64, request_id String, code String, status UInt16, key_id Nullable(String), route Nullable(String),
       request_fingerprint Nullable(String), idempotent_replayed Nullable(UInt8)`,
      `${engine(t, 'MergeTree', 'requests_by_idempotency_key_local', false)} PARTITION BY ${dayPartition('ts_ms')} ORDER BY (idempotency_key, ts_ms, request_id, code)`,
      'halfMD5(request_id)',
    );
    // The alias shadows the column in WHERE on 26.x (a NULL reads as ''), so the condition holds either way: no NULL, no ''.
    out.push(
      raw(
        `CREATE MATERIALIZED VIEW IF NOT EXISTS ${t.database}.requests_by_idempotency_key_mv${n.onCluster} TO ${t.database}.${t.cluster ? 'requests_by_idempotency_key_local' : 'requests_by_idempotency_key'} AS
         SELECT assumeNotNull(idempotency_key) AS idempotency_key, ts_ms, request_id, code, status, key_id, route, request_fingerprint, idempotent_replayed
         FROM ${n.local('requests')} WHERE length(idempotency_key) > 0`,
      ),
    );
    // The facts: one row per limit / futile-code response, rewritten whole whenever a batch may have changed it, with a
    // larger `version` each time; reads take argMax(…, version) per (request_id, code), so unmerged parts never matter.
    // Sharded by request id like the rows they describe, so every version of a fact lands on one shard.
    sharded(
      'behaviour_limits',
      `request_id String, code String, key_id String, ts_ms Int64, status UInt16, route String, retry_after_ms Int64,
       next_any_request_id Nullable(String), next_any_code Nullable(String), next_any_ts_ms Nullable(Int64), class_any String,
       next_route_request_id Nullable(String), next_route_code Nullable(String), next_route_ts_ms Nullable(Int64), class_route String,
       before_n UInt32, after_n UInt32, storm UInt8, version UInt64`,
      `${engine(t, 'ReplacingMergeTree', 'behaviour_limits_local', false, 'version')} PARTITION BY ${dayPartition('ts_ms')} ORDER BY (key_id, ts_ms, request_id, code)`,
      'halfMD5(request_id)',
    );
    sharded(
      'behaviour_futile',
      'request_id String, code String, key_id String, ts_ms Int64, route String, repeat UInt8, version UInt64',
      `${engine(t, 'ReplacingMergeTree', 'behaviour_futile_local', false, 'version')} PARTITION BY ${dayPartition('ts_ms')} ORDER BY (key_id, code, ts_ms, request_id)`,
      'halfMD5(request_id)',
    );
    return out;
  },
});

export function migrationsTable(t: Topology): Sql {
  return raw(
    `CREATE TABLE IF NOT EXISTS ${t.database}.schema_migrations${t.cluster ? ` ON CLUSTER ${t.cluster}` : ''} (version UInt32, name String, applied_ms Int64)
     ENGINE = ${engine(t, 'MergeTree', 'schema_migrations', true)} ORDER BY version`,
  );
}

/** Days per partition of request_index: few partitions, so a lookup reads few parts; retention drops whole weeks. */
export const REQUEST_INDEX_PARTITION_DAYS = 7;

MIGRATIONS.push({
  version: 5,
  name: 'request-index',
  // A request id's stored (code, ts_ms) pairs, three narrow columns sorted by request id in weekly partitions (small
  // granules): a lookup reads a few granules here, then the request's rows from `requests` restricted to their
  // exact ts_ms, which the day partitions' min/max of ts_ms narrow to one or two parts (instead of one granule of
  // every column in every part of every day). On a cluster sharded like `requests`, so it lives on the same shard.
  statements: (t) => {
    const n = names(t);
    const local = `${t.database}.${t.cluster ? 'request_index_local' : 'request_index'}`;
    const out = [
      `CREATE TABLE IF NOT EXISTS ${local}${n.onCluster} (request_id String, code String, ts_ms Int64)
       ENGINE = ${engine(t, 'MergeTree', 'request_index_local', false)} PARTITION BY intDiv(ts_ms, ${REQUEST_INDEX_PARTITION_DAYS * 86_400_000})
       ORDER BY (request_id, code) SETTINGS index_granularity = 256`,
    ];
    if (t.cluster) {
      out.push(
        `CREATE TABLE IF NOT EXISTS ${t.database}.request_index${n.onCluster} AS ${local} ENGINE = Distributed(${t.cluster}, ${t.database}, request_index_local, halfMD5(request_id))`,
      );
    }
    out.push(
      `TRUNCATE TABLE IF EXISTS ${local}${n.onCluster}`,
      `INSERT INTO ${t.database}.request_index (request_id, code, ts_ms) SELECT request_id, code, ts_ms FROM ${n.dist('requests')}`,
      `CREATE MATERIALIZED VIEW IF NOT EXISTS ${t.database}.request_index_mv${n.onCluster} TO ${local} AS SELECT request_id, code, ts_ms FROM ${n.local('requests')}`,
    );
    return out.map(raw);
  },
});
