// The one filter schema: API query strings, CSV routes, dashboard URLs and db/queries all use it.
import { z } from 'zod';
import { ValidationError } from './api-error';
import { RETRY_CLASS_VALUES } from './behaviour-rules';

export const DAY_MS = 86_400_000;
export const DEFAULT_RANGE_MS = DAY_MS;
/** Longer ranges are refused: retention is 30 days by default and rollups are hourly. */
export const MAX_RANGE_MS = 400 * DAY_MS;

const RFC3339 = /^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}:\d{2}))?$/;
const EPOCH_MS = /^\d{1,15}$/;
const RELATIVE = /^now(-\d{1,6}[smhd])?$/;
const TIME_PATTERN = new RegExp(`${RFC3339.source}|${EPOCH_MS.source}|${RELATIVE.source}`);

const timeParam = z
  .string()
  .regex(TIME_PATTERN, 'must be RFC 3339 (2026-11-24T10:00:00Z), epoch milliseconds, or now[-<n>m|h|d]')
  .describe('RFC 3339 timestamp, epoch milliseconds, or a time relative to now such as now-24h');
const value = z.string().min(1).max(256);
const repeatable = (description: string) => z.array(value).max(100).default([]).describe(description);

export const filterParamsSchema = z.object({
  from: timeParam.optional().describe('Start of the range, inclusive (default: 24 hours before `to`).'),
  to: timeParam.optional().describe('End of the range, exclusive (default: now).'),
  status: z
    .array(z.string().regex(/^([1-5]\d\d|[1-5]xx)$/i, 'must be a status (404) or a status class (4xx)'))
    .max(100)
    .default([])
    .describe('Status or status class (4xx, 5xx); repeatable.'),
  code: repeatable('Error code from the catalog (or any code seen); repeatable.'),
  tier: repeatable('Account tier; repeatable.'),
  key: repeatable('API key id (key_id); repeatable.'),
  account: repeatable('Account id (account_id); repeatable.'),
  route: repeatable('Endpoint template, e.g. /v1/submissions/{id}; repeatable.'),
  method: repeatable('HTTP method; repeatable.'),
  reason: repeatable('details.reason (capacity_exceeded: daily_quota, concurrent_submissions, platform_queue); repeatable.'),
  idempotency_key: repeatable("The request's Idempotency-Key; repeatable."),
  user_agent: repeatable('User agent, exactly as logged; repeatable.'),
});
export type FilterParams = z.infer<typeof filterParamsSchema>;

export type StatusFilter = { kind: 'status'; status: number } | { kind: 'class'; class: number };

/** Parsed filters: what db/queries take. `from`/`to` are epoch ms, `[from, to)`. */
export interface Filters {
  from: number;
  to: number;
  status: StatusFilter[];
  code: string[];
  tier: string[];
  key: string[];
  account: string[];
  route: string[];
  method: string[];
  reason: string[];
  idempotency_key: string[];
  user_agent: string[];
  /** The range as written (null = default), so serializing keeps "now-7d" relative and an absent `to` open-ended. */
  range_input: { from: string | null; to: string | null };
}

export const LIST_FILTER_FIELDS = ['code', 'tier', 'key', 'account', 'route', 'method', 'reason', 'idempotency_key', 'user_agent'] as const;
export type ListFilterField = (typeof LIST_FILTER_FIELDS)[number];

export const BREAKDOWN_DIMENSIONS = [
  'status',
  'status_class',
  'tier',
  'key',
  'account',
  'code',
  'route',
  'method',
  'reason',
  'kind',
] as const;
export type BreakdownDimension = (typeof BREAKDOWN_DIMENSIONS)[number];

/**
 * What /stats/breakdown and breakdown.csv group by: the store's dimensions, plus `retry_class` (limits, i.e. 429/5xx
 * responses that carried retry_after, by what the key did next; behaviour/breakdown.ts).
 */
export const STATS_BREAKDOWN_DIMENSIONS = [...BREAKDOWN_DIMENSIONS, 'retry_class'] as const;
export type StatsBreakdownDimension = (typeof STATS_BREAKDOWN_DIMENSIONS)[number];

export const INTERVALS = ['minute', 'hour', 'day'] as const;
export type Interval = (typeof INTERVALS)[number];

const limitParam = (max: number, dflt: number) => z.coerce.number().int().min(1).max(max).default(dflt);

export const breakdownParamsSchema = z.object({
  by: z
    .enum(STATS_BREAKDOWN_DIMENSIONS)
    .describe(
      'The dimension to group by. retry_class: responses that asked the key to wait (429/5xx with retry_after) by what the key did next (honoured, early, immediate, abandoned, pending); filters key, route, status and code apply.',
    ),
  limit: limitParam(1000, 50).describe('Rows to return (1–1000, default 50); the rest is summed in `other`.'),
});
export type BreakdownParams = z.infer<typeof breakdownParamsSchema>;

export const timeseriesParamsSchema = z.object({
  interval: z
    .enum(['auto', ...INTERVALS])
    .default('auto')
    .describe(
      'Bucket size; auto: minute up to 6 h, hour up to 8 days, else day. At most 3,000 buckets. A minute series filtered or split by key, account, route or method reads raw rows and may span at most 6 h.',
    ),
  by: z.enum(BREAKDOWN_DIMENSIONS).optional().describe('Split every bucket by this dimension.'),
  limit: limitParam(50, 10).describe('With `by`: the top groups by errors (1–50, default 10); the rest is `(other)`.'),
});
export type TimeseriesParams = z.infer<typeof timeseriesParamsSchema>;

/** Client-behaviour lists: which retry classes, how many rows (the range and `key` come from the shared filters). */
export const behaviourParamsSchema = z.object({
  retry_class: z
    .array(z.enum(RETRY_CLASS_VALUES))
    .max(10)
    .default([])
    .describe('What the key did after being asked to wait: honoured, early, immediate, abandoned, pending; repeatable.'),
  limit: limitParam(1000, 100).describe('Rows to return (1–1000, default 100).'),
});
export type BehaviourParams = z.infer<typeof behaviourParamsSchema>;

export function parseBehaviourParams(input: SearchParamsInput): BehaviourParams {
  return parseWith(behaviourParamsSchema, toParamRecord(input), ['retry_class', 'limit']);
}

export const listParamsSchema = z.object({
  cursor: z.string().max(200).optional().describe('`next_cursor` of the previous page: the next older records.'),
  before: z.string().max(200).optional().describe('`prev_cursor` of a page: the newer records just above it.'),
  limit: limitParam(1000, 100).describe('Records per page (1–1000, default 100).'),
});
export type ListParams = z.infer<typeof listParamsSchema>;

/** URLSearchParams, or a Next page's `searchParams` object. */
export type SearchParamsInput = URLSearchParams | Record<string, string | string[] | undefined>;

/**
 * Every parameter as a list of non-empty values (an empty form field means "not set"). The record has no prototype:
 * a parameter named `constructor` or `__proto__` is a key like any other, never Object's own property.
 */
export function toParamRecord(input: SearchParamsInput): Record<string, string[]> {
  const out: Record<string, string[]> = Object.create(null);
  const add = (k: string, v: string) => {
    if (v === '') return;
    (out[k] ??= []).push(v);
  };
  if (input instanceof URLSearchParams) {
    for (const [k, v] of input) add(k, v);
  } else {
    for (const [k, v] of Object.entries(input)) {
      if (Array.isArray(v)) v.forEach((x) => add(k, x));
      else if (typeof v === 'string') add(k, v);
    }
  }
  return out;
}

const SINGLE_VALUED = new Set(['from', 'to', 'by', 'limit', 'interval', 'cursor', 'before']);

function fieldOf(path: PropertyKey[]): string {
  return path.length ? String(path[0]) : 'query';
}

/** Parses with zod and throws the envelope's 400 invalid_parameter with `details.field`. */
function parseWith<T extends z.ZodType>(schema: T, record: Record<string, string[]>, keys: readonly string[]): z.infer<T> {
  const raw: Record<string, unknown> = {};
  for (const k of keys) {
    const v = record[k];
    if (!v) continue;
    if (SINGLE_VALUED.has(k)) {
      if (v.length > 1) throw new ValidationError(`${k}: give it once`, k);
      raw[k] = v[0];
    } else raw[k] = v;
  }
  const res = schema.safeParse(raw);
  if (!res.success) {
    const issue = res.error.issues[0];
    const field = fieldOf(issue.path);
    throw new ValidationError(`${field}: ${issue.message}`, field, { value: record[field]?.join(',') ?? null });
  }
  return res.data;
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: DAY_MS };

function resolveTime(input: string, now: number, field: string): number {
  const rel = /^now(?:-(\d+)([smhd]))?$/.exec(input);
  if (rel) return rel[1] ? now - Number(rel[1]) * UNIT_MS[rel[2]] : now;
  if (EPOCH_MS.test(input)) return Number(input);
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(input) ? `${input}T00:00:00Z` : input.replace(' ', 'T'));
  if (!Number.isFinite(ms)) throw new ValidationError(`${field}: not a valid time`, field, { value: input });
  return ms;
}

/** The shared filters from a query string or a page's searchParams. Throws ValidationError (400) on bad values. */
export function parseFilters(input: SearchParamsInput, options: { now?: number } = {}): Filters {
  const now = options.now ?? Date.now();
  const p = parseWith(filterParamsSchema, toParamRecord(input), Object.keys(filterParamsSchema.shape));
  const to = p.to === undefined ? now : resolveTime(p.to, now, 'to');
  const from = p.from === undefined ? to - DEFAULT_RANGE_MS : resolveTime(p.from, now, 'from');
  if (from >= to) throw new ValidationError('from: must be before to', 'from', { from, to });
  if (to - from > MAX_RANGE_MS) throw new ValidationError('from: the range may span at most 400 days', 'from');
  const status = [...new Set(p.status.map((s) => s.toLowerCase()))].map(
    (s): StatusFilter => (s.endsWith('xx') ? { kind: 'class', class: Number(s[0]) } : { kind: 'status', status: Number(s) }),
  );
  const uniq = (xs: string[]) => [...new Set(xs)];
  return {
    from,
    to,
    status,
    code: uniq(p.code),
    tier: uniq(p.tier),
    key: uniq(p.key),
    account: uniq(p.account),
    route: uniq(p.route),
    method: uniq(p.method),
    reason: uniq(p.reason),
    idempotency_key: uniq(p.idempotency_key),
    user_agent: uniq(p.user_agent),
    range_input: { from: p.from ?? null, to: p.to ?? null },
  };
}

export function parseBreakdownParams(input: SearchParamsInput): BreakdownParams {
  return parseWith(breakdownParamsSchema, toParamRecord(input), ['by', 'limit']);
}

export function parseTimeseriesParams(input: SearchParamsInput): TimeseriesParams {
  return parseWith(timeseriesParamsSchema, toParamRecord(input), ['interval', 'by', 'limit']);
}

export function parseListParams(input: SearchParamsInput): ListParams {
  const p = parseWith(listParamsSchema, toParamRecord(input), ['cursor', 'before', 'limit']);
  if (p.cursor && p.before) throw new ValidationError('before: give cursor or before, not both', 'before');
  return p;
}

export function statusFilterToString(s: StatusFilter): string {
  return s.kind === 'class' ? `${s.class}xx` : String(s.status);
}

/**
 * Filters back to query parameters. The range is written as it was given (relative stays relative, a default
 * stays absent) unless `absoluteRange` asks for the resolved epoch ms, e.g. for a CSV link of exactly this view.
 */
export function filtersToSearchParams(
  filters: Partial<Filters>,
  options: { absoluteRange?: boolean; omitRange?: boolean } = {},
): URLSearchParams {
  const q = new URLSearchParams();
  if (!options.omitRange) {
    const from = options.absoluteRange ? filters.from : (filters.range_input?.from ?? (filters.range_input ? undefined : filters.from));
    const to = options.absoluteRange ? filters.to : (filters.range_input?.to ?? (filters.range_input ? undefined : filters.to));
    if (from !== undefined && from !== null) q.set('from', String(from));
    if (to !== undefined && to !== null) q.set('to', String(to));
  }
  for (const s of filters.status ?? []) q.append('status', statusFilterToString(s));
  for (const f of LIST_FILTER_FIELDS) for (const v of filters[f] ?? []) q.append(f, v);
  return q;
}

export function filtersToQueryString(filters: Partial<Filters>, options: { absoluteRange?: boolean; omitRange?: boolean } = {}): string {
  return filtersToSearchParams(filters, options).toString();
}

/** True when the view follows "now" (no explicit end, or a relative one): pages refresh it live. */
export function isOpenEnded(filters: Filters): boolean {
  return filters.range_input.to === null || filters.range_input.to.startsWith('now');
}

/** An offset before now as the relative form ("now-90m"), or null when it does not fit one. */
function relativeBefore(ms: number): string | null {
  if (ms === 0) return 'now';
  for (const [unit, size] of [['d', DAY_MS], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms % size === 0 && ms / size < 1_000_000) return `now-${ms / size}${unit}`;
  }
  return null;
}

/**
 * The period of the same length just before this one, with the same filters. A range relative to now stays relative
 * (now-24h → from now-48h to now-24h), so a live comparison keeps moving with the view.
 */
export function previousPeriod(filters: Filters, now: number): Filters {
  const len = filters.to - filters.from;
  const prev = { ...filters, from: filters.from - len, to: filters.from };
  if (isOpenEnded(filters)) {
    const from = relativeBefore(now - prev.from);
    const to = relativeBefore(now - prev.to);
    if (from && to) return { ...prev, range_input: { from, to } };
  }
  return { ...prev, range_input: { from: String(prev.from), to: String(prev.to) } };
}
