// The OpenAPI 3.1 document of the read API, generated from the wire schemas (lib/wire.ts) and the query parameters
// of lib/filters.ts.
import { z } from 'zod';
import { channelInputSchema } from './alert-channels';
import { ALERT_STATES } from './alert-kinds';
import { ruleSpecSchema } from './alert-rules';
import { BEHAVIOUR_KEYS_CSV_COLUMNS, RETRIES_CSV_COLUMNS } from './csv';
import { ERROR_RATE_RULE } from './error-rate';
import { expectedBandSchema } from './expected-band';
import { OTHER_GROUP } from './groups';
import { ENDPOINT_QUERY, type Endpoint } from './query-params';
import { lookupBodySchema } from './request-ids';
import {
  alertChannelSchema,
  alertDeliverySchema,
  alertDetailSchema,
  alertEventSchema,
  alertRuleSchema,
  backtestSchema,
  breakdownSchema,
  channelTestSchema,
  errorEnvelopeSchema,
  filterValuesSchema,
  idempotencyChainSchema,
  keyBehaviourSchema,
  lookupResultSchema,
  requestDetailSchema,
  requestPageSchema,
  requestRecordSchema,
  retriesSchema,
  summarySchema,
  timeseriesSchema,
  worstKeysSchema,
} from './wire';

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
        AlertChannel: schemaOf(alertChannelSchema),
        AlertChannels: schemaOf(z.object({ channels: z.array(alertChannelSchema) })),
        AlertChannelTest: schemaOf(channelTestSchema),
        AlertDelivery: schemaOf(alertDeliverySchema),
        AlertDeliveries: schemaOf(z.object({ deliveries: z.array(alertDeliverySchema) })),
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
            `<by>,requests,errors,error_rate_pct,error_rate,share_pct,share,records: the first column is named after the dimension (key, code, …); *_pct are percentages rounded as the dashboard shows them, error_rate and share the exact ratios. Grouped by an error dimension only values that failed are listed. Rows beyond \`limit\` are summed as "${OTHER_GROUP}". The filename names the filters and the range.`,
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
        get: op('Notification channels (admin)', [], { '200': ok('AlertChannels', 'Every channel (SMTP passwords masked)') }),
        post: op(
          'Add a channel (admin): webhook (Standard Webhooks signed), Slack incoming webhook, or SMTP email. https only (http to localhost); link-local and metadata addresses refused, private ones unless allow_private; SMTP checked by connecting',
          [],
          { '201': ok('AlertChannel', 'The channel, with the webhook secret') },
          { requestBody: { required: true, content: json('AlertChannelInput') } },
        ),
      },
      '/api/v1/alerts/channels/{id}': {
        patch: op(
          'Change a channel (admin): name, config, allow_private, enabled. Config left out, a webhook secret left out and a masked SMTP password keep their stored values; checked like a new channel',
          [idParam],
          { '200': ok('AlertChannel', 'The channel'), '404': notFound },
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
          '200': ok('AlertChannelTest', 'What the receiver answered'),
          '404': notFound,
        }),
      },
      '/api/v1/alerts/deliveries': {
        get: op('The delivery log with every attempt (admin), newest first', [], { '200': ok('AlertDeliveries', 'The newest 200 deliveries') }),
      },
      '/api/v1/alerts/deliveries/{id}/replay': {
        post: op('Send a delivery again now, same webhook-id (admin)', [idParam], { '200': ok('AlertDelivery', 'The delivery, due again now'), '404': notFound }),
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
