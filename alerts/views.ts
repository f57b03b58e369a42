// What the alert pages and API show: an alert with its rule, transitions, the series around it with the expected
// band (re-judged through the store, so it reads what the evaluator read), and the rows behind it.
import type { Db } from '@/db/client';
import { getAlertEvent, getAlertRule, listAlertEvents, listTransitions } from '@/db/queries/alerts';
import type { AlertDetail as WireAlertDetail, AlertEvent } from '@/lib/api-types';
import { NotFoundError } from '@/lib/api-error';
import { filtersToQueryString } from '@/lib/filters';
import { alertFilters } from './delivery/notification';
import { earliestData, evaluateWindow, WindowCache } from './evaluate';
import { SEVERITY_OF, WINDOW_MS } from '@/lib/alert-rules';
import type { AlertStore } from './store';
import { eventView, ruleView, type RuleView } from './verbs';

export type AlertListItem = AlertEvent & { rule_name: string };

export function listAlerts(db: Db, f: { states?: string[]; rule_id?: number; limit?: number } = {}): AlertListItem[] {
  return listAlertEvents(db, f).map((row) => ({ ...eventView(row), rule_name: row.rule_name }));
}

export type SeriesPoint = WireAlertDetail['series'][number];

/** GET /api/v1/alerts/events/{id} (lib/wire.ts alertDetailSchema), with the rule's spec typed as alerts/ reads it. */
export type AlertDetail = Omit<WireAlertDetail, 'rule'> & { rule: RuleView };

/** Windows shown around an alert: 12 before its first breach, up to 6 after its last judged window. */
const BEFORE = 12;
const AFTER = 6;

export async function alertDetail(db: Db, store: AlertStore, id: number, now = Date.now()): Promise<AlertDetail> {
  const ev = getAlertEvent(db, id);
  if (!ev) throw new NotFoundError('No such alert.', { id });
  const row = getAlertRule(db, ev.rule_id)!;
  const rule = ruleView(row);
  const w = WINDOW_MS[rule.window];
  const first = ev.started_ms - w - BEFORE * w;
  const last = Math.min(ev.last_at_ms + AFTER * w, Math.floor(now / w) * w);
  const cache = new WindowCache();
  const earliest = await earliestData(store, now);
  const series: SeriesPoint[] = [];
  for (let t = first; t + w <= last; t += w) {
    const res = await evaluateWindow(store, rule, t, { earliestDataMs: earliest, cache, extraGroups: [ev.group_value] });
    const g = res.groups.find((x) => x.group === ev.group_value);
    if (g) series.push({ from_ms: res.from, to_ms: res.to, observed: g.observed, expected: g.expected, upper: g.upper, breach: g.breach });
  }
  const filters = alertFilters(rule, ev.group_value, ev.started_ms - w, ev.ended_ms ?? ev.last_at_ms);
  const page = await store.listRequests(rule.measure === 'count' || filters.status.length ? filters : { ...filters, status: [{ kind: 'class', class: 4 }, { kind: 'class', class: 5 }] }, { limit: 50 });
  return {
    alert: { ...eventView(ev), severity: SEVERITY_OF[rule.window] },
    rule,
    // event_id is the alert's own id.
    transitions: listTransitions(db, id).map(({ event_id: _alert, ...t }) => t),
    series,
    rows: page.records,
    view_query: filtersToQueryString(filters, { absoluteRange: true }),
  };
}
