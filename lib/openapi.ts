// The read API's wire schemas (zod) and the OpenAPI 3.1 document generated from them and from lib/filters.ts.
import { z } from 'zod';
import { ERROR_KINDS } from './catalog';
import { ERROR_RATE_RULE } from './error-rate';
import { BREAKDOWN_DIMENSIONS, INTERVALS, STATS_BREAKDOWN_DIMENSIONS } from './filters';
import { VALUE_FIELDS } from './filter-values';
import { ENDPOINT_QUERY, type Endpoint } from './query-params';
import { lookupBodySchema } from './request-ids';
import { channelInputSchema } from './alert-channels';
import { ALERT_KINDS, ALERT_MEASURES, ALERT_SPLITS, ALERT_WINDOWS, ruleSpecSchema } from './alert-rules';
import { BEHAVIOUR_KEYS_CSV_COLUMNS, RETRIES_CSV_COLUMNS } from './csv';
import { expectedBandSchema } from './expected-band';
import { CHAIN_ROLES, RETRY_CLASS_VALUES, VERDICTS } from './behaviour-rules';

const iso = z.string().describe('RFC 3339 UTC time');

export const errorEnvelopeSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.record(z.string(), z.unknown()),
    request_id: z.string(),
  }),
});

const catalogInfoSchema = z.object({
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
const timelineEntrySchema = requestRecordSchema.pick({ request_id: true, code: true, status: true, ts: true, ts_ms: true, method: true, route: true, path: true, latency_ms: true });

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
      counts_by_code: z.array(z.object({ code: z.string().nullable(), count: z.number().int() })),
      total: z.number().int(),
      previous: timelineEntrySchema.nullable(),
      next: timelineEntrySchema.nullable(),
      timeline: z.array(timelineEntrySchema),
      timeline_truncated: z.boolean(),
    })
    .nullable()
    .describe('What the same key did in the 15 minutes around the request; null without a key.'),
});

const keyInsightSchema = z
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
    }),
    z.object({ kind: z.literal('quota'), code: z.string(), since_ms: z.number().int(), exact: z.boolean(), count: z.number().int(), day_ms: z.number().int() }),
    z.object({ kind: z.literal('repeated'), code: z.string(), reason: z.string().nullable(), from_ms: z.number().int(), to_ms: z.number().int(), count: z.number().int(), total: z.number().int() }),
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
export type LookupAnswer = z.infer<typeof lookupResultSchema>;

export const requestPageSchema = z.object({
  records: z.array(requestRecordSchema),
  next_cursor: z.string().nullable().describe('Pass as `cursor` for the next older page; null on the last page.'),
  prev_cursor: z.string().nullable().describe('Pass as `before` for the newer page above this one; null on the newest page.'),
});

const metricSchema = z.object({
  value: z.number().nullable(),
  previous: z.number().nullable(),
  change: z.number().nullable(),
  change_pct: z.number().nullable(),
});

export const summarySchema = z.object({
  from: iso,
  to: iso,
  from_ms: z.number().int(),
  to_ms: z.number().int(),
  previous_from_ms: z.number().int(),
  previous_to_ms: z.number().int(),
  requests: metricSchema,
  errors: metricSchema,
  error_rate: metricSchema,
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

const keyDayVerdictSchema = z.object({
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
  idempotency_mismatch: z.number().int(),
  idempotency_in_progress: z.number().int(),
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

const futileRepeatSchema = z.object({ request_id: z.string(), code: z.string(), key_id: z.string(), ts_ms: z.number().int(), route: z.string().nullable() });

export const keyBehaviourSchema = z.object({
  key_id: z.string(),
  from_ms: z.number().int(),
  to_ms: z.number().int(),
  total: keyDayVerdictSchema,
  days: z.array(keyDayVerdictSchema),
  worst_retries: z.array(limitRecordSchema),
  storms: z.array(limitRecordSchema),
  futile_retries: z.array(futileRepeatSchema),
});

export const worstKeysSchema = z.object({ from_ms: z.number().int(), to_ms: z.number().int(), keys: z.array(keyDayVerdictSchema) });
export const retriesSchema = z.object({ from_ms: z.number().int(), to_ms: z.number().int(), retries: z.array(limitRecordSchema) });

export const idempotencyChainSchema = z.object({
  idempotency_key: z.string(),
  truncated: z.boolean(),
  summary: z.string().describe('The chain in plain words'),
  flags: z.object({ reused_with_different_body: z.boolean(), in_progress_retry_too_fast: z.boolean() }),
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
      gap_ms: z.number().int().nullable(),
    }),
  ),
});

const breakdownRowSchema = z.object({
  value: z.string().nullable(),
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
  other: breakdownRowSchema.nullable(),
  total: breakdownRowSchema,
});

const offeredValueSchema = z.object({
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

const countsSchema = z.object({
  requests: z.number().int().describe('Grouped by an error dimension: the whole bucket\'s requests.'),
  errors: z.number().int(),
});

export const timeseriesSchema = z.object({
  interval: z.enum(INTERVALS),
  interval_ms: z.number().int(),
  auto: z.boolean(),
  tick_format: z.string(),
  from: iso,
  to: iso,
  from_ms: z.number().int(),
  to_ms: z.number().int(),
  by: z.enum(BREAKDOWN_DIMENSIONS).nullable(),
  groups: z.array(breakdownRowSchema.extend({ key: z.string() })),
  buckets: z.array(
    z.object({
      ts: iso,
      ts_ms: z.number().int(),
      requests: z.number().int(),
      errors: z.number().int(),
      error_rate: z.number().nullable(),
      no_totals: z.boolean().describe('Errors but no success records: request totals were not ingested for this bucket.'),
      groups: z.record(z.string(), countsSchema).optional(),
    }),
  ),
});

const ALERT_STATES = ['pending', 'firing', 'resolved', 'cleared'] as const;

const alertRuleSchema = z.object({
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

const alertEventSchema = z.object({
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
  baseline_source: z.enum(['seasonal', 'trailing_day', 'none']),
  acked_ms: z.number().int().nullable(),
  acked_by: z.string().nullable(),
  silenced_until_ms: z.number().int().nullable(),
});

const transitionSchema = z.object({
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

const alertDetailSchema = z.object({
  alert: alertEventSchema.extend({ severity: z.enum(['page', 'warning']) }),
  rule: alertRuleSchema,
  transitions: z.array(transitionSchema),
  series: z.array(z.object({ from_ms: z.number().int(), to_ms: z.number().int(), observed: z.number(), expected: z.number(), upper: z.number(), breach: z.boolean() })),
  rows: z.array(requestRecordSchema),
  view_query: z.string().describe('Query string of the dashboard view behind the alert.'),
});

const backtestSchema = z.object({
  from_ms: z.number().int(),
  to_ms: z.number().int(),
  windows: z.number().int(),
  complete: z.boolean().describe('False when the time budget ran out before the whole period was judged.'),
  fired: z.array(z.object({ group: z.string(), fired_ms: z.number().int(), resolved_ms: z.number().int().nullable(), observed: z.number(), expected: z.number() })),
  fired_count: z.number().int(),
  pending_only: z.number().int(),
  baseline: z.string(),
});

type JsonSchema = Record<string, unknown>;

function schemaOf(s: z.ZodType): JsonSchema {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function queryParams(...objects: z.ZodObject[]): JsonSchema[] {
  return objects.flatMap((o) =>
    Object.entries(o.shape).map(([name, field]) => {
      const schema = schemaOf(field as z.ZodType);
      const optional = (field as z.ZodType).safeParse(undefined).success;
      return {
        name,
        in: 'query',
        required: !optional,
        description: schema.description,
        schema,
        ...(schema.type === 'array' ? { style: 'form', explode: true } : {}),
      };
    }),
  );
}

const json = (ref: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } });
const ok = (ref: string, description: string) => ({ description, content: json(ref) });
const csv = (description: string) => ({ description, content: { 'text/csv': { schema: { type: 'string' } } } });

const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };
const notFound = { description: 'not_found', content: json('Error') };

const errors = {
  '400': { description: 'invalid_parameter (details.field names the parameter)', content: json('Error') },
  '401': { description: 'missing_credentials / invalid_credentials', content: json('Error') },
  '403': { description: 'scope_required / forbidden', content: json('Error') },
};

/** The whole read API as OpenAPI 3.1; every response carries X-Request-Id. */
export function buildOpenApi(serverUrl = '/'): JsonSchema {
  const params = (endpoint: Endpoint) => queryParams(...ENDPOINT_QUERY[endpoint]);
  const op = (summary: string, parameters: JsonSchema[], responses: JsonSchema, extra: JsonSchema = {}) => ({
    summary,
    security: [{ bearer: [] }, { session: [] }],
    parameters,
    responses: { ...responses, ...errors },
    ...extra,
  });
  return {
    openapi: '3.1.0',
    info: {
      title: 'errata API',
      version: '1',
      description:
        'Error analytics for the platform API. Every response carries X-Request-Id; failures use the envelope {"error": {code, message, details, request_id}}. Ranges are [from, to) in UTC. ' +
        'A query parameter an endpoint does not list is a 400 invalid_parameter naming it (details.field) and the nearest valid one (details.did_you_mean). ' +
        ERROR_RATE_RULE,
    },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'A token (errata_…) with the read scope. Scopes: ingest, read, metrics (GET /metrics), admin (all of them).',
        },
        session: { type: 'apiKey', in: 'cookie', name: 'errata_session' },
      },
      schemas: {
        Error: schemaOf(errorEnvelopeSchema),
        RequestRecord: schemaOf(requestRecordSchema),
        RequestDetail: schemaOf(requestDetailSchema),
        LookupResult: schemaOf(lookupResultSchema),
        LookupBody: schemaOf(lookupBodySchema),
        RequestPage: schemaOf(requestPageSchema),
        Summary: schemaOf(summarySchema),
        Breakdown: schemaOf(breakdownSchema),
        Timeseries: schemaOf(timeseriesSchema),
        ExpectedBand: schemaOf(expectedBandSchema),
        FilterValues: schemaOf(filterValuesSchema),
        AlertRuleInput: schemaOf(ruleSpecSchema),
        AlertRule: schemaOf(alertRuleSchema),
        AlertRules: schemaOf(z.object({ rules: z.array(alertRuleSchema) })),
        AlertBacktest: schemaOf(backtestSchema),
        AlertEvents: schemaOf(z.object({ alerts: z.array(alertEventSchema) })),
        AlertEvent: schemaOf(alertEventSchema),
        AlertDetail: schemaOf(alertDetailSchema),
        AlertChannelInput: schemaOf(channelInputSchema),
        KeyBehaviour: schemaOf(keyBehaviourSchema),
        WorstKeys: schemaOf(worstKeysSchema),
        Retries: schemaOf(retriesSchema),
        IdempotencyChain: schemaOf(idempotencyChainSchema),
      },
    },
    paths: {
      '/api/v1/requests/{request_id}': {
        get: op(
          'Every record of a request id, with its catalog entry and what the same key did around it',
          [{ name: 'request_id', in: 'path', required: true, schema: { type: 'string', minLength: 1, maxLength: 128 } }, ...params('/api/v1/requests/{request_id}')],
          { '200': ok('RequestDetail', 'The records'), '404': { description: 'not_found', content: json('Error') } },
        ),
      },
      '/api/v1/requests/lookup': {
        post: op(
          'Find every request id in free text (a pasted email): one line per id found with what the key\'s history says, near misses for the missing ones, the tokens that are not ids, what the store holds, and one combined reply. The same answer the lookup page shows.',
          params('/api/v1/requests/lookup'),
          { '200': ok('LookupResult', 'The answer') },
          {
            requestBody: {
              required: true,
              content: { ...json('LookupBody'), 'text/plain': { schema: { type: 'string' } } },
            },
          },
        ),
      },
      '/api/v1/requests': {
        get: op('Records, newest first, keyset-paginated', params('/api/v1/requests'), {
          '200': ok('RequestPage', 'One page'),
        }),
      },
      '/api/v1/stats/summary': {
        get: op(`KPIs with the previous period of the same length. ${ERROR_RATE_RULE}`, params('/api/v1/stats/summary'), { '200': ok('Summary', 'KPIs') }),
      },
      '/api/v1/stats/breakdown': {
        get: op(`Requests and errors by one dimension, most errors first. ${ERROR_RATE_RULE}`, params('/api/v1/stats/breakdown'), {
          '200': ok('Breakdown', 'Rows'),
        }),
      },
      '/api/v1/stats/timeseries': {
        get: op(`Zero-filled series of requests and errors. ${ERROR_RATE_RULE}`, params('/api/v1/stats/timeseries'), {
          '200': ok('Timeseries', 'Buckets'),
        }),
      },
      '/api/v1/stats/expected': {
        get: op(
          `The expected band of the errors series (the alerts baseline: the same time of week over the last 4 weeks, top 10 % dropped, overdispersion allowed; the trailing day when history is short) and the stretches above it, with the code, count and tiers of each. ${ERROR_RATE_RULE}`,
          params('/api/v1/stats/expected'),
          { '200': ok('ExpectedBand', 'Band and incidents') },
        ),
      },
      '/api/v1/stats/values': {
        get: op(
          'Values of one filter field offered as the user types, with their counts over the range under the other filters; the typed value flagged when neither the catalog nor the data knows it. Reads one breakdown (two when the typed value is beyond its top 1,000 rows).',
          params('/api/v1/stats/values'),
          { '200': ok('FilterValues', 'Values') },
        ),
      },
      '/api/v1/export/requests.csv': {
        get: op('Every matching record as CSV (streamed)', params('/api/v1/export/requests.csv'), { '200': csv(REQUEST_CSV_DESCRIPTION) }),
      },
      '/api/v1/export/breakdown.csv': {
        get: op('A breakdown as CSV, the rows the dashboard shows', params('/api/v1/export/breakdown.csv'), {
          '200': csv(
            '<by>,requests,errors,error_rate_pct,error_rate,share_pct,share,records: the first column is named after the dimension (key, code, …); *_pct are percentages rounded as the dashboard shows them, error_rate and share the exact ratios. Grouped by an error dimension only values that failed are listed. Rows beyond `limit` are summed as "(other)". The filename names the filters and the range.',
          ),
        }),
      },
      '/api/v1/export/timeseries.csv': {
        get: op('A series as CSV (long format)', params('/api/v1/export/timeseries.csv'), {
          '200': csv('ts,ts_ms,<by or group>,requests,errors,error_rate_pct,error_rate,no_totals'),
        }),
      },
      '/api/v1/alerts/rules': {
        get: op('Alert rules (support reads)', [], { '200': ok('AlertRules', 'Rules') }),
        post: op('Create an alert rule (engineer or admin; token: admin scope)', [], { '201': ok('AlertRule', 'The rule') }, { requestBody: { required: true, content: json('AlertRuleInput') } }),
      },
      '/api/v1/alerts/rules/{id}': {
        get: op('One alert rule', [idParam], { '200': ok('AlertRule', 'The rule'), '404': notFound }),
        put: op('Replace an alert rule', [idParam], { '200': ok('AlertRule', 'The rule'), '404': notFound }, { requestBody: { required: true, content: json('AlertRuleInput') } }),
        delete: op('Delete an alert rule and its alerts', [idParam], { '200': { description: '{"deleted": true}' }, '404': notFound }),
      },
      '/api/v1/alerts/rules/backtest': {
        post: op('How often an (unsaved) rule would have fired over the last 7 days of stored data', [], { '200': ok('AlertBacktest', 'The backtest') }, { requestBody: { required: true, content: json('AlertRuleInput') } }),
      },
      '/api/v1/alerts/events': {
        get: op(
          'Alerts, newest first',
          [
            { name: 'state', in: 'query', required: false, style: 'form', explode: true, schema: { type: 'array', items: { type: 'string', enum: [...ALERT_STATES] } } },
            { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
          ],
          { '200': ok('AlertEvents', 'Alerts') },
        ),
      },
      '/api/v1/alerts/events/{id}': {
        get: op('An alert: rule, transitions, the series with its expected band, the rows behind it', [idParam], { '200': ok('AlertDetail', 'The alert'), '404': notFound }),
      },
      '/api/v1/alerts/events/{id}/acknowledge': {
        post: op('Acknowledge an alert (engineer or admin)', [idParam], { '200': ok('AlertEvent', 'The alert'), '404': notFound }),
      },
      '/api/v1/alerts/events/{id}/silence': {
        post: op('Silence an alert\'s notifications until a time ({"until_ms": null} lifts it)', [idParam], { '200': ok('AlertEvent', 'The alert'), '404': notFound }, {
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', properties: { until_ms: { type: ['integer', 'null'] } }, required: ['until_ms'] } } } },
        }),
      },
      '/api/v1/alerts/channels': {
        get: op('Notification channels (admin)', [], { '200': { description: '{"channels": [...]} (SMTP passwords masked)' } }),
        post: op(
          'Add a channel (admin): webhook (Standard Webhooks signed), Slack incoming webhook, or SMTP email. https only (http to localhost); link-local and metadata addresses refused, private ones unless allow_private; SMTP checked by connecting',
          [],
          { '201': { description: 'The channel, with the webhook secret' } },
          { requestBody: { required: true, content: json('AlertChannelInput') } },
        ),
      },
      '/api/v1/alerts/channels/{id}': {
        patch: op(
          'Change a channel (admin): name, config, allow_private, enabled. Config left out, a webhook secret left out and a masked SMTP password keep their stored values; checked like a new channel',
          [idParam],
          { '200': { description: 'The channel' }, '404': notFound },
          {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: { type: 'object', properties: { name: { type: 'string' }, config: { type: 'object' }, allow_private: { type: 'boolean' }, enabled: { type: 'boolean' } }, additionalProperties: false } } },
            },
          },
        ),
        delete: op('Delete a channel (admin)', [idParam], { '200': { description: '{"deleted": true}' }, '404': notFound }),
      },
      '/api/v1/alerts/channels/{id}/test': {
        post: op('Send a test message now, also to a switched-off channel (admin); logged in the delivery log, not retried', [idParam], {
          '200': { description: '{"delivery_id", "message_id", "delivered", "response_status", "error"}' },
          '404': notFound,
        }),
      },
      '/api/v1/alerts/deliveries': {
        get: op('The delivery log with every attempt (admin)', [], { '200': { description: '{"deliveries": [...]}' } }),
      },
      '/api/v1/alerts/deliveries/{id}/replay': {
        post: op('Send a delivery again now, same webhook-id (admin)', [idParam], { '200': { description: 'The delivery' }, '404': notFound }),
      },
      '/api/v1/behaviour/keys': {
        get: op('Keys by how badly they behave after errors (Retry-After, futile retries, storms, idempotency), worst first; whole UTC days', params('/api/v1/behaviour/keys'), {
          '200': ok('WorstKeys', 'Keys with their counts and verdicts'),
        }),
      },
      '/api/v1/behaviour/keys/{key_id}': {
        get: op('One key\'s client behaviour: verdicts per UTC day and over the range, and the worst examples as request ids', [{ name: 'key_id', in: 'path', required: true, schema: { type: 'string', minLength: 1, maxLength: 256 } }, ...params('/api/v1/behaviour/keys/{key_id}')], {
          '200': ok('KeyBehaviour', 'Verdicts, counts and examples'),
        }),
      },
      '/api/v1/behaviour/retries': {
        get: op('Responses that asked a key to wait, newest first, with what the key did next (retry_class)', params('/api/v1/behaviour/retries'), {
          '200': ok('Retries', 'Limits and their classes'),
        }),
      },
      '/api/v1/idempotency/{idempotency_key}': {
        get: op('Every request that used an Idempotency-Key, in order, with a plain-words reading and flags', [{ name: 'idempotency_key', in: 'path', required: true, schema: { type: 'string', minLength: 1, maxLength: 255 } }], {
          '200': ok('IdempotencyChain', 'The chain'),
          '404': { description: 'not_found', content: json('Error') },
        }),
      },
      '/api/v1/export/behaviour.csv': {
        get: op('Client behaviour as CSV: view=keys (default; worst keys with counts and verdicts) or view=retries (every limit and its class)', params('/api/v1/export/behaviour.csv'), {
          '200': csv('keys: ' + BEHAVIOUR_KEYS_CSV_COLUMNS.join(',') + '; retries: ' + RETRIES_CSV_COLUMNS.join(',')),
        }),
      },
      '/api/v1/openapi.json': {
        get: { summary: 'This document', security: [], responses: { '200': { description: 'OpenAPI 3.1' } } },
      },
    },
  };
}

const REQUEST_CSV_DESCRIPTION =
  'RFC 4180, UTF-8, header row; columns request_id,ts,ts_ms,status,code,kind,method,route,path,latency_ms,key_id,account_id,tier,reason,message,details,unknown_code,status_mismatch, or those named in `cols`, in that order. Cells starting with = + - @ tab or CR are prefixed with \'. The filename names the filters and the range.';
