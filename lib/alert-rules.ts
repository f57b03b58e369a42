// Alert rules: what a rule watches, over which scope (the one filter schema of lib/filters.ts), how it decides.
import { z } from 'zod';
import { ValidationError } from '@/lib/api-error';
import { filterParamsSchema, parseFilters, type Filters } from '@/lib/filters';

export { ALERT_KINDS, ALERT_MEASURES, ALERT_SPLITS, ALERT_WINDOWS, SEVERITY_OF, WINDOW_MS } from './alert-kinds';
export type { AlertKind, AlertMeasure, AlertSplit, AlertWindow } from './alert-kinds';
import { ALERT_KINDS, ALERT_MEASURES, ALERT_SPLITS, ALERT_WINDOWS } from './alert-kinds';

/** The scope: the shared filter parameters without the range (the evaluator supplies each window's range). */
const scopeShape = filterParamsSchema.omit({ from: true, to: true }).shape;
export const SCOPE_FIELDS = Object.keys(scopeShape) as (keyof typeof scopeShape)[];
export const ruleScopeSchema = z.object(scopeShape).strict();
export type RuleScope = z.infer<typeof ruleScopeSchema>;

export const ruleSpecSchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    enabled: z.boolean().default(true),
    measure: z.enum(ALERT_MEASURES),
    scope: ruleScopeSchema.default({ status: [], code: [], tier: [], key: [], account: [], route: [], method: [], reason: [], idempotency_key: [], user_agent: [] }),
    split: z.enum(ALERT_SPLITS).nullable().default(null),
    kind: z.enum(ALERT_KINDS),
    window: z.enum(ALERT_WINDOWS).default('5m'),
    /** kind=threshold: breach when the measure reaches this (a share 0–1 for error_rate). */
    threshold: z.number().positive().nullable().default(null),
    /** With a split: only values not seen in the 4 weeks before the last day count ("a code never seen before"). */
    new_values_only: z.boolean().default(false),
    /** Minimum volume in a window before anything breaches: requests of the scope, and counted records. */
    min_requests: z.number().int().min(0).max(1_000_000).default(50),
    min_count: z.number().int().min(1).max(1_000_000).default(5),
    /** Channel ids to notify; empty = every enabled channel. */
    channel_ids: z.array(z.number().int().positive()).max(50).default([]),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.kind === 'threshold' && r.threshold === null) ctx.addIssue({ code: 'custom', path: ['threshold'], message: 'a threshold rule needs a threshold' });
    if (r.kind === 'threshold' && r.measure === 'error_rate' && r.threshold !== null && r.threshold > 1)
      ctx.addIssue({ code: 'custom', path: ['threshold'], message: 'an error-rate threshold is a share between 0 and 1' });
    if (r.new_values_only && !r.split) ctx.addIssue({ code: 'custom', path: ['new_values_only'], message: 'needs a split (which values are new?)' });
    if (r.kind === 'no_data' && r.measure === 'error_rate') ctx.addIssue({ code: 'custom', path: ['measure'], message: 'no-data watches a count, not a rate' });
    if (r.measure === 'retry_storms') {
      if (r.kind === 'no_data') ctx.addIssue({ code: 'custom', path: ['kind'], message: 'no-data watches traffic, not retry storms' });
      if (r.split !== null && r.split !== 'key') ctx.addIssue({ code: 'custom', path: ['split'], message: 'retry storms split by key or not at all' });
      for (const f of STORM_UNSCOPED) {
        if ((r.scope[f] ?? []).length > 0) ctx.addIssue({ code: 'custom', path: ['scope', f], message: 'retry storms are scoped by key, route, code and status only' });
      }
    }
  });
export type RuleSpec = z.infer<typeof ruleSpecSchema>;

/** Scope filters a storm (a limit fact) cannot be matched on. */
const STORM_UNSCOPED = ['account', 'tier', 'method', 'reason', 'idempotency_key', 'user_agent'] as const;
export type RuleSpecInput = z.input<typeof ruleSpecSchema>;

/**
 * Validates a rule from an untyped body. Throws ValidationError (our envelope's 400) naming the field; an unknown
 * scope filter lists the filters there are. Scope values are checked by the filter schema itself.
 */
export function parseRuleSpec(input: unknown): RuleSpec {
  const scope = (input as { scope?: unknown } | null)?.scope;
  if (scope && typeof scope === 'object' && !Array.isArray(scope)) {
    for (const k of Object.keys(scope)) {
      if (!(SCOPE_FIELDS as string[]).includes(k))
        throw new ValidationError(`scope.${k}: unknown filter; filters are ${SCOPE_FIELDS.join(', ')}`, `scope.${k}`, { allowed: SCOPE_FIELDS });
    }
  }
  const res = ruleSpecSchema.safeParse(input);
  if (!res.success) {
    const issue = res.error.issues[0];
    const field = issue.path.map(String).join('.') || 'body';
    throw new ValidationError(`${field}: ${issue.message}`, field);
  }
  // Run the scope through the shared parser too (status classes, dedupe), so what was saved is what a view shows.
  scopeToFilters(res.data.scope, 0, 1);
  return res.data;
}

const parsedScopes = new Map<string, Filters>();

/** The scope as the shared Filters for [from, to) (parsed once per scope: the evaluator asks for many windows). */
export function scopeToFilters(scope: RuleScope, from: number, to: number): Filters {
  const key = JSON.stringify(SCOPE_FIELDS.map((f) => scope[f] ?? []));
  let base = parsedScopes.get(key);
  if (!base) {
    const q = new URLSearchParams({ from: '0', to: '1' });
    for (const f of SCOPE_FIELDS) for (const v of scope[f] ?? []) q.append(f, v);
    base = parseFilters(q);
    if (parsedScopes.size > 1000) parsedScopes.clear();
    parsedScopes.set(key, base);
  }
  return { ...base, from, to, range_input: { from: String(from), to: String(to) } };
}

/** The denominator of an error rate: the same traffic without the filters that pick which records are errors. */
export function denominatorScope(scope: RuleScope): RuleScope {
  return { ...scope, status: [], code: [], reason: [] };
}

const EMPTY_SCOPE: RuleScope = { status: [], code: [], tier: [], key: [], account: [], route: [], method: [], reason: [], idempotency_key: [], user_agent: [] };

/** Switched on at first start (keyed so they are created once). Surges are error rates: a busy minute whose errors grow
 * with its traffic is not a surge. */
export const DEFAULT_RULES: readonly { key: string; spec: RuleSpec }[] = [
  {
    key: 'default_5xx_surge',
    spec: ruleSpecSchema.parse({ name: '5xx surge, platform-wide', measure: 'error_rate', scope: { ...EMPTY_SCOPE, status: ['5xx'] }, kind: 'anomaly', window: '5m' }),
  },
  {
    key: 'default_code_surge',
    spec: ruleSpecSchema.parse({ name: 'A code surging', measure: 'error_rate', scope: EMPTY_SCOPE, split: 'code', kind: 'anomaly', window: '5m' }),
  },
  {
    key: 'default_key_errors',
    spec: ruleSpecSchema.parse({ name: "One key's errors surging", measure: 'error_rate', scope: EMPTY_SCOPE, split: 'key', kind: 'anomaly', window: '5m' }),
  },
  {
    key: 'default_new_code',
    spec: ruleSpecSchema.parse({
      name: 'A code never seen before',
      measure: 'error_count',
      scope: EMPTY_SCOPE,
      split: 'code',
      kind: 'threshold',
      threshold: 1,
      new_values_only: true,
      min_requests: 0,
      min_count: 1,
      window: '5m',
    }),
  },
  {
    key: 'default_ingest_silence',
    spec: ruleSpecSchema.parse({ name: 'Ingest silence', measure: 'count', scope: EMPTY_SCOPE, kind: 'no_data', window: '5m', min_count: 1 }),
  },
];
