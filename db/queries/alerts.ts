// Alert metadata: rules, channels, events with their transitions, the delivery outbox and the evaluator checkpoint.
// Rows only; what a rule means lives in alerts/.
import { and, asc, desc, eq, inArray, lte } from 'drizzle-orm';
import type { Db } from '../client';
import type { BaselineSource } from '@/lib/alert-kinds';
import {
  alertChannels,
  alertCheckpoints,
  alertDeliveries,
  alertDeliveryAttempts,
  alertEvents,
  alertRules,
  alertTransitions,
  settings,
} from '../schema';

export type AlertRuleRow = typeof alertRules.$inferSelect;
export type AlertChannelRow = typeof alertChannels.$inferSelect;
export type AlertEventRow = typeof alertEvents.$inferSelect;
export type AlertTransitionRow = typeof alertTransitions.$inferSelect;
export type AlertDeliveryRow = typeof alertDeliveries.$inferSelect;
export type AlertDeliveryAttemptRow = typeof alertDeliveryAttempts.$inferSelect;

// ---------------------------------------------------------------- rules

const DEFAULTS_SETTING = 'alerts_defaults_created';

/** Inserts the default rules once per database (a deleted default stays deleted). */
export function ensureDefaultRules(db: Db, rules: readonly { key: string; name: string; spec: string }[], now = Date.now()): number {
  return db.transaction((tx) => {
    if (tx.select().from(settings).where(eq(settings.key, DEFAULTS_SETTING)).get()) return 0;
    let n = 0;
    for (const r of rules) {
      n += tx
        .insert(alertRules)
        .values({ default_key: r.key, name: r.name, spec: r.spec, created_ms: now, updated_ms: now, created_by: 'errata' })
        .onConflictDoNothing()
        .run().changes;
    }
    tx.insert(settings).values({ key: DEFAULTS_SETTING, value: String(now), updated_ms: now }).run();
    return n;
  });
}

export function listAlertRules(db: Db): AlertRuleRow[] {
  return db.select().from(alertRules).orderBy(asc(alertRules.id)).all();
}

export function getAlertRule(db: Db, id: number): AlertRuleRow | undefined {
  return db.select().from(alertRules).where(eq(alertRules.id, id)).get();
}

export function insertAlertRule(db: Db, v: { name: string; enabled: boolean; spec: string; created_by: string | null }, now = Date.now()): AlertRuleRow {
  return db.insert(alertRules).values({ ...v, created_ms: now, updated_ms: now }).returning().get();
}

export function updateAlertRule(db: Db, id: number, v: Partial<Pick<AlertRuleRow, 'name' | 'enabled' | 'spec' | 'silenced_until_ms'>>, now = Date.now()): AlertRuleRow | undefined {
  return db.update(alertRules).set({ ...v, updated_ms: now }).where(eq(alertRules.id, id)).returning().get();
}

export function deleteAlertRule(db: Db, id: number): boolean {
  return db.delete(alertRules).where(eq(alertRules.id, id)).run().changes > 0;
}

// ---------------------------------------------------------------- channels

export function listAlertChannels(db: Db): AlertChannelRow[] {
  return db.select().from(alertChannels).orderBy(asc(alertChannels.id)).all();
}

export function getAlertChannel(db: Db, id: number): AlertChannelRow | undefined {
  return db.select().from(alertChannels).where(eq(alertChannels.id, id)).get();
}

export function insertAlertChannel(db: Db, v: Pick<AlertChannelRow, 'name' | 'type' | 'config' | 'allow_private'>, now = Date.now()): AlertChannelRow {
  return db.insert(alertChannels).values({ ...v, created_ms: now, updated_ms: now }).returning().get();
}

export function updateAlertChannel(db: Db, id: number, v: Partial<Pick<AlertChannelRow, 'name' | 'config' | 'allow_private' | 'enabled' | 'disabled_reason'>>, now = Date.now()): AlertChannelRow | undefined {
  return db.update(alertChannels).set({ ...v, updated_ms: now }).where(eq(alertChannels.id, id)).returning().get();
}

export function deleteAlertChannel(db: Db, id: number): boolean {
  return db.delete(alertChannels).where(eq(alertChannels.id, id)).run().changes > 0;
}

// ---------------------------------------------------------------- evaluation

export function getCheckpoint(db: Db, rule_id: number): number | null {
  return db.select().from(alertCheckpoints).where(eq(alertCheckpoints.rule_id, rule_id)).get()?.window_end_ms ?? null;
}

/** Alerts still open (pending or firing) for a rule, keyed by split value. */
export function openAlertEvents(db: Db, rule_id: number): Map<string, AlertEventRow> {
  const rows = db
    .select()
    .from(alertEvents)
    .where(and(eq(alertEvents.rule_id, rule_id), inArray(alertEvents.state, ['pending', 'firing'])))
    .all();
  return new Map(rows.map((r) => [r.group_value, r]));
}

export interface EventChange {
  group_value: string;
  /** The open event before this window (null: none). */
  event_id: number | null;
  /** The open alert after this window, or null when it ended (resolved/cleared) or never began. */
  after: {
    state: 'pending' | 'firing';
    started_ms: number;
    fired_ms: number | null;
    normal_streak: number;
    peak_observed: number;
  } | null;
  /** 'resolved' / 'cleared' when the alert ended with this window. */
  ended_as: 'resolved' | 'cleared' | null;
  transition: { from: string; to: string; at_ms: number; observed: number; expected: number; upper: number; p_value: number | null } | null;
  observed: number;
  expected: number;
  upper: number;
  exposure: number;
  baseline_source: BaselineSource;
}

export interface NewDelivery {
  group_value: string;
  channel_id: number;
  message_id: string;
  payload: string;
  /** 'skipped' (silenced, or caught up long after the fact) is logged and never sent. */
  status: 'pending' | 'skipped';
  note: string | null;
}

/**
 * One evaluated window of one rule, atomically: events and transitions, the deliveries they cause, and the
 * checkpoint. A crash before the commit re-evaluates the window; after it, the window is never judged again.
 */
export function commitWindow(db: Db, input: { rule_id: number; window_end_ms: number; changes: readonly EventChange[]; deliveries: readonly NewDelivery[] }, now = Date.now()): Map<string, number> {
  const eventIds = new Map<string, number>();
  db.transaction((tx) => {
    for (const c of input.changes) {
      let id = c.event_id;
      const common = { last_at_ms: input.window_end_ms, observed: c.observed, expected: c.expected, upper: c.upper, exposure: c.exposure, baseline_source: c.baseline_source };
      if (id === null && c.after) {
        id = tx
          .insert(alertEvents)
          .values({ rule_id: input.rule_id, group_value: c.group_value, state: c.after.state, started_ms: c.after.started_ms, fired_ms: c.after.fired_ms, normal_streak: c.after.normal_streak, peak_observed: c.after.peak_observed, ...common })
          .returning({ id: alertEvents.id })
          .get().id;
      } else if (id !== null) {
        const set = c.after
          ? { state: c.after.state, fired_ms: c.after.fired_ms, normal_streak: c.after.normal_streak, peak_observed: c.after.peak_observed, ...common }
          : { state: c.ended_as ?? 'resolved', ended_ms: input.window_end_ms, normal_streak: 0, ...common };
        tx.update(alertEvents).set(set).where(eq(alertEvents.id, id)).run();
      }
      if (id === null) continue;
      eventIds.set(c.group_value, id);
      if (c.transition) {
        tx.insert(alertTransitions)
          .values({ event_id: id, at_ms: c.transition.at_ms, from_state: c.transition.from, to_state: c.transition.to, observed: c.transition.observed, expected: c.transition.expected, upper: c.transition.upper, p_value: c.transition.p_value, baseline_source: c.baseline_source })
          .run();
      }
    }
    for (const d of input.deliveries) {
      tx.insert(alertDeliveries)
        .values({ message_id: d.message_id, event_id: eventIds.get(d.group_value) ?? null, channel_id: d.channel_id, payload: d.payload, status: d.status, next_attempt_ms: now, created_ms: now, last_error: d.note })
        .run();
    }
    tx.insert(alertCheckpoints)
      .values({ rule_id: input.rule_id, window_end_ms: input.window_end_ms })
      .onConflictDoUpdate({ target: alertCheckpoints.rule_id, set: { window_end_ms: input.window_end_ms } })
      .run();
  });
  return eventIds;
}

// ---------------------------------------------------------------- events (pages and API)

export interface EventFilters {
  states?: readonly string[];
  rule_id?: number;
  limit?: number;
}

export function listAlertEvents(db: Db, f: EventFilters = {}): (AlertEventRow & { rule_name: string })[] {
  const conds = [];
  if (f.states?.length) conds.push(inArray(alertEvents.state, [...f.states] as AlertEventRow['state'][]));
  if (f.rule_id !== undefined) conds.push(eq(alertEvents.rule_id, f.rule_id));
  return db
    .select({ e: alertEvents, rule_name: alertRules.name })
    .from(alertEvents)
    .innerJoin(alertRules, eq(alertRules.id, alertEvents.rule_id))
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(desc(alertEvents.started_ms), desc(alertEvents.id))
    .limit(f.limit ?? 100)
    .all()
    .map((r) => ({ ...r.e, rule_name: r.rule_name }));
}

export function getAlertEvent(db: Db, id: number): AlertEventRow | undefined {
  return db.select().from(alertEvents).where(eq(alertEvents.id, id)).get();
}

export function listTransitions(db: Db, event_id: number): AlertTransitionRow[] {
  return db.select().from(alertTransitions).where(eq(alertTransitions.event_id, event_id)).orderBy(asc(alertTransitions.at_ms), asc(alertTransitions.id)).all();
}

/** Acknowledge or silence an open alert; the mark is a transition too (from = to = the state, with the actor). */
export function markAlertEvent(db: Db, id: number, change: { acked_by?: string; silenced_until_ms?: number | null }, actor: string, now = Date.now()): AlertEventRow | undefined {
  return db.transaction((tx) => {
    const ev = tx.select().from(alertEvents).where(eq(alertEvents.id, id)).get();
    if (!ev) return undefined;
    const set: Partial<AlertEventRow> = {};
    if (change.acked_by !== undefined) Object.assign(set, { acked_by: change.acked_by, acked_ms: now });
    if (change.silenced_until_ms !== undefined) set.silenced_until_ms = change.silenced_until_ms;
    const after = tx.update(alertEvents).set(set).where(eq(alertEvents.id, id)).returning().get();
    tx.insert(alertTransitions)
      .values({ event_id: id, at_ms: now, from_state: ev.state, to_state: change.acked_by !== undefined ? 'acknowledged' : 'silenced', observed: ev.observed, expected: ev.expected, upper: ev.upper, actor })
      .run();
    return after;
  });
}

// ---------------------------------------------------------------- deliveries

/**
 * Claims up to `limit` due deliveries: each gets a lease and one more attempt counted before it is sent, so a
 * sender killed mid-send leaves a row that is retried when the lease runs out (the receiver dedupes by webhook-id).
 */
export function claimDueDeliveries(db: Db, now: number, leaseMs: number, limit = 20): AlertDeliveryRow[] {
  return db.transaction((tx) => {
    const due = tx
      .select()
      .from(alertDeliveries)
      .where(and(eq(alertDeliveries.status, 'pending'), lte(alertDeliveries.next_attempt_ms, now), lte(alertDeliveries.lease_until_ms, now)))
      .orderBy(asc(alertDeliveries.next_attempt_ms))
      .limit(limit)
      .all();
    for (const d of due) tx.update(alertDeliveries).set({ lease_until_ms: now + leaseMs, attempts: d.attempts + 1 }).where(eq(alertDeliveries.id, d.id)).run();
    return due.map((d) => ({ ...d, attempts: d.attempts + 1, lease_until_ms: now + leaseMs }));
  });
}

export function recordDeliveryAttempt(
  db: Db,
  id: number,
  attempt: { at_ms: number; duration_ms: number; http_status: number | null; error: string | null },
  outcome: { status: 'pending' | 'delivered' | 'failed'; next_attempt_ms?: number },
): void {
  db.transaction((tx) => {
    tx.insert(alertDeliveryAttempts).values({ delivery_id: id, ...attempt }).run();
    tx.update(alertDeliveries)
      .set({
        status: outcome.status,
        lease_until_ms: 0,
        last_error: attempt.error,
        ...(outcome.next_attempt_ms !== undefined ? { next_attempt_ms: outcome.next_attempt_ms } : {}),
        ...(outcome.status === 'delivered' ? { delivered_ms: attempt.at_ms + attempt.duration_ms } : {}),
      })
      .where(eq(alertDeliveries.id, id))
      .run();
  });
}

export function listDeliveries(db: Db, f: { channel_id?: number; event_id?: number; limit?: number } = {}): AlertDeliveryRow[] {
  const conds = [];
  if (f.channel_id !== undefined) conds.push(eq(alertDeliveries.channel_id, f.channel_id));
  if (f.event_id !== undefined) conds.push(eq(alertDeliveries.event_id, f.event_id));
  return db
    .select()
    .from(alertDeliveries)
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(desc(alertDeliveries.id))
    .limit(f.limit ?? 100)
    .all();
}

export function getDelivery(db: Db, id: number): AlertDeliveryRow | undefined {
  return db.select().from(alertDeliveries).where(eq(alertDeliveries.id, id)).get();
}

export function listDeliveryAttempts(db: Db, delivery_id: number): AlertDeliveryAttemptRow[] {
  return db.select().from(alertDeliveryAttempts).where(eq(alertDeliveryAttempts.delivery_id, delivery_id)).orderBy(asc(alertDeliveryAttempts.id)).all();
}

/** A message sent now by hand (a channel's test): stored already claimed, so the background sender leaves it alone. */
export function insertClaimedDelivery(db: Db, v: { channel_id: number; message_id: string; payload: string }, now: number, leaseMs: number): AlertDeliveryRow {
  return db
    .insert(alertDeliveries)
    .values({ ...v, event_id: null, status: 'pending', attempts: 1, next_attempt_ms: now, lease_until_ms: now + leaseMs, created_ms: now })
    .returning()
    .get();
}

/** Replay: send the same message (same webhook-id) again now. */
export function requeueDelivery(db: Db, id: number, now = Date.now()): AlertDeliveryRow | undefined {
  return db.update(alertDeliveries).set({ status: 'pending', next_attempt_ms: now, lease_until_ms: 0 }).where(eq(alertDeliveries.id, id)).returning().get();
}

/** A receiver answered 410 Gone: the channel is switched off and its waiting deliveries fail. */
export function disableChannelGone(db: Db, channel_id: number, reason: string): void {
  db.transaction((tx) => {
    tx.update(alertChannels).set({ enabled: false, disabled_reason: reason }).where(eq(alertChannels.id, channel_id)).run();
    tx.update(alertDeliveries)
      .set({ status: 'failed', last_error: reason })
      .where(and(eq(alertDeliveries.channel_id, channel_id), eq(alertDeliveries.status, 'pending')))
      .run();
  });
}
