// The notification every channel renders: what fired, observed vs expected, since when, the top keys/codes/routes
// behind it, sample request ids as links, the catalog's cause and fix, and the dashboard URL of exactly that view.
// Built once when the transition is committed, so every attempt (and a replay) sends the same message.
import { getCatalogEntry } from '@/lib/catalog';
import { filtersToQueryString, type Filters } from '@/lib/filters';
import { scopeToFilters, SEVERITY_OF, WINDOW_MS, type AlertSplit, type RuleSpec } from '@/lib/alert-rules';
import type { AlertStore } from '../store';

export interface TopRow {
  value: string;
  requests: number;
  errors: number;
}

export interface Notification {
  /** `alert.test`: a channel's test message, sent by an admin. */
  type: 'alert.firing' | 'alert.resolved' | 'alert.test';
  alert: {
    id: number;
    url: string;
    rule_id: number;
    rule_name: string;
    severity: 'page' | 'warning';
    state: 'firing' | 'resolved';
    measure: RuleSpec['measure'];
    kind: RuleSpec['kind'];
    split: { by: AlertSplit; value: string } | null;
    since: string;
    since_ms: number;
    window_from: string;
    window_to: string;
    observed: number;
    expected: number;
    upper: number;
    baseline: string;
  };
  summary: string;
  top: { keys: TopRow[]; codes: TopRow[]; routes: TopRow[] };
  samples: { request_id: string; url: string }[];
  catalog: { code: string; title: string; cause: string; fix: string }[];
  dashboard_url: string;
}

/** The filters of the alert's view: the rule's scope, narrowed to the split value, over [from, to). */
export function alertFilters(rule: RuleSpec, group: string, from: number, to: number): Filters {
  const scope = { ...rule.scope };
  if (rule.split && group !== '') scope[rule.split] = [group];
  return scopeToFilters(scope, from, to);
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

export async function buildNotification(
  store: AlertStore,
  input: {
    baseUrl: string;
    event_id: number;
    rule_id: number;
    rule: RuleSpec & { name: string };
    group: string;
    state: 'firing' | 'resolved';
    since_ms: number;
    window_end_ms: number;
    observed: number;
    expected: number;
    upper: number;
    baseline: string;
  },
): Promise<Notification> {
  const { rule, group, baseUrl } = input;
  const windowMs = WINDOW_MS[rule.window];
  // The view: from one window before the first breach to the end of the window just judged.
  const from = input.since_ms - windowMs;
  const filters = alertFilters(rule, group, from, input.window_end_ms);
  const errorsOnly = rule.measure !== 'count' && filters.status.length === 0 ? { ...filters, status: [{ kind: 'class' as const, class: 4 }, { kind: 'class' as const, class: 5 }] } : filters;
  const top = async (by: 'key' | 'code' | 'route'): Promise<TopRow[]> =>
    (await store.breakdown(errorsOnly, { by, limit: 5 })).rows.filter((r) => r.value !== null).map((r) => ({ value: r.value!, requests: r.requests, errors: r.errors }));
  const [keys, codes, routes, page] = [await top('key'), await top('code'), await top('route'), await store.listRequests(errorsOnly, { limit: 5 })];
  const catalog = codes.flatMap((c) => {
    const e = getCatalogEntry(c.value);
    return e ? [{ code: e.code, title: e.title, cause: e.cause, fix: e.fix }] : [];
  });
  const what = rule.split ? `${rule.name} (${rule.split} ${group})` : rule.name;
  const summary =
    input.state === 'firing'
      ? `${what}: ${fmt(input.observed)} in ${rule.window} where ${fmt(input.expected)} was expected (band up to ${fmt(input.upper)}), since ${new Date(input.since_ms).toISOString()}`
      : `${what} resolved: ${fmt(input.observed)} in ${rule.window}, ${fmt(input.expected)} expected`;
  return {
    type: input.state === 'firing' ? 'alert.firing' : 'alert.resolved',
    alert: {
      id: input.event_id,
      url: `${baseUrl}/alerts/${input.event_id}`,
      rule_id: input.rule_id,
      rule_name: rule.name,
      severity: SEVERITY_OF[rule.window],
      state: input.state,
      measure: rule.measure,
      kind: rule.kind,
      split: rule.split ? { by: rule.split, value: group } : null,
      since: new Date(input.since_ms).toISOString(),
      since_ms: input.since_ms,
      window_from: new Date(input.window_end_ms - windowMs).toISOString(),
      window_to: new Date(input.window_end_ms).toISOString(),
      observed: input.observed,
      expected: input.expected,
      upper: input.upper,
      baseline: input.baseline,
    },
    summary,
    top: { keys, codes, routes },
    samples: page.records.map((r) => ({ request_id: r.request_id, url: `${baseUrl}/requests/${encodeURIComponent(r.request_id)}` })),
    catalog,
    dashboard_url: `${baseUrl}/?${filtersToQueryString(filters, { absoluteRange: true })}`,
  };
}
