import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const TOKEN_SCOPES = ['ingest', 'read', 'admin'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export const USER_ROLES = ['support', 'engineer', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

// One row per (request_id, code); '' is the code of a success record because NULLs never conflict in a UNIQUE key.
export const requests = sqliteTable(
  'requests',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    request_id: text('request_id').notNull(),
    code: text('code').notNull().default(''),
    ts_ms: integer('ts_ms').notNull(),
    status: integer('status').notNull(),
    method: text('method'),
    path: text('path'),
    route: text('route'),
    latency_ms: real('latency_ms'),
    key_id: text('key_id'),
    account_id: text('account_id'),
    tier: text('tier'),
    message: text('message'),
    /** JSON text of the envelope's `details` object. */
    details: text('details'),
    /** `details.reason`, lifted out so it can be filtered and rolled up. */
    reason: text('reason'),
    unknown_code: integer('unknown_code', { mode: 'boolean' }).notNull().default(false),
    status_mismatch: integer('status_mismatch', { mode: 'boolean' }).notNull().default(false),
    token_id: integer('token_id'),
    received_ms: integer('received_ms').notNull(),
    /** The request's Idempotency-Key header. */
    idempotency_key: text('idempotency_key'),
    /** A hash of the request body, computed by the gateway. */
    request_fingerprint: text('request_fingerprint'),
    /** The gateway answered from its idempotency cache. */
    idempotent_replayed: integer('idempotent_replayed', { mode: 'boolean' }),
    user_agent: text('user_agent'),
  },
  (t) => [
    uniqueIndex('requests_request_id_code').on(t.request_id, t.code),
    index('requests_ts').on(t.ts_ms),
    index('requests_key_ts').on(t.key_id, t.ts_ms),
    // Partial: records without the header cost the index nothing.
    index('requests_idempotency_key').on(t.idempotency_key, t.ts_ms).where(sql`idempotency_key IS NOT NULL`),
  ],
);

// Client behaviour, kept per event at ingest (in the batch's transaction) so reading it never scans raw rows.
// A response that asked the key to wait (429/503/5xx with retry_after) and what the key did next.
export const behaviourLimits = sqliteTable(
  'behaviour_limits',
  {
    request_id: text('request_id').notNull(),
    code: text('code').notNull(),
    key_id: text('key_id').notNull(),
    ts_ms: integer('ts_ms').notNull(),
    status: integer('status').notNull(),
    /** '' when the record has no route. */
    route: text('route').notNull(),
    retry_after_ms: integer('retry_after_ms').notNull(),
    next_any_request_id: text('next_any_request_id'),
    next_any_code: text('next_any_code'),
    next_any_ts_ms: integer('next_any_ts_ms'),
    class_any: text('class_any').notNull(),
    next_route_request_id: text('next_route_request_id'),
    next_route_code: text('next_route_code'),
    next_route_ts_ms: integer('next_route_ts_ms'),
    class_route: text('class_route').notNull(),
    before_n: integer('before_n').notNull(),
    after_n: integer('after_n').notNull(),
    storm: integer('storm', { mode: 'boolean' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.request_id, t.code] }), index('behaviour_limits_key_ts').on(t.key_id, t.ts_ms), index('behaviour_limits_ts').on(t.ts_ms)],
);

// A response with a code that cannot succeed on retry; `repeat` when the key got the same code shortly before.
export const behaviourFutile = sqliteTable(
  'behaviour_futile',
  {
    request_id: text('request_id').notNull(),
    code: text('code').notNull(),
    key_id: text('key_id').notNull(),
    ts_ms: integer('ts_ms').notNull(),
    route: text('route').notNull(),
    repeat: integer('repeat', { mode: 'boolean' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.request_id, t.code] }),
    index('behaviour_futile_key_code_ts').on(t.key_id, t.code, t.ts_ms),
    index('behaviour_futile_ts').on(t.ts_ms),
  ],
);

// Rollups use '' for a missing dimension so their primary keys stay unique.
export const rollupMinute = sqliteTable(
  'rollup_minute',
  {
    bucket_ms: integer('bucket_ms').notNull(),
    status: integer('status').notNull(),
    code: text('code').notNull(),
    tier: text('tier').notNull(),
    reason: text('reason').notNull(),
    count: integer('count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.bucket_ms, t.status, t.code, t.tier, t.reason] })],
);

export const rollupHour = sqliteTable(
  'rollup_hour',
  {
    bucket_ms: integer('bucket_ms').notNull(),
    status: integer('status').notNull(),
    code: text('code').notNull(),
    tier: text('tier').notNull(),
    reason: text('reason').notNull(),
    route: text('route').notNull(),
    method: text('method').notNull(),
    count: integer('count').notNull(),
    latency_ms_sum: real('latency_ms_sum').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.bucket_ms, t.status, t.code, t.tier, t.reason, t.route, t.method] })],
);

// Per-key counts live in their own hourly rollup: keyed by minute they would be as big as the raw table.
export const rollupKeyHour = sqliteTable(
  'rollup_key_hour',
  {
    bucket_ms: integer('bucket_ms').notNull(),
    key_id: text('key_id').notNull(),
    account_id: text('account_id').notNull(),
    tier: text('tier').notNull(),
    status: integer('status').notNull(),
    code: text('code').notNull(),
    reason: text('reason').notNull(),
    count: integer('count').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.bucket_ms, t.key_id, t.account_id, t.tier, t.status, t.code, t.reason] }),
    index('rollup_key_hour_key').on(t.key_id, t.bucket_ms),
  ],
);

// Per-key counts by UTC day, of every record (no key and no account: both ''), so multi-day key/account breakdowns
// group ~5× fewer rows than rollup_key_hour and need no keyless residual. WITHOUT ROWID in its migration.
export const rollupKeyDay = sqliteTable(
  'rollup_key_day',
  {
    bucket_ms: integer('bucket_ms').notNull(),
    key_id: text('key_id').notNull(),
    account_id: text('account_id').notNull(),
    tier: text('tier').notNull(),
    status: integer('status').notNull(),
    code: text('code').notNull(),
    reason: text('reason').notNull(),
    count: integer('count').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.bucket_ms, t.key_id, t.account_id, t.tier, t.status, t.code, t.reason] }),
    // One key's daily counts (the key page): 0.2 ms instead of a 20 ms range scan at 10M records.
    index('rollup_key_day_key').on(t.key_id, t.bucket_ms),
  ],
);

export const tokens = sqliteTable('tokens', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  /** First characters of the token, safe to display ("errata_ab12…"). */
  token_prefix: text('token_prefix').notNull(),
  token_hash: text('token_hash').notNull().unique(),
  /** Comma-separated TokenScope values. */
  scopes: text('scopes').notNull(),
  created_ms: integer('created_ms').notNull(),
  last_used_ms: integer('last_used_ms'),
  revoked_ms: integer('revoked_ms'),
  created_by: integer('created_by'),
});

export const ingestHealthHour = sqliteTable(
  'ingest_health_hour',
  {
    bucket_ms: integer('bucket_ms').notNull(),
    token_id: integer('token_id').notNull(),
    batches: integer('batches').notNull().default(0),
    accepted: integer('accepted').notNull().default(0),
    duplicates: integer('duplicates').notNull().default(0),
    rejected: integer('rejected').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.bucket_ms, t.token_id] })],
);

/** The most recent rejected records, bounded by the writer. */
export const ingestRejections = sqliteTable(
  'ingest_rejections',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    token_id: integer('token_id'),
    received_ms: integer('received_ms').notNull(),
    line: integer('line').notNull(),
    code: text('code').notNull(),
    message: text('message').notNull(),
    field: text('field'),
    /** The start of the offending record, for the ingest page. */
    sample: text('sample'),
  },
  (t) => [index('ingest_rejections_received').on(t.received_ms)],
);

export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updated_ms: integer('updated_ms').notNull(),
});

export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  email: text('email').notNull().unique(),
  password_hash: text('password_hash').notNull(),
  role: text('role', { enum: USER_ROLES }).notNull(),
  disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
  failed_logins: integer('failed_logins').notNull().default(0),
  locked_until_ms: integer('locked_until_ms'),
  created_ms: integer('created_ms').notNull(),
  last_login_ms: integer('last_login_ms'),
});

export const sessions = sqliteTable(
  'sessions',
  {
    /** SHA-256 of the cookie value; the cookie itself is never stored. */
    id_hash: text('id_hash').primaryKey(),
    user_id: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    created_ms: integer('created_ms').notNull(),
    expires_ms: integer('expires_ms').notNull(),
  },
  (t) => [index('sessions_user').on(t.user_id)],
);

export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ts_ms: integer('ts_ms').notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    target: text('target'),
    details: text('details'),
  },
  (t) => [index('audit_log_ts').on(t.ts_ms)],
);
