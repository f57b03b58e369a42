// The evaluation loop: every minute, each enabled rule judges the windows that closed since its checkpoint (one
// transaction per window: events, transitions, outbox rows, checkpoint), so a restart catches up the missed windows
// once and never fires twice. Windows close `lagMs` after their end, for records that arrive late.
import { randomUUID } from 'node:crypto';
import type { Db } from '@/db/client';
import {
  commitWindow,
  ensureDefaultRules,
  getCheckpoint,
  listAlertChannels,
  listAlertRules,
  openAlertEvents,
  type AlertEventRow,
  type EventChange,
  type NewDelivery,
} from '@/db/queries/alerts';
import { DAY_MS, floorTo, HOUR_MS } from '@/lib/time-buckets';
import { buildNotification } from './delivery/notification';
import { earliestData, evaluateWindow, seenValuesBefore, WindowCache } from './evaluate';
import { DEFAULT_RULES, parseRuleSpec, WINDOW_MS, type RuleSpec } from '@/lib/alert-rules';
import { notifies, stepAlert, type AlertTrack } from './state';
import type { AlertStore } from './store';

export interface EvaluatorOptions {
  db: Db;
  store: AlertStore;
  /** Dashboard address for links in notifications. */
  baseUrl: string;
  now?: () => number;
  /** A window is judged this long after its end (late records). */
  lagMs?: number;
  /** With no checkpoint, or after a long stop, at most this much is caught up. */
  maxCatchUpMs?: number;
  /** Windows judged per rule per tick: a long catch-up is spread over ticks. */
  maxWindowsPerTick?: number;
  /** Transitions older than this when judged (a catch-up) are stored but not delivered. */
  staleMs?: number;
  /** Create the default rules on a database that never had them (default true). */
  createDefaults?: boolean;
}

export interface TickReport {
  rules: number;
  windows: number;
  transitions: number;
  deliveries: number;
  ms: number;
}

export function defaultRuleRows() {
  return DEFAULT_RULES.map((r) => ({ key: r.key, name: r.spec.name, spec: JSON.stringify(r.spec) }));
}

export class AlertEvaluator {
  readonly cache = new WindowCache();
  private earliest: { at: number; value: number | null } | null = null;
  private seen = new Map<string, ReadonlySet<string> | null>();
  private running: Promise<TickReport> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly now: () => number;
  private readonly lagMs: number;
  private readonly maxCatchUpMs: number;
  private readonly maxWindows: number;
  private readonly staleMs: number;

  constructor(private readonly opts: EvaluatorOptions) {
    this.now = opts.now ?? Date.now;
    this.lagMs = opts.lagMs ?? 2 * 60_000;
    this.maxCatchUpMs = opts.maxCatchUpMs ?? DAY_MS;
    this.maxWindows = opts.maxWindowsPerTick ?? 48;
    this.staleMs = opts.staleMs ?? 30 * 60_000;
    if (opts.createDefaults !== false) ensureDefaultRules(opts.db, defaultRuleRows(), this.now());
  }

  /** One pass over every enabled rule. Concurrent calls share the running pass. */
  tick(): Promise<TickReport> {
    this.running ??= this.runTick().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  start(intervalMs = 60_000): void {
    if (this.timer) return;
    const run = () =>
      this.tick().catch((err) => {
        console.error('errata: alert evaluation failed', err);
      });
    this.timer = setInterval(run, intervalMs);
    this.timer.unref();
    void run();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async earliestData(now: number): Promise<number | null> {
    if (!this.earliest || now - this.earliest.at > HOUR_MS || this.earliest.value === null) this.earliest = { at: now, value: await earliestData(this.opts.store, now) };
    return this.earliest.value;
  }

  /** Split values seen before (new_values_only), cached per rule and day. */
  private async seenValues(spec: RuleSpec, from: number, earliest: number | null): Promise<ReadonlySet<string> | null> {
    const key = JSON.stringify([spec.scope, spec.split, floorTo(from, DAY_MS)]);
    if (!this.seen.has(key)) {
      if (this.seen.size > 100) this.seen.clear();
      this.seen.set(key, await seenValuesBefore(this.opts.store, spec, from, earliest));
    }
    return this.seen.get(key)!;
  }

  private async runTick(): Promise<TickReport> {
    const t0 = performance.now();
    const now = this.now();
    const { db, store } = this.opts;
    const report: TickReport = { rules: 0, windows: 0, transitions: 0, deliveries: 0, ms: 0 };
    const channels = listAlertChannels(db).filter((c) => c.enabled);
    const earliest = await this.earliestData(now);
    for (const row of listAlertRules(db)) {
      if (!row.enabled) continue;
      let spec: RuleSpec;
      try {
        spec = parseRuleSpec(JSON.parse(row.spec));
      } catch {
        continue;
      }
      report.rules++;
      const w = WINDOW_MS[spec.window];
      const lastEnd = floorTo(now - this.lagMs, w);
      const floor = floorTo(lastEnd - Math.max(this.maxCatchUpMs, w), w);
      const cp = getCheckpoint(db, row.id);
      // A new rule starts its history here (nothing before it counts as "missed").
      if (cp === null) commitWindow(db, { rule_id: row.id, window_end_ms: floor, changes: [], deliveries: [] }, now);
      let from = Math.max(cp ?? floor, floor);
      for (let n = 0; n < this.maxWindows && from + w <= lastEnd; n++, from += w) {
        const open = openAlertEvents(db, row.id);
        const res = await evaluateWindow(store, spec, from, {
          earliestDataMs: earliest,
          cache: this.cache,
          extraGroups: [...open.keys()],
          seenValues: () => this.seenValues(spec, from, earliest),
        });
        const changes: EventChange[] = [];
        const deliveries: NewDelivery[] = [];
        for (const g of res.groups) {
          const ev = open.get(g.group);
          const { track, transition } = stepAlert(ev ? toTrack(ev) : null, { at_ms: res.to, breach: g.breach, normal: g.normal, observed: g.observed, expected: g.expected });
          if (!ev && !track) continue;
          changes.push({
            group_value: g.group,
            event_id: ev?.id ?? null,
            after: track && { state: track.state, started_ms: track.started_ms, fired_ms: track.fired_ms, normal_streak: track.normal_streak, peak_observed: track.peak_observed },
            ended_as: !track && transition ? (transition.to as 'resolved' | 'cleared') : null,
            transition: transition && { ...transition, upper: g.upper, p_value: g.p_value },
            observed: g.observed,
            expected: g.expected,
            upper: g.upper,
            exposure: g.exposure,
            baseline_source: g.source,
          });
          if (!transition || !notifies(transition) || !ev) continue;
          report.transitions++;
          const targets = channels.filter((c) => spec.channel_ids.length === 0 || spec.channel_ids.includes(c.id));
          if (targets.length === 0) continue;
          const payload = JSON.stringify(
            await buildNotification(store, {
              baseUrl: this.opts.baseUrl,
              event_id: ev.id,
              rule_id: row.id,
              rule: { ...spec, name: row.name },
              group: g.group,
              state: transition.to as 'firing' | 'resolved',
              since_ms: ev.started_ms,
              window_end_ms: res.to,
              observed: g.observed,
              expected: g.expected,
              upper: g.upper,
              baseline: g.source,
            }),
          );
          const silencedUntil = Math.max(row.silenced_until_ms ?? 0, ev.silenced_until_ms ?? 0);
          const note = silencedUntil > now ? `silenced until ${new Date(silencedUntil).toISOString()}` : now - res.to > this.staleMs ? 'caught up after the fact: not sent' : null;
          for (const c of targets) deliveries.push({ group_value: g.group, channel_id: c.id, message_id: `msg_${randomUUID().replace(/-/g, '')}`, payload, status: note ? 'skipped' : 'pending', note });
        }
        commitWindow(db, { rule_id: row.id, window_end_ms: res.to, changes, deliveries }, now);
        report.windows++;
        // The store's reads are synchronous on SQLite: let requests in between windows (a catch-up is many).
        await new Promise((r) => setImmediate(r));
        report.deliveries += deliveries.filter((d) => d.status === 'pending').length;
      }
    }
    report.ms = performance.now() - t0;
    return report;
  }
}

function toTrack(ev: AlertEventRow): AlertTrack {
  return {
    state: ev.state === 'firing' ? 'firing' : 'pending',
    started_ms: ev.started_ms,
    fired_ms: ev.fired_ms,
    normal_streak: ev.normal_streak,
    peak_observed: ev.peak_observed,
    acked_ms: ev.acked_ms,
    acked_by: ev.acked_by,
    silenced_until_ms: ev.silenced_until_ms,
  };
}

const globalForAlerts = globalThis as unknown as { errataAlerting?: { stop(): void } };

/** Starts the evaluator (every minute) once per process; later calls are no-ops. */
export function startAlerting(intervalMs: number, make: () => { evaluator: AlertEvaluator; extra?: { start(): void; stop(): void } }): void {
  if (globalForAlerts.errataAlerting) return;
  const { evaluator, extra } = make();
  evaluator.start(intervalMs);
  extra?.start();
  globalForAlerts.errataAlerting = {
    stop() {
      evaluator.stop();
      extra?.stop();
    },
  };
}
