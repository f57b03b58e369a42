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
import { TOKEN_SCOPES, USER_ROLES } from './roles';
import {
  alertChannelSchema,
  auditPageSchema,
  createdTokenSchema,
  retentionSchema,
  sessionSchema,
  signedInSchema,
  tokenSchema,
  userSchema,
  userWithPasswordSchema,
  alertDeliverySchema,
  alertDetailSchema,
  alertEventSchema,
  alertRuleSchema,
  backtestSchema,
  breakdownSchema,
  channelTestSchema,
  errorEnvelopeSchema,
  filterValuesSchema,
  healthSchema,
  ingestResultSchema,
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
  const notAllowed = (allow: string) => ({
    summary: `Not allowed: ${allow} only`,
    security: [],
    responses: { '405': { description: `method_not_allowed, with Allow: ${allow}`, content: json('Error') } },
  });
  const ingestOp = {
    summary:
      'Gateway log records (NDJSON, a JSON array or object, concatenated objects, Fluent Bit MessagePack; gzip, deflate or zstd; field aliases and limits: ingest/README.md). Answered once the batch is committed; a resent record changes nothing. Token scope: ingest.',
    security: [{ bearer: [] }],
    parameters: [{ name: 'Content-Encoding', in: 'header', required: false, schema: { type: 'string', enum: ['gzip', 'x-gzip', 'deflate', 'zstd', 'identity'] } }],
    requestBody: { required: true, content: { 'application/x-ndjson': { schema: { type: 'string' } }, 'application/json': { schema: {} }, 'application/msgpack': { schema: { type: 'string', format: 'binary' } } } },
    responses: {
      '200': ok('IngestResult', 'Committed: what was stored, what was already there, and why records were rejected'),
      '400': { description: 'invalid_body: nothing to read', content: json('Error') },
      '401': errors['401'],
      '403': errors['403'],
      '413': { description: 'payload_too_large (16 MiB on the wire), decompressed_too_large (64 MiB), too_many_records (100,000): nothing stored', content: json('Error') },
      '415': { description: 'unsupported_encoding', content: json('Error') },
      '503': { description: 'service_unavailable with Retry-After: the writer or the decode budget is full; nothing stored, resend later', content: json('Error') },
    },
  };
  const ingestPaths = {
    post: ingestOp,
    put: { ...ingestOp, summary: 'The same as POST (Fluent Bit http_method PUT)' },
    get: notAllowed('POST, PUT'),
  };
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
        IngestResult: schemaOf(ingestResultSchema),
        Health: schemaOf(healthSchema),
        Users: schemaOf(z.object({ users: z.array(userSchema) })),
        User: schemaOf(z.object({ user: userSchema })),
        UserWithPassword: schemaOf(userWithPasswordSchema),
        Tokens: schemaOf(z.object({ tokens: z.array(tokenSchema) })),
        CreatedToken: schemaOf(createdTokenSchema),
        AuditPage: schemaOf(auditPageSchema),
        Retention: schemaOf(retentionSchema),
        SignedIn: schemaOf(signedInSchema),
        Session: schemaOf(sessionSchema),
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
      '/api/v1/ingest': ingestPaths,
      '/api/v1/otlp/v1/logs': {
        post: {
          ...ingestOp,
          summary:
            'OTLP/HTTP logs (protobuf or JSON, gzip): an OpenTelemetry Collector exporter posts here (endpoint …/api/v1/otlp). Each log record is mapped to a gateway record (ingest/README.md). Token scope: ingest.',
          requestBody: { required: true, content: { 'application/x-protobuf': { schema: { type: 'string', format: 'binary' } }, 'application/json': { schema: {} } } },
          responses: {
            '200': { description: 'ExportLogsServiceResponse in the request\'s form; partialSuccess counts and explains rejected records' },
            '400': { description: 'google.rpc.Status: the export cannot be read' },
            '413': { description: 'google.rpc.Status: too large' },
            '503': { description: 'google.rpc.Status with Retry-After: busy, resend later' },
          },
        },
        get: notAllowed('POST'),
      },
      '/api/v1/admin/users': {
        get: op('Users (admin)', [], { '200': ok('Users', 'Every user, by email') }),
        post: op('Invite a user (admin): email, role, optionally a password; audited', [], { '201': ok('UserWithPassword', 'The user and the password, shown once') }, {
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', properties: { email: { type: 'string' }, role: { type: 'string', enum: [...USER_ROLES] }, password: { type: 'string' } }, required: ['email', 'role'] } } } },
        }),
      },
      '/api/v1/admin/users/{id}': {
        patch: op(
          'Change a user (admin): role, disabled, or reset_password. The last active admin stays; disabling or a reset ends the user\'s sessions; audited',
          [idParam],
          { '200': { description: 'The user ({user}), and with reset_password the new password, shown once ({user, password})', content: { 'application/json': { schema: { oneOf: [{ $ref: '#/components/schemas/User' }, { $ref: '#/components/schemas/UserWithPassword' }] } } } }, '404': notFound },
          {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: { type: 'object', properties: { role: { type: 'string', enum: [...USER_ROLES] }, disabled: { type: 'boolean' }, reset_password: { const: true } }, additionalProperties: false } } },
            },
          },
        ),
      },
      '/api/v1/admin/tokens': {
        get: op('API tokens (admin), newest first: never the token itself', [], { '200': ok('Tokens', 'Every token, revoked ones marked') }),
        post: op('Create a token (admin); audited', [], { '201': ok('CreatedToken', 'The token, shown this once') }, {
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', properties: { name: { type: 'string' }, scopes: { type: 'array', items: { type: 'string', enum: [...TOKEN_SCOPES] } } }, required: ['name', 'scopes'] } } } },
        }),
      },
      '/api/v1/admin/tokens/{id}': {
        delete: op('Revoke a token at once (admin); it stays listed, marked revoked; audited', [idParam], { '200': { description: '{"revoked": true}' }, '404': notFound }),
      },
      '/api/v1/admin/audit': {
        get: op('The audit log (admin), newest first: sign-ins, admin actions, exports', params('/api/v1/admin/audit'), { '200': ok('AuditPage', 'A page of entries') }),
      },
      '/api/v1/admin/retention': {
        get: op('Days of request data kept (admin)', [], { '200': ok('Retention', 'The setting and its default') }),
        put: op('Change the retention (admin); pruning picks it up on its next run; audited', [], { '200': { description: '{"retention_days"}' } }, {
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', properties: { retention_days: { type: 'integer' } }, required: ['retention_days'] } } } },
        }),
      },
      '/api/auth/login': {
        post: {
          summary: 'Sign in with email and password (JSON, or the /login form; same origin only): sets the session cookie. Throttled per account and per address.',
          security: [],
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', properties: { email: { type: 'string' }, password: { type: 'string' } }, required: ['email', 'password'] } } } },
          responses: {
            '200': ok('SignedIn', 'Signed in'),
            '401': errors['401'],
            '403': { description: 'csrf_failed: not from the same origin', content: json('Error') },
            '429': { description: 'login_locked with Retry-After: too many failed sign-ins for this account', content: json('Error') },
          },
        },
      },
      '/api/auth/logout': {
        post: { summary: 'Sign out: ends the session', security: [{ session: [] }], responses: { '200': { description: '{"signed_out": true}' } } },
      },
      '/api/auth/password': {
        post: {
          summary: 'Change your own password; every other session ends and this one is renewed. A wrong current password counts toward the account\'s throttle',
          security: [{ session: [] }],
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', properties: { current_password: { type: 'string' }, new_password: { type: 'string' } }, required: ['current_password', 'new_password'] } } } },
          responses: { '200': { description: '{"changed": true}' }, ...errors },
        },
      },
      '/api/auth/session': {
        get: op('Who is calling: the signed-in user, or the token', [], { '200': ok('Session', 'The caller') }),
      },
      '/api/auth/setup': {
        post: {
          summary: 'First run only: create the first admin with the one-time code from the server log, and sign in (same origin only)',
          security: [],
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', properties: { code: { type: 'string' }, email: { type: 'string' }, password: { type: 'string' } }, required: ['code', 'email', 'password'] } } } },
          responses: {
            '201': ok('SignedIn', 'The first admin, signed in'),
            '400': errors['400'],
            '403': { description: 'forbidden: users exist already, or the code is wrong; csrf_failed: not from the same origin', content: json('Error') },
          },
        },
      },
      '/api/v1/health': {
        get: {
          summary: 'Liveness: the metadata database and the request store both answer. No credentials.',
          security: [],
          responses: { '200': ok('Health', 'Both answer'), '500': { description: 'internal_error: a store does not answer', content: json('Error') } },
        },
      },
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
        get: notAllowed('POST'),
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
