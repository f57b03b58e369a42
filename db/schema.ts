import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
// Relative: drizzle-kit loads this file with its own loader, which need not know the '@/' alias.
import { ALERT_CHANNEL_TYPES, ALERT_DELIVERY_STATUSES, ALERT_STATES, BASELINE_SOURCES } from '../lib/alert-kinds';
import { USER_ROLES } from '../lib/roles';

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
  // Keyed in time order: ingest appends (batches arrive roughly in time order), the time-range reads are ranges of
  // the table itself, and no separate ts_ms index is kept. A (request_id, code) has one ts_ms (its request's).
  (t) => [primaryKey({ columns: [t.ts_ms, t.request_id, t.code] }), index('behaviour_limits_key_ts').on(t.key_id, t.ts_ms)],
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
  // In time order, as behaviour_limits.
  (t) => [primaryKey({ columns: [t.ts_ms, t.request_id, t.code] }), index('behaviour_futile_key_code_ts').on(t.key_id, t.code, t.ts_ms)],
);

// Rollups use '' for a missing dimension so their primary keys stay unique.
/** rollup_minute's and rollup_code_hour's columns: status, code, tier and reason. */
const codeRollupColumns = () => ({
  bucket_ms: integer('bucket_ms').notNull(),
  status: integer('status').notNull(),
  code: text('code').notNull(),
  tier: text('tier').notNull(),
  reason: text('reason').notNull(),
  count: integer('count').notNull(),
});

export const rollupMinute = sqliteTable('rollup_minute', codeRollupColumns(), (t) => [
  primaryKey({ columns: [t.bucket_ms, t.status, t.code, t.tier, t.reason] }),
]);

// rollup_minute by hour (without rollup_hour's route and method: ~2.5× fewer rows): hourly series and the expected
// band's history that split or filter by nothing else. WITHOUT ROWID in its migration.
export const rollupCodeHour = sqliteTable('rollup_code_hour', codeRollupColumns(), (t) => [
  primaryKey({ columns: [t.bucket_ms, t.status, t.code, t.tier, t.reason] }),
]);

/** rollup_hour's and rollup_day's columns: every dimension but key and account, with the latency sum. */
const routeRollupColumns = () => ({
  bucket_ms: integer('bucket_ms').notNull(),
  status: integer('status').notNull(),
  code: text('code').notNull(),
  tier: text('tier').notNull(),
  reason: text('reason').notNull(),
  route: text('route').notNull(),
  method: text('method').notNull(),
  count: integer('count').notNull(),
  latency_ms_sum: real('latency_ms_sum').notNull().default(0),
});

export const rollupHour = sqliteTable('rollup_hour', routeRollupColumns(), (t) => [
  primaryKey({ columns: [t.bucket_ms, t.status, t.code, t.tier, t.reason, t.route, t.method] }),
]);

// rollup_hour summed by UTC day: a multi-day breakdown or summary reads ~24× fewer rows for its whole days.
// WITHOUT ROWID in its migration.
export const rollupDay = sqliteTable('rollup_day', routeRollupColumns(), (t) => [
  primaryKey({ columns: [t.bucket_ms, t.status, t.code, t.tier, t.reason, t.route, t.method] }),
]);

/** rollup_key_hour's and rollup_key_day's columns: per key and account, without route and method. */
const keyRollupColumns = () => ({
  bucket_ms: integer('bucket_ms').notNull(),
  key_id: text('key_id').notNull(),
  account_id: text('account_id').notNull(),
  tier: text('tier').notNull(),
  status: integer('status').notNull(),
  code: text('code').notNull(),
  reason: text('reason').notNull(),
  count: integer('count').notNull(),
});

// Per-key counts live in their own hourly rollup: keyed by minute they would be as big as the raw table.
export const rollupKeyHour = sqliteTable('rollup_key_hour', keyRollupColumns(), (t) => [
  primaryKey({ columns: [t.bucket_ms, t.key_id, t.account_id, t.tier, t.status, t.code, t.reason] }),
  index('rollup_key_hour_key').on(t.key_id, t.bucket_ms),
]);

// Per-key counts by UTC day, of every record (no key and no account: both ''), so multi-day key/account breakdowns
// group ~5× fewer rows than rollup_key_hour and need no keyless residual. WITHOUT ROWID in its migration.
export const rollupKeyDay = sqliteTable('rollup_key_day', keyRollupColumns(), (t) => [
  primaryKey({ columns: [t.bucket_ms, t.key_id, t.account_id, t.tier, t.status, t.code, t.reason] }),
  // One key's daily counts (the key page) without a range scan over every key's days.
  index('rollup_key_day_key').on(t.key_id, t.bucket_ms),
]);

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
    /** Calls refused before any record was read (revoked, unknown or missing token, wrong scope). */
    refused: integer('refused').notNull().default(0),
    /** The latest call of this token in the hour, accepted or refused (what "last used" shows). */
    last_ms: integer('last_ms'),
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

/** Sign-in failure counters (lib/rate-limit.ts), kept so a restart does not reset a guesser's waits. */
export const login_throttle = sqliteTable(
  'login_throttle',
  {
    /** 'account', 'address' or 'device'. */
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    failures: integer('failures').notNull(),
    last_ms: integer('last_ms').notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] })],
);

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

// ---------------------------------------------------------------- alerts (metadata; request data is read through the store)

export const alertRules = sqliteTable('alert_rules', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** Set on the rules created at first start, so they are created once. */
  default_key: text('default_key').unique(),
  name: text('name').notNull(),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  /** JSON of alerts/rules.ts RuleSpec. */
  spec: text('spec').notNull(),
  silenced_until_ms: integer('silenced_until_ms'),
  created_ms: integer('created_ms').notNull(),
  updated_ms: integer('updated_ms').notNull(),
  created_by: text('created_by'),
});

export const alertChannels = sqliteTable('alert_channels', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  type: text('type', { enum: ALERT_CHANNEL_TYPES }).notNull(),
  /** JSON: url + secret (webhook), url (slack), SMTP settings and recipients (email). */
  config: text('config').notNull(),
  /** An admin allowed private (RFC 1918, loopback) addresses for this channel's host. */
  allow_private: integer('allow_private', { mode: 'boolean' }).notNull().default(false),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  /** Why it was switched off (a receiver answered 410 Gone). */
  disabled_reason: text('disabled_reason'),
  created_ms: integer('created_ms').notNull(),
  updated_ms: integer('updated_ms').notNull(),
});

/** One alert: a rule (and split value) from its first breach to resolved or cleared. */
export const alertEvents = sqliteTable(
  'alert_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    rule_id: integer('rule_id')
      .notNull()
      .references(() => alertRules.id, { onDelete: 'cascade' }),
    /** The split value ('' without a split). */
    group_value: text('group_value').notNull(),
    state: text('state', { enum: ALERT_STATES }).notNull(),
    started_ms: integer('started_ms').notNull(),
    fired_ms: integer('fired_ms'),
    ended_ms: integer('ended_ms'),
    /** End of the last evaluated window and what it saw. */
    last_at_ms: integer('last_at_ms').notNull(),
    observed: real('observed').notNull(),
    expected: real('expected').notNull(),
    upper: real('upper').notNull(),
    exposure: real('exposure').notNull().default(0),
    peak_observed: real('peak_observed').notNull(),
    baseline_source: text('baseline_source', { enum: BASELINE_SOURCES }).notNull(),
    normal_streak: integer('normal_streak').notNull().default(0),
    acked_ms: integer('acked_ms'),
    acked_by: text('acked_by'),
    silenced_until_ms: integer('silenced_until_ms'),
  },
  (t) => [index('alert_events_rule_state').on(t.rule_id, t.state), index('alert_events_started').on(t.started_ms)],
);

export const alertTransitions = sqliteTable(
  'alert_transitions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    event_id: integer('event_id')
      .notNull()
      .references(() => alertEvents.id, { onDelete: 'cascade' }),
    at_ms: integer('at_ms').notNull(),
    from_state: text('from_state').notNull(),
    to_state: text('to_state').notNull(),
    observed: real('observed').notNull(),
    expected: real('expected').notNull(),
    upper: real('upper'),
    p_value: real('p_value'),
    baseline_source: text('baseline_source'),
    /** Who acknowledged or silenced; null for the evaluator. */
    actor: text('actor'),
  },
  (t) => [index('alert_transitions_event').on(t.event_id, t.at_ms)],
);

/** The outbox: one notification to one channel, sent until delivered or given up (about a day). */
export const alertDeliveries = sqliteTable(
  'alert_deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The Standard Webhooks `webhook-id`: the same on every attempt. */
    message_id: text('message_id').notNull().unique(),
    event_id: integer('event_id').references(() => alertEvents.id, { onDelete: 'set null' }),
    channel_id: integer('channel_id')
      .notNull()
      .references(() => alertChannels.id, { onDelete: 'cascade' }),
    /** JSON of the notification (alerts/delivery/notification.ts). */
    payload: text('payload').notNull(),
    status: text('status', { enum: ALERT_DELIVERY_STATUSES }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    next_attempt_ms: integer('next_attempt_ms').notNull(),
    /** A sender holds the row until then; after a crash the lease runs out and another attempt is made. */
    lease_until_ms: integer('lease_until_ms').notNull().default(0),
    created_ms: integer('created_ms').notNull(),
    delivered_ms: integer('delivered_ms'),
    last_error: text('last_error'),
  },
  (t) => [index('alert_deliveries_due').on(t.status, t.next_attempt_ms)],
);

export const alertDeliveryAttempts = sqliteTable(
  'alert_delivery_attempts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    delivery_id: integer('delivery_id')
      .notNull()
      .references(() => alertDeliveries.id, { onDelete: 'cascade' }),
    at_ms: integer('at_ms').notNull(),
    duration_ms: integer('duration_ms').notNull(),
    http_status: integer('http_status'),
    error: text('error'),
  },
  (t) => [index('alert_delivery_attempts_delivery').on(t.delivery_id)],
);

/** The end of the last window each rule has evaluated: restarts resume here, so no window is judged twice. */
export const alertCheckpoints = sqliteTable('alert_checkpoints', {
  rule_id: integer('rule_id')
    .primaryKey()
    .references(() => alertRules.id, { onDelete: 'cascade' }),
  window_end_ms: integer('window_end_ms').notNull(),
});
