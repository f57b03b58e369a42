// How often a rule would have fired over stored data (the rule editor's preview): the evaluator's own judgement
// and state machine, run over past windows in memory, nothing written. Bounded by a time budget: the answer says how
// much of the period it covered.
import { DAY_MS, floorTo } from '@/lib/time-buckets';
import { earliestData, evaluateWindow, seenValuesBefore, WindowCache } from './evaluate';
import { WINDOW_MS, type RuleSpec } from '@/lib/alert-rules';
import { stepAlert, type AlertTrack } from './state';
import type { AlertStore } from './store';
import type { AlertBacktest } from '@/lib/api-types';

/** How often a rule would have fired, as POST /api/v1/alerts/rules/backtest answers (lib/wire.ts backtestSchema). */
export type Backtest = AlertBacktest;

export async function backtestRule(store: AlertStore, spec: RuleSpec, opts: { now: number; days?: number; budgetMs?: number }): Promise<Backtest> {
  const w = WINDOW_MS[spec.window];
  const to = floorTo(opts.now, w);
  const from = to - (opts.days ?? 7) * DAY_MS;
  const deadline = performance.now() + (opts.budgetMs ?? 8000);
  const cache = new WindowCache();
  const earliest = await earliestData(store, opts.now);
  const seen = new Map<number, ReadonlySet<string> | null>();
  const seenValues = async (at: number) => {
    const day = floorTo(at, DAY_MS);
    if (!seen.has(day)) seen.set(day, await seenValuesBefore(store, spec, at, earliest));
    return seen.get(day)!;
  };
  const tracks = new Map<string, AlertTrack>();
  const fired: Backtest['fired'] = [];
  const open = new Map<string, Backtest['fired'][number]>();
  let pendingOnly = 0;
  let windows = 0;
  let baseline = 'none';
  let t = from;
  for (; t + w <= to && performance.now() < deadline; t += w) {
    const res = await evaluateWindow(store, spec, t, { earliestDataMs: earliest, cache, extraGroups: [...tracks.keys()], seenValues: () => seenValues(t) });
    windows++;
    for (const g of res.groups) {
      baseline = g.source === 'none' ? baseline : g.source;
      const { track, transition } = stepAlert(tracks.get(g.group) ?? null, { at_ms: res.to, breach: g.breach, normal: g.normal, observed: g.observed, expected: g.expected });
      if (track) tracks.set(g.group, track);
      else tracks.delete(g.group);
      if (transition?.to === 'firing') {
        const f = { group: g.group, fired_ms: res.to, resolved_ms: null, observed: g.observed, expected: g.expected };
        fired.push(f);
        open.set(g.group, f);
      } else if (transition?.to === 'resolved') {
        const f = open.get(g.group);
        if (f) f.resolved_ms = res.to;
        open.delete(g.group);
      } else if (transition?.to === 'cleared') pendingOnly++;
    }
  }
  return {
    from_ms: from,
    to_ms: to,
    windows,
    complete: t + w > to,
    fired: fired.reverse().slice(0, 50),
    fired_count: fired.length,
    pending_only: pendingOnly,
    baseline,
  };
}
