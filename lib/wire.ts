// The API's wire format, once: every record and response shape the read API answers with, as zod schemas. The types
// (lib/api-types.ts) are inferred from them, the OpenAPI document (lib/openapi.ts) is generated from them, and the
// stores' reads return exactly them (tests/unit/wire-shapes.test.ts). Pure: no db/ imports.
import { z } from 'zod';
import { ALERT_CHANNEL_TYPES, ALERT_DELIVERY_STATUSES, ALERT_KINDS, ALERT_MEASURES, ALERT_SPLITS, ALERT_STATES, ALERT_WINDOWS, BASELINE_SOURCES } from './alert-kinds';
import { CHAIN_ROLES, RETRY_CLASS_VALUES, VERDICTS } from './behaviour-rules';
import { ERROR_KINDS } from './catalog';
import { VALUE_FIELDS } from './filter-values';
import { BREAKDOWN_DIMENSIONS, INTERVALS, STATS_BREAKDOWN_DIMENSIONS } from './filters';
import { OTHER_GROUP } from './groups';
import { TOKEN_SCOPES, USER_ROLES } from './roles';
import { TICK_FORMATS } from './time-buckets';

const iso = z.string().describe('RFC 3339 UTC time');

export const errorEnvelopeSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.record(z.string(), z.unknown()),
    request_id: z.string(),
  }),
});

export const catalogInfoSchema = z.object({
  code: z.string(),
  family: z.string(),
  status: z.number().int(),
  title: z.string(),
  kind: z.enum(ERROR_KINDS),
  cause: z.string(),
  fix: z.string(),
  reply: z.string(),
});

export const requestRecordSchema = z.object({
  request_id: z.string(),
  code: z.string().nullable().describe('null for a success record'),
  status: z.number().int(),
  ts: iso,
  ts_ms: z.number().int(),
  method: z.string().nullable(),
  path: z.string().nullable(),
  route: z.string().nullable(),
  latency_ms: z.number().nullable(),
  key_id: z.string().nullable(),
  account_id: z.string().nullable(),
  tier: z.string().nullable(),
  message: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
  reason: z.string().nullable(),
  kind: z.enum([...ERROR_KINDS, 'unknown']).nullable(),
  unknown_code: z.boolean(),
  status_mismatch: z.boolean(),
  catalog: catalogInfoSchema.nullable(),
  idempotency_key: z.string().nullable().describe("The request's Idempotency-Key header"),
  request_fingerprint: z.string().nullable().describe("The gateway's hash of the request body"),
  idempotent_replayed: z.boolean().nullable().describe("The gateway answered from its idempotency cache"),
  user_agent: z.string().nullable(),
});

/** A neighbouring request of the same key: no details, message or catalog (join the catalog by `code`). */
export const timelineEntrySchema = requestRecordSchema.pick({ request_id: true, code: true, status: true, ts: true, ts_ms: true, method: true, route: true, path: true, latency_ms: true });

export const requestDetailSchema = z.object({
  request_id: z.string(),
  records: z.array(requestRecordSchema),
  around: z
    .object({
      key_id: z.string(),
      from: iso,
      to: iso,
      from_ms: z.number().int(),
      to_ms: z.number().int(),
      counts_by_code: z.array(z.object({ code: z.string().nullable(), count: z.number().int() })).describe("The key's records in the window by code (null: success), most frequent first"),
      total: z.number().int(),
      previous: timelineEntrySchema.nullable().describe("The key's closest other request before this one, however far away"),
      next: timelineEntrySchema.nullable().describe("The key's closest other request after this one, however far away"),
      timeline: z.array(timelineEntrySchema).describe('Up to 50 records of the key in the window, oldest first (the request itself included)'),
      timeline_truncated: z.boolean(),
    })
    .nullable()
    .describe('What the same key did in the 15 minutes around the request; null without a key.'),
});

export const keyInsightSchema = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('run'),
      code: z.string(),
      since_ms: z.number().int(),
      exact: z.boolean().describe('false when since_ms is only the start of an hour'),
      count: z.number().int(),
      before: z.number().int().describe('Records of other codes in the 14 days before the run (0: the key never worked then)'),
      ongoing: z.boolean().describe("The run goes on to the key's latest record"),
      latest_ms: z.number().int(),
    }).describe('Every record of the key from since_ms on (to the latest, or to the request when not ongoing) has this code'),
    z
      .object({ kind: z.literal('quota'), code: z.string(), since_ms: z.number().int(), exact: z.boolean(), count: z.number().int(), day_ms: z.number().int() })
      .describe('capacity_exceeded with reason daily_quota: the first refusal of that UTC day and how many followed'),
    z
      .object({ kind: z.literal('repeated'), code: z.string(), reason: z.string().nullable(), from_ms: z.number().int(), to_ms: z.number().int(), count: z.number().int(), total: z.number().int() })
      .describe('The same code many times around the request (its hour and the one either side)'),
  ])
  .describe("What the key's history says about the error: a run since a time (\"looks revoked since …\"), a used-up daily quota, or the same error many times.");

/** The lookup page's answer, as the API returns it: the same facts and sentences (components/lookup/lookup-answer.ts builds both). */
export const lookupResultSchema = z.object({
  candidates: z.array(z.string()).describe('Every id looked up, in the order of the text (prefixed tokens such as REQ_x included).'),
  truncated: z.boolean().describe('The text held more ids than are looked up at once; only the first ones were.'),
  summary: z.string().describe('One sentence: how many ids, found, missing, not ids.'),
  found: z.array(
    z.object({
      request_id: z.string(),
      asked: z.string().nullable().describe('The id as the text wrote it, when it matched only as a variant (REQ_x or a missing prefix).'),
      records: z.array(requestRecordSchema),
      status: z.number().int().describe('Status of the record the line is about (its error, else its only record).'),
      code: z.string().nullable(),
      ts: iso,
      ts_ms: z.number().int(),
      key_id: z.string().nullable(),
      line: z.string().describe('What happened, in words: the catalog title and cause, "Succeeded.", or "Unknown code …".'),
      message: z.string().nullable(),
      insight: keyInsightSchema.nullable(),
      insight_text: z.string().nullable().describe('The insight in words for support staff.'),
    }),
  ),
  missing: z.array(z.object({ id: z.string(), did_you_mean: z.array(z.string()).describe('Stored ids one character away (or with look-alike characters).') })),
  not_ids: z.array(z.string()).describe('Tokens that look meant as request ids but cannot be ones (too short, a character an id never has); at most 20.'),
  store: z.object({
    retention_days: z.number().int(),
    newest_record: iso.nullable(),
    newest_record_ms: z.number().int().nullable(),
    note: z.string().describe('What "missing" may mean, with the retention and the newest stored record.'),
  }),
  reply: z.string().nullable().describe('One editable reply to the customer covering every id (one greeting, one sign-off); null when nothing was found.'),
});

export const requestPageSchema = z.object({
  records: z.array(requestRecordSchema),
  next_cursor: z.string().nullable().describe('Pass as `cursor` for the next older page; null on the last page.'),
  prev_cursor: z.string().nullable().describe('Pass as `before` for the newer page above this one; null on the newest page.'),
});

export const metricSchema = z.object({
  value: z.number().nullable(),
  previous: z.number().nullable(),
  change: z.number().nullable().describe('value − previous (for error_rate: in rate units, not percent)'),
  change_pct: z.number().nullable().describe('Relative change; null when the previous value is 0 or unknown'),
});

export const summarySchema = z.object({
  from: iso,
  to: iso,
  from_ms: z.number().int(),
  to_ms: z.number().int(),
  previous_from_ms: z.number().int(),
  previous_to_ms: z.number().int(),
  requests: metricSchema.describe('Requests of the population: the range and the key, account, tier, route and method filters (error filters ignored)'),
  errors: metricSchema.describe('Failures matching every filter'),
  error_rate: metricSchema.describe('errors ÷ requests; null when unknown (no_totals)'),
  errors_4xx: metricSchema,
  errors_5xx: metricSchema,
  keys_with_errors: metricSchema,
  no_totals: z.boolean().describe('The range has failures but no success records at all: the gateway ships no successes, so the rate is unknown (null), not 100 %.'),
  previous_no_totals: z.boolean(),
  all_failed: z
    .object({ requests: z.number().int(), since: iso, since_ms: z.number().int() })
    .nullable()
    .describe('The filtered population failed every request while other traffic succeeded: a real 100 %. `since` is its first request in the range.'),
});

export const keyDayVerdictSchema = z.object({
  day_ms: z.number().int().describe('UTC day start (for a range total: the range start)'),
  key_id: z.string(),
  limited: z.number().int().describe('Responses that asked the key to wait (429/503/5xx with retry_after)'),
  honoured: z.number().int().describe('…after which the next request waited at least retry_after − 1 s'),
  early: z.number().int(),
  immediate: z.number().int().describe('…after which the next request came within 1 s'),
  abandoned: z.number().int().describe('…with no request from the key within an hour'),
  pending: z.number().int().describe('…less than an hour old with no next request yet'),
  storms: z.number().int().describe("Limits right after which the key's request rate jumped"),
  futile_retries: z.number().int().describe('Repeats of a code that cannot succeed on retry within 5 minutes'),
  idempotency_mismatch: z.number().int().describe('422 idempotency_key_mismatch responses'),
  idempotency_in_progress: z.number().int().describe('409 idempotency_key_in_progress responses'),
  verdicts: z.array(z.enum(VERDICTS)),
  score: z.number().int().describe('Orders keys from worst'),
});

export const limitRecordSchema = z.object({
  request_id: z.string(),
  code: z.string(),
  key_id: z.string(),
  ts_ms: z.number().int(),
  status: z.number().int(),
  route: z.string().nullable(),
  retry_after_ms: z.number().int(),
  retry_class: z.enum(RETRY_CLASS_VALUES).describe("By the key's next request on any route"),
  next_request_id: z.string().nullable(),
  next_gap_ms: z.number().int().nullable(),
  retry_class_same_route: z.enum(RETRY_CLASS_VALUES),
  next_same_route_request_id: z.string().nullable(),
  next_same_route_gap_ms: z.number().int().nullable(),
  requests_before: z.number().int().describe("The key's requests in the minute before"),
  requests_after: z.number().int().describe("The key's requests in the minute after"),
  storm: z.boolean(),
});

export const futileRepeatSchema = z.object({ request_id: z.string(), code: z.string(), key_id: z.string(), ts_ms: z.number().int(), route: z.string().nullable() });

export const keyBehaviourSchema = z.object({
  key_id: z.string(),
  from_ms: z.number().int(),
  to_ms: z.number().int(),
  total: keyDayVerdictSchema,
  days: z.array(keyDayVerdictSchema),
  worst_retries: z.array(limitRecordSchema).describe('Retries that came soonest after being asked to wait, the worst first'),
  storms: z.array(limitRecordSchema),
  futile_retries: z.array(futileRepeatSchema),
});

export const worstKeysSchema = z.object({ from_ms: z.number().int(), to_ms: z.number().int(), keys: z.array(keyDayVerdictSchema) });
export const retriesSchema = z.object({ from_ms: z.number().int(), to_ms: z.number().int(), retries: z.array(limitRecordSchema) });

export const idempotencyChainSchema = z.object({
  idempotency_key: z.string(),
  truncated: z.boolean(),
  summary: z.string().describe('The chain in plain words'),
  flags: z.object({
    reused_with_different_body: z.boolean().describe('The key was used with more than one body (a 422 mismatch, or two fingerprints)'),
    in_progress_retry_too_fast: z.boolean().describe('A retry came too soon after a 409 idempotency_key_in_progress'),
  }),
  counts: z.object({ requests: z.number().int(), replayed: z.number().int(), in_progress: z.number().int(), mismatch: z.number().int(), fingerprints: z.number().int() }),
  steps: z.array(
    z.object({
      request_id: z.string(),
      code: z.string(),
      ts_ms: z.number().int(),
      status: z.number().int(),
      key_id: z.string().nullable(),
      route: z.string().nullable(),
      request_fingerprint: z.string().nullable(),
      idempotent_replayed: z.boolean().nullable(),
      role: z.enum(CHAIN_ROLES),
      gap_ms: z.number().int().nullable().describe('ms since the previous request of the chain (null for the first)'),
    }),
  ),
});

export const breakdownRowSchema = z.object({
  value: z.string().nullable().describe("null: the dimension was missing (no tier, no key, a success record's code)"),
  requests: z.number().int().describe('Requests the rate is taken over: this value\'s population, or for an error dimension (status, status_class, code, kind, reason) the whole population.'),
  errors: z.number().int().describe('Failures with this value matching every filter.'),
  error_rate: z.number().nullable().describe('errors ÷ requests.'),
  records: z.number().int().describe('Records with this value matching every filter (successes included where the filters allow them).'),
  share: z.number().nullable().describe('errors as a share of the view\'s errors (for `reason`: of the errors that carry a reason; for `retry_class`: of the limits).'),
});

export const breakdownSchema = z.object({
  by: z.enum(STATS_BREAKDOWN_DIMENSIONS),
  from: iso,
  to: iso,
  from_ms: z.number().int(),
  to_ms: z.number().int(),
  rows: z.array(breakdownRowSchema),
  other: breakdownRowSchema.nullable().describe('Everything beyond `limit` rows, summed; null when nothing was cut'),
  total: breakdownRowSchema,
});

export const offeredValueSchema = z.object({
  value: z.string(),
  count: z.number().int().describe('Records with this value in the range under the other filters (for status, code and reason: failures).'),
  errors: z.number().int(),
  known: z.boolean().describe("In errata's own vocabulary (the error catalog, capacity reasons, status classes, HTTP methods), seen or not."),
});

export const filterValuesSchema = z.object({
  field: z.enum(VALUE_FIELDS),
  q: z.string(),
  from_ms: z.number().int(),
  to_ms: z.number().int(),
  values: z.array(offeredValueSchema).describe('Values containing q, exact first, then prefix, then the most errors.'),
  more: z.number().int().describe('Matching values beyond those listed.'),
  typed: offeredValueSchema
    .extend({
      unknown: z.boolean().describe('Neither in the vocabulary nor seen in the range under the other filters: a filter on it shows nothing.'),
      did_you_mean: z.string().nullable().describe('A value that differs only in case.'),
    })
    .nullable()
    .describe('The typed value itself; null when q is empty.'),
});

export const countsSchema = z.object({
  requests: z.number().int().describe('Grouped by an error dimension: the whole bucket\'s requests.'),
  errors: z.number().int(),
});

export const timeseriesSchema = z.object({
  interval: z.enum(INTERVALS),
  interval_ms: z.number().int(),
  auto: z.boolean().describe('The interval was chosen from the range (interval=auto)'),
  tick_format: z.enum(TICK_FORMATS).describe('date-fns pattern for the axis ticks (UTC)'),
  from: iso,
  to: iso,
  from_ms: z.number().int(),
  to_ms: z.number().int(),
  by: z.enum(BREAKDOWN_DIMENSIONS).nullable(),
  groups: z
    .array(breakdownRowSchema.extend({ key: z.string() }))
    .describe(`With \`by\`: the top groups over the range, most errors first, then "${OTHER_GROUP}" for the rest; key '' is the group without a value.`),
  buckets: z.array(
    z.object({
      ts: iso,
      ts_ms: z.number().int(),
      requests: z.number().int(),
      errors: z.number().int(),
      error_rate: z.number().nullable().describe('errors ÷ requests; null when there were no requests, or no_totals'),
      no_totals: z.boolean().describe('Errors but no success records, in this bucket and in the unfiltered bucket: request totals were not ingested for it, so the rate is unknown.'),
      groups: z.record(z.string(), countsSchema).optional().describe('With `by`: counts per group key of `groups`.'),
    }),
  ),
});

export const alertRuleSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  enabled: z.boolean(),
  measure: z.enum(ALERT_MEASURES),
  scope: z.record(z.string(), z.array(z.string())),
  split: z.enum(ALERT_SPLITS).nullable(),
  kind: z.enum(ALERT_KINDS),
  window: z.enum(ALERT_WINDOWS),
  threshold: z.number().nullable(),
  new_values_only: z.boolean(),
  min_requests: z.number().int(),
  min_count: z.number().int(),
  channel_ids: z.array(z.number().int()),
  default_key: z.string().nullable(),
  silenced_until_ms: z.number().int().nullable(),
  created_ms: z.number().int(),
  updated_ms: z.number().int(),
});

export const alertEventSchema = z.object({
  id: z.number().int(),
  rule_id: z.number().int(),
  rule_name: z.string().optional(),
  group_value: z.string().describe('The split value; empty without a split.'),
  state: z.enum(ALERT_STATES),
  started_ms: z.number().int().describe('End of the first breaching window.'),
  fired_ms: z.number().int().nullable(),
  ended_ms: z.number().int().nullable(),
  last_at_ms: z.number().int(),
  observed: z.number(),
  expected: z.number(),
  upper: z.number().describe('Top of the expected band.'),
  exposure: z.number(),
  peak_observed: z.number(),
  baseline_source: z.enum(BASELINE_SOURCES),
  acked_ms: z.number().int().nullable(),
  acked_by: z.string().nullable(),
  silenced_until_ms: z.number().int().nullable(),
});

export const transitionSchema = z.object({
  id: z.number().int(),
  at_ms: z.number().int(),
  from_state: z.string(),
  to_state: z.string().describe('pending, firing, resolved, cleared, or acknowledged / silenced (with the actor).'),
  observed: z.number(),
  expected: z.number(),
  upper: z.number().nullable(),
  p_value: z.number().nullable(),
  baseline_source: z.string().nullable(),
  actor: z.string().nullable(),
});

export const alertDetailSchema = z.object({
  alert: alertEventSchema.extend({ severity: z.enum(['page', 'warning']) }),
  rule: alertRuleSchema,
  transitions: z.array(transitionSchema),
  series: z.array(z.object({ from_ms: z.number().int(), to_ms: z.number().int(), observed: z.number(), expected: z.number(), upper: z.number(), breach: z.boolean() })),
  rows: z.array(requestRecordSchema),
  view_query: z.string().describe('Query string of the dashboard view behind the alert.'),
});

export const backtestSchema = z.object({
  from_ms: z.number().int(),
  to_ms: z.number().int(),
  windows: z.number().int().describe('Windows judged'),
  complete: z.boolean().describe('False when the time budget ran out before the whole period was judged.'),
  fired: z
    .array(z.object({ group: z.string(), fired_ms: z.number().int(), resolved_ms: z.number().int().nullable(), observed: z.number(), expected: z.number() }))
    .describe('Alerts that would have fired, newest first (at most 50 listed)'),
  fired_count: z.number().int(),
  pending_only: z.number().int().describe('Alerts that reached pending only'),
  baseline: z.string(),
});

export const alertChannelSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  type: z.enum(ALERT_CHANNEL_TYPES),
  config: z.record(z.string(), z.unknown()).describe("The channel's settings (url, webhook secret, SMTP server and recipients); an SMTP password is masked."),
  allow_private: z.boolean().describe('An admin allowed private (RFC 1918, loopback) addresses for its host.'),
  enabled: z.boolean(),
  disabled_reason: z.string().nullable().describe('Why it was switched off (a receiver answered 410 Gone).'),
  created_ms: z.number().int(),
});

export const channelTestSchema = z.object({
  delivery_id: z.number().int(),
  message_id: z.string(),
  delivered: z.boolean(),
  response_status: z.number().int().nullable().describe("The receiver's HTTP status (null for email, or when nothing answered)."),
  error: z.string().nullable(),
});

export const alertDeliverySchema = z.object({
  id: z.number().int(),
  message_id: z.string().describe('The Standard Webhooks webhook-id: the same on every attempt and replay.'),
  event_id: z.number().int().nullable().describe("The alert it tells about; null for a channel's test message."),
  channel_id: z.number().int(),
  payload: z.unknown().describe('The notification as sent (JSON).'),
  status: z.enum(ALERT_DELIVERY_STATUSES),
  attempts: z.number().int(),
  next_attempt_ms: z.number().int(),
  created_ms: z.number().int(),
  delivered_ms: z.number().int().nullable(),
  last_error: z.string().nullable(),
  attempts_log: z.array(
    z.object({ at_ms: z.number().int(), duration_ms: z.number().int(), http_status: z.number().int().nullable(), error: z.string().nullable() }),
  ),
});

/** Why one record of a batch was rejected; `line` is 1-based within the batch (ingest/README.md lists the codes). */
export const recordErrorSchema = z.object({
  line: z.number().int(),
  code: z.string(),
  message: z.string(),
  field: z.string().optional().describe('The record field at fault (invalid_field, missing_field).'),
});

export const ingestResultSchema = z.object({
  accepted: z.number().int().describe('Records stored by this batch.'),
  duplicates: z.number().int().describe('Records already stored: same (request_id, code); nothing changed.'),
  rejected: z.number().int(),
  errors: z.array(recordErrorSchema).describe('The first 100 rejected records.'),
});

export const healthSchema = z.object({ status: z.literal('ok') });

// ---------------------------------------------------------------- administration (scope admin)

export const userSchema = z.object({
  id: z.number().int(),
  email: z.string(),
  role: z.enum(USER_ROLES),
  disabled: z.boolean(),
  created_ms: z.number().int(),
  last_login_ms: z.number().int().nullable(),
  locked_until_ms: z.number().int().nullable().describe('Sign-in refused until then after repeated failures.'),
});

export const userWithPasswordSchema = z.object({ user: userSchema, password: z.string().describe('Shown this once; only its hash is kept.') });

export const tokenSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  token_prefix: z.string().describe('The first characters of the token, to recognise it.'),
  scopes: z.array(z.enum(TOKEN_SCOPES)),
  created_ms: z.number().int(),
  last_used_ms: z.number().int().nullable(),
  revoked_ms: z.number().int().nullable(),
});

export const createdTokenSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  scopes: z.array(z.enum(TOKEN_SCOPES)),
  token: z.string().describe('Shown this once; only its hash is kept.'),
});

export const auditEntrySchema = z.object({
  id: z.number().int(),
  ts_ms: z.number().int(),
  actor: z.string().describe("A user's email, token:<id>, or cli."),
  action: z.string().describe('user.create, token.revoke, retention.set, auth.login, export.requests, ...'),
  target: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
});

export const auditPageSchema = z.object({
  entries: z.array(auditEntrySchema),
  next_before_id: z.number().int().nullable().describe('Pass as before_id for the next (older) page; null on the last one.'),
});

export const retentionSchema = z.object({
  retention_days: z.number().int(),
  default_days: z.number().int().describe('ERRATA_RETENTION_DAYS, used until an admin sets another value.'),
});

// ---------------------------------------------------------------- sign-in (the dashboard's session cookie)

export const signedInSchema = z.object({ user: z.object({ email: z.string(), role: z.enum(USER_ROLES) }) });

export const sessionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('user'), user: z.object({ email: z.string(), role: z.enum(USER_ROLES) }) }),
  z.object({ kind: z.literal('token'), token: z.object({ id: z.number().int(), name: z.string(), scopes: z.array(z.enum(TOKEN_SCOPES)) }) }),
]);
