// Judging one rule over one window: counts through the store, the baseline from history windows, a verdict per
// split value. No state and no writes (the evaluator and the backtest both use it).
import { DAY_MS } from '@/lib/time-buckets';
import {
  bandTop,
  DEFAULT_TEST,
  fitBaseline,
  historyWindows,
  judgeAnomaly,
  judgeNoData,
  judgeThreshold,
  SEASONAL_WEEKS,
  WEEK_MS,
  type BaselineSource,
  type Sample,
  type Verdict,
} from './baseline';
import { denominatorScope, scopeToFilters, WINDOW_MS, type RuleSpec } from '@/lib/alert-rules';
import type { AlertStore } from './store';

/** Split values a window's breakdown returns at most; beyond them the rest is not judged. */
export const MAX_GROUPS = 1000;

/** Per split value ('' without a split): the counted records and the scope's requests. */
export type WindowCounts = Map<string, Sample>;

/** History windows are read once and reused by the next evaluations (each is a neighbour of several). */
export class WindowCache {
  private map = new Map<string, WindowCounts>();
  constructor(private readonly max = 20_000) {}
  get(k: string): WindowCounts | undefined {
    return this.map.get(k);
  }
  set(k: string, v: WindowCounts): void {
    if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value!);
    this.map.set(k, v);
  }
  clear(): void {
    this.map.clear();
  }
}

function countKey(rule: RuleSpec, from: number, to: number): string {
  return JSON.stringify([rule.measure, rule.split, rule.scope, from, to]);
}

/** Counts of [from, to) for the rule: `value` per its measure, `exposure` = the scope's requests (no status/code/reason). */
export async function windowCounts(store: AlertStore, rule: RuleSpec, from: number, to: number, cache?: WindowCache): Promise<WindowCounts> {
  const key = countKey(rule, from, to);
  const hit = cache?.get(key);
  if (hit) return hit;
  if (rule.measure === 'retry_storms') {
    const out = await stormCounts(store, rule, from, to);
    cache?.set(key, out);
    return out;
  }
  const by = rule.split ?? 'status_class';
  const num = await store.breakdown(scopeToFilters(rule.scope, from, to), { by, limit: MAX_GROUPS });
  const pick = (r: { requests: number; errors: number }) => (rule.measure === 'count' ? r.requests : r.errors);
  const out: WindowCounts = new Map();
  const den = denominatorScope(rule.scope);
  const sameScope = JSON.stringify(den) === JSON.stringify(rule.scope);
  if (!rule.split) {
    let exposure = num.total.requests;
    if (!sameScope) exposure = (await store.breakdown(scopeToFilters(den, from, to), { by: 'status_class', limit: 10 })).total.requests;
    out.set('', { value: pick(num.total), exposure });
  } else {
    // Exposure per value for key/route/tier; a code split is a share of the whole scope's traffic.
    let exposureOf: (v: string) => number;
    if (sameScope && rule.split !== 'code') {
      const m = new Map(num.rows.map((r) => [r.value ?? '', r.requests]));
      exposureOf = (v) => m.get(v) ?? 0;
    } else if (rule.split === 'code') {
      const total = sameScope ? num.total.requests : (await store.breakdown(scopeToFilters(den, from, to), { by: 'status_class', limit: 10 })).total.requests;
      exposureOf = () => total;
    } else {
      const d = await store.breakdown(scopeToFilters(den, from, to), { by: rule.split, limit: MAX_GROUPS });
      const m = new Map(d.rows.map((r) => [r.value ?? '', r.requests]));
      exposureOf = (v) => m.get(v) ?? 0;
    }
    // A missing value (a success record's code, a keyless request) is not a group to alert on.
    for (const r of num.rows) if (r.value !== null) out.set(r.value, { value: pick(r), exposure: exposureOf(r.value) });
  }
  cache?.set(key, out);
  return out;
}

/**
 * retry_storms: storm limits in the window (client-behaviour facts), per key or in all; the exposure is the scope's
 * requests (per key with a key split), as for the other count measures.
 */
async function stormCounts(store: AlertStore, rule: RuleSpec, from: number, to: number): Promise<WindowCounts> {
  const f = scopeToFilters(rule.scope, from, to);
  const den = scopeToFilters(denominatorScope(rule.scope), from, to);
  const [storms, traffic] = await Promise.all([
    store.retryStormCounts({ from, to, now: to, keys: f.key, routes: f.route, codes: f.code, statuses: f.status }),
    store.breakdown(den, { by: rule.split ?? 'status_class', limit: MAX_GROUPS }),
  ]);
  const out: WindowCounts = new Map();
  if (!rule.split) {
    out.set('', { value: storms.reduce((n, s) => n + s.storms, 0), exposure: traffic.total.requests });
    return out;
  }
  const requests = new Map(traffic.rows.map((r) => [r.value ?? '', r.requests]));
  for (const s of storms.slice(0, MAX_GROUPS)) out.set(s.key_id, { value: s.storms, exposure: requests.get(s.key_id) ?? 0 });
  return out;
}

/** History needed before "never seen" means anything: a week of data before the excluded last day. */
export const NEW_VALUE_HISTORY_MS = 7 * DAY_MS;

/**
 * Split values seen in the 4 weeks before the day before `from` (new_values_only), or null when data starts less
 * than a week before that: on a young install every code would look new.
 */
export async function seenValuesBefore(store: AlertStore, rule: RuleSpec, from: number, earliestDataMs: number | null): Promise<ReadonlySet<string> | null> {
  const day = Math.floor(from / DAY_MS) * DAY_MS;
  if (earliestDataMs === null || earliestDataMs > day - DAY_MS - NEW_VALUE_HISTORY_MS) return null;
  const b = await store.breakdown(scopeToFilters(rule.scope, day - 28 * DAY_MS, day - DAY_MS), { by: rule.split!, limit: MAX_GROUPS });
  return new Set(b.rows.flatMap((r) => (r.value === null ? [] : [r.value])));
}

/** Start of the first UTC day with data in the last 5 weeks before `at` (null: none). Retention may cut history. */
export async function earliestData(store: AlertStore, at: number): Promise<number | null> {
  const to = Math.ceil(at / DAY_MS) * DAY_MS;
  const ts = await store.timeseries(scopeToFilters({ status: [], code: [], tier: [], key: [], account: [], route: [], method: [], reason: [], idempotency_key: [], user_agent: [] }, to - (SEASONAL_WEEKS + 1) * WEEK_MS, to), { interval: 'day' });
  const first = ts.buckets.find((b) => b.requests > 0);
  return first ? first.ts_ms : null;
}

export interface GroupVerdict extends Verdict {
  group: string;
  source: BaselineSource;
}

export interface WindowResult {
  from: number;
  to: number;
  groups: GroupVerdict[];
}

/**
 * Verdicts for the window starting at `from`. `extraGroups` (values with an open alert) are judged even when the
 * window has none of them, so an alert can resolve when its key falls silent.
 */
export async function evaluateWindow(
  store: AlertStore,
  rule: RuleSpec,
  from: number,
  ctx: {
    earliestDataMs: number | null;
    cache?: WindowCache;
    extraGroups?: readonly string[];
    /** Values seen before (new_values_only); null when the history is too short to tell what is new. */
    seenValues?: () => Promise<ReadonlySet<string> | null>;
  },
): Promise<WindowResult> {
  const to = from + WINDOW_MS[rule.window];
  const current = await windowCounts(store, rule, from, to, ctx.cache);
  const groups = new Set<string>(current.keys());
  const extra = new Set(ctx.extraGroups ?? []);
  for (const g of extra) groups.add(g);
  if (!rule.split) groups.add('');
  const test = { ...DEFAULT_TEST, minRequests: rule.min_requests, minCount: rule.min_count };
  const rate = rule.measure === 'error_rate';
  const out: GroupVerdict[] = [];

  if (rule.kind === 'threshold') {
    const seen = rule.new_values_only && ctx.seenValues ? await ctx.seenValues() : undefined;
    for (const g of groups) {
      const c = current.get(g) ?? { value: 0, exposure: 0 };
      const v = judgeThreshold(rule.threshold ?? 0, c.value, c.exposure, rate, test);
      if (seen === null || seen?.has(g)) Object.assign(v, { breach: false, normal: true });
      out.push({ ...v, group: g, source: 'none' });
    }
    return { from, to, groups: out };
  }

  const plan = historyWindows(from, to - from, ctx.earliestDataMs);
  const history: WindowCounts[] = [];
  for (const [a, b] of plan.windows) history.push(await windowCounts(store, rule, a, b, ctx.cache));
  if (rule.kind === 'no_data') for (const h of history) for (const g of h.keys()) groups.add(g);
  for (const g of groups) {
    const samples = history.map((h) => h.get(g) ?? { value: 0, exposure: 0 });
    const c = current.get(g) ?? { value: 0, exposure: 0 };
    const b = fitBaseline(samples, { rate, source: plan.source });
    const v = rule.kind === 'no_data' ? judgeNoData(b, c.value, test) : judgeAnomaly(b, c.value, c.exposure, test);
    if (v.breach || !v.normal || extra.has(g)) v.upper = bandTop(b, v);
    out.push({ ...v, group: g, source: b.source });
  }
  return { from, to, groups: out };
}
