// Which query parameters each endpoint takes, in one place: handlers reject anything else (a 400 naming it and the
// nearest valid one: `key_id` → "did you mean `key`?") and the OpenAPI document lists them. Pages: lib/param-names.ts.
import { z } from 'zod';
import { ValidationError } from './api-error';
import { intField } from './int-param';
import { behaviourParamsSchema, breakdownParamsSchema, filterParamsSchema, listParamsSchema, timeseriesParamsSchema } from './filters';
import { unknownParams } from './param-names';
import { VALUE_FIELDS } from './filter-values';

/** requests.csv: which columns, in order (REQUEST_CSV_COLUMNS names; default all). */
export const requestsCsvParamsSchema = z.object({
  cols: z
    .string()
    .max(400)
    .optional()
    .describe('Comma-separated columns in the order wanted (any of the export\'s columns; default: all of them).'),
});

export const auditParamsSchema = z.object({
  // Plain decimal only (lib/int-param.ts): `1e1` or `0x1` must not name the same page as `10` or `1`.
  limit: intField.pipe(z.number().min(1).max(1000)).default(100).describe('Entries per page (1–1000, default 100).'),
  before_id: intField.pipe(z.number().min(1)).optional().describe('`next_before_id` of the previous page.'),
  action: z.string().max(100).optional().describe('Only this action.'),
});

const behaviourCsvParamsSchema = behaviourParamsSchema.extend({
  view: z.enum(['keys', 'retries']).optional().describe('keys (default): worst keys with counts and verdicts; retries: every limit and its class.'),
});

/** /stats/values: the field whose values to offer, the text typed so far. */
export const valuesParamsSchema = z.object({
  field: z.enum(VALUE_FIELDS).describe('The filter field whose values to offer.'),
  q: z.string().max(256).optional().describe('What was typed so far: values containing it (case-insensitive) are offered, and the exact value is checked.'),
  limit: intField.pipe(z.number().min(1).max(50)).default(10).describe('Values to return (1–50, default 10).'),
});

export type ValuesParams = z.infer<typeof valuesParamsSchema>;

/** field, q and limit of a /stats/values query, each given at most once. */
export function parseValuesParams(input: URLSearchParams): ValuesParams {
  const raw: Record<string, string> = {};
  for (const k of Object.keys(valuesParamsSchema.shape)) {
    const all = input.getAll(k);
    if (all.length > 1) throw new ValidationError(`${k}: give it once`, k);
    if (all.length && (all[0] !== '' || k === 'q')) raw[k] = all[0];
  }
  const res = valuesParamsSchema.safeParse(raw);
  if (!res.success) {
    const field = String(res.error.issues[0].path[0] ?? 'query');
    throw new ValidationError(`${field}: ${res.error.issues[0].message}`, field, { value: raw[field] ?? null });
  }
  return res.data;
}

const lookupCsvParamsSchema = z.object({ q: z.string().optional().describe('The pasted text to find request ids in.') });
const ingestScopeSchema = filterParamsSchema.pick({ from: true, to: true }).extend({ token: z.string().optional().describe('An ingest token id.') });

/** Every endpoint that reads its query string, with the schemas of what it accepts (filters first). */
export const ENDPOINT_QUERY = {
  '/api/v1/requests': [filterParamsSchema, listParamsSchema],
  '/api/v1/requests/{request_id}': [],
  '/api/v1/requests/lookup': [],
  '/api/v1/stats/summary': [filterParamsSchema],
  '/api/v1/stats/breakdown': [filterParamsSchema, breakdownParamsSchema],
  '/api/v1/stats/timeseries': [filterParamsSchema, timeseriesParamsSchema],
  '/api/v1/stats/expected': [filterParamsSchema, timeseriesParamsSchema.pick({ interval: true })],
  '/api/v1/stats/values': [filterParamsSchema, valuesParamsSchema],
  '/api/v1/export/requests.csv': [filterParamsSchema, requestsCsvParamsSchema],
  '/api/v1/export/breakdown.csv': [filterParamsSchema, breakdownParamsSchema],
  '/api/v1/export/timeseries.csv': [filterParamsSchema, timeseriesParamsSchema],
  '/api/v1/admin/audit': [auditParamsSchema],
  '/api/v1/behaviour/keys': [filterParamsSchema, behaviourParamsSchema.pick({ limit: true })],
  '/api/v1/behaviour/keys/{key_id}': [filterParamsSchema],
  '/api/v1/behaviour/retries': [filterParamsSchema, behaviourParamsSchema],
  '/api/v1/export/behaviour.csv': [filterParamsSchema, behaviourCsvParamsSchema],
  '/lookup/results.csv': [lookupCsvParamsSchema],
  '/ingest/rejections.csv': [ingestScopeSchema],
  '/ingest/tokens.csv': [ingestScopeSchema],
} as const satisfies Record<string, readonly z.ZodObject[]>;
export type Endpoint = keyof typeof ENDPOINT_QUERY;

export function allowedParams(endpoint: Endpoint): string[] {
  return ENDPOINT_QUERY[endpoint].flatMap((s: z.ZodObject) => Object.keys(s.shape));
}

/** The 400 for the first unknown parameter of an endpoint's query string, in our envelope. */
export function checkQuery(input: URLSearchParams, endpoint: Endpoint): URLSearchParams {
  const allowed = allowedParams(endpoint);
  const [first] = unknownParams(input, allowed);
  if (first) {
    const hint = first.did_you_mean ? ` Did you mean \`${first.did_you_mean}\`?` : '';
    const shown = first.name.length > 64 ? `${first.name.slice(0, 64)}…` : first.name;
    throw new ValidationError(`${shown}: unknown parameter.${hint}`, shown, { did_you_mean: first.did_you_mean, allowed });
  }
  return input;
}

/** A route handler's query string, checked against what its endpoint accepts. */
export function endpointQuery(req: Request, endpoint: Endpoint): URLSearchParams {
  return checkQuery(new URL(req.url).searchParams, endpoint);
}
