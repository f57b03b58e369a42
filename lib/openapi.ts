// The read API's wire schemas (zod) and the OpenAPI 3.1 document generated from them and from lib/filters.ts.
// Exports: buildOpenApi, errorEnvelopeSchema, requestRecordSchema, requestDetailSchema, lookupResultSchema,
// requestPageSchema, summarySchema, breakdownSchema, timeseriesSchema.
import { z } from 'zod';
import { ERROR_KINDS } from './catalog';
import {
  BREAKDOWN_DIMENSIONS,
  INTERVALS,
  behaviourParamsSchema,
  breakdownParamsSchema,
  filterParamsSchema,
  listParamsSchema,
  timeseriesParamsSchema,
} from './filters';
import { lookupBodySchema } from './request-ids';
import { BEHAVIOUR_KEYS_CSV_COLUMNS, REQUEST_CSV_COLUMNS, RETRIES_CSV_COLUMNS } from './csv';
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

export const lookupResultSchema = z.object({
  candidates: z.array(z.string()),
  truncated: z.boolean(),
  found: z.array(z.object({ request_id: z.string(), records: z.array(requestRecordSchema) })),
  missing: z.array(z.string()),
});

export const requestPageSchema = z.object({
  records: z.array(requestRecordSchema),
  next_cursor: z.string().nullable(),
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
  no_totals: z.boolean(),
  previous_no_totals: z.boolean(),
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
  requests: z.number().int(),
  errors: z.number().int(),
  error_rate: z.number().nullable(),
});

export const breakdownSchema = z.object({
  by: z.enum(BREAKDOWN_DIMENSIONS),
  from: iso,
  to: iso,
  from_ms: z.number().int(),
  to_ms: z.number().int(),
  rows: z.array(breakdownRowSchema),
  other: breakdownRowSchema.nullable(),
  total: breakdownRowSchema,
});

const countsSchema = z.object({ requests: z.number().int(), errors: z.number().int() });

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

const errors = {
  '400': { description: 'invalid_parameter (details.field names the parameter)', content: json('Error') },
  '401': { description: 'missing_credentials / invalid_credentials', content: json('Error') },
  '403': { description: 'scope_required / forbidden', content: json('Error') },
};

/** The whole read API as OpenAPI 3.1; every response carries X-Request-Id. */
export function buildOpenApi(serverUrl = '/'): JsonSchema {
  const filters = queryParams(filterParamsSchema);
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
        'Error analytics for the platform API. Every response carries X-Request-Id; failures use the envelope {"error": {code, message, details, request_id}}. Ranges are [from, to) in UTC.',
    },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'A token with the read scope (errata_…).' },
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
          [{ name: 'request_id', in: 'path', required: true, schema: { type: 'string', minLength: 1, maxLength: 128 } }],
          { '200': ok('RequestDetail', 'The records'), '404': { description: 'not_found', content: json('Error') } },
        ),
      },
      '/api/v1/requests/lookup': {
        post: op('Find every request id in free text; answer found and missing ones', [], { '200': ok('LookupResult', 'Found and missing ids') }, {
          requestBody: {
            required: true,
            content: { ...json('LookupBody'), 'text/plain': { schema: { type: 'string' } } },
          },
        }),
      },
      '/api/v1/requests': {
        get: op('Records, newest first, keyset-paginated', [...filters, ...queryParams(listParamsSchema)], {
          '200': ok('RequestPage', 'One page'),
        }),
      },
      '/api/v1/stats/summary': {
        get: op('KPIs with the previous period of the same length', filters, { '200': ok('Summary', 'KPIs') }),
      },
      '/api/v1/stats/breakdown': {
        get: op('Requests and errors by one dimension, most errors first', [...filters, ...queryParams(breakdownParamsSchema)], {
          '200': ok('Breakdown', 'Rows'),
        }),
      },
      '/api/v1/stats/timeseries': {
        get: op('Zero-filled series of requests and errors', [...filters, ...queryParams(timeseriesParamsSchema)], {
          '200': ok('Timeseries', 'Buckets'),
        }),
      },
      '/api/v1/export/requests.csv': {
        get: op('Every matching record as CSV (streamed)', filters, { '200': csv(REQUEST_CSV_DESCRIPTION) }),
      },
      '/api/v1/export/breakdown.csv': {
        get: op('A breakdown as CSV', [...filters, ...queryParams(breakdownParamsSchema)], {
          '200': csv('value,requests,errors,error_rate; rows beyond `limit` summed as "(other)"'),
        }),
      },
      '/api/v1/export/timeseries.csv': {
        get: op('A series as CSV (long format)', [...filters, ...queryParams(timeseriesParamsSchema)], {
          '200': csv('ts,ts_ms,group,requests,errors,error_rate,no_totals'),
        }),
      },
      '/api/v1/behaviour/keys': {
        get: op('Keys by how badly they behave after errors (Retry-After, futile retries, storms, idempotency), worst first; whole UTC days', [...filters, ...queryParams(behaviourParamsSchema.pick({ limit: true }))], {
          '200': ok('WorstKeys', 'Keys with their counts and verdicts'),
        }),
      },
      '/api/v1/behaviour/keys/{key_id}': {
        get: op('One key\'s client behaviour: verdicts per UTC day and over the range, and the worst examples as request ids', [{ name: 'key_id', in: 'path', required: true, schema: { type: 'string', minLength: 1, maxLength: 256 } }, ...filters], {
          '200': ok('KeyBehaviour', 'Verdicts, counts and examples'),
        }),
      },
      '/api/v1/behaviour/retries': {
        get: op('Responses that asked a key to wait, newest first, with what the key did next (retry_class)', [...filters, ...queryParams(behaviourParamsSchema)], {
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
        get: op('Client behaviour as CSV: view=keys (default; worst keys with counts and verdicts) or view=retries (every limit and its class)', [...filters, ...queryParams(behaviourParamsSchema), { name: 'view', in: 'query', required: false, schema: { type: 'string', enum: ['keys', 'retries'] } }], {
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
  `RFC 4180, UTF-8, header row; columns ${REQUEST_CSV_COLUMNS.join(',')}. Cells starting with = + - @ tab or CR are prefixed with '.`;
