// The verbs that change alert settings, used by the API, pages and CLI alike; each writes the audit log.
import type { Db } from '@/db/client';
import {
  deleteAlertChannel,
  deleteAlertRule,
  getAlertChannel,
  getAlertEvent,
  getAlertRule,
  getDelivery,
  insertAlertChannel,
  insertClaimedDelivery,
  updateAlertChannel,
  insertAlertRule,
  listAlertChannels,
  markAlertEvent,
  requeueDelivery,
  updateAlertRule,
  type AlertChannelRow,
  type AlertDeliveryRow,
  listDeliveryAttempts,
  type AlertEventRow,
  type AlertRuleRow,
} from '@/db/queries/alerts';
import { recordAudit } from '@/db/queries/audit';
import { ApiError, NotFoundError, ValidationError } from '@/lib/api-error';
import { channelInputSchema, channelPatchSchema, type ChannelInput } from '@/lib/alert-channels';
import { randomUUID } from 'node:crypto';
import { attemptDelivery } from './delivery/worker';
import type { Notification } from './delivery/notification';
import { newWebhookSecret, verifySmtp } from './delivery/channels';
import { checkDestination, DestinationError } from './delivery/ssrf';
import { parseRuleSpec, type RuleSpec } from '@/lib/alert-rules';
import type { AlertChannel, AlertDelivery, AlertEvent, AlertRule, ChannelTest } from '@/lib/api-types';

/**
 * A rule as the API shows it (lib/wire.ts alertRuleSchema): the stored spec with the row's id, default key, silence
 * and times. The spec keeps its own type, whose scope names every filter; the wire schema's scope is any filter list.
 */
export type RuleView = RuleSpec & Pick<AlertRule, 'id' | 'default_key' | 'silenced_until_ms' | 'created_ms' | 'updated_ms'>;

export function ruleView(row: AlertRuleRow): RuleView {
  return { ...(JSON.parse(row.spec) as RuleSpec), id: row.id, name: row.name, enabled: row.enabled, default_key: row.default_key, silenced_until_ms: row.silenced_until_ms, created_ms: row.created_ms, updated_ms: row.updated_ms };
}

/** An alert as the API shows it: the stored event less the evaluator's own bookkeeping (normal_streak). */
export function eventView(row: AlertEventRow): AlertEvent {
  const { normal_streak: _bookkeeping, ...event } = row;
  return event;
}

function checkChannels(db: Db, spec: RuleSpec): void {
  const known = new Set(listAlertChannels(db).map((c) => c.id));
  const missing = spec.channel_ids.find((id) => !known.has(id));
  if (missing !== undefined) throw new ValidationError(`channel_ids: no channel ${missing}`, 'channel_ids', { value: missing });
}

export function createRule(db: Db, actor: string, input: unknown): RuleView {
  const spec = parseRuleSpec(input);
  checkChannels(db, spec);
  const row = insertAlertRule(db, { name: spec.name, enabled: spec.enabled, spec: JSON.stringify(spec), created_by: actor });
  recordAudit(db, { actor, action: 'alert_rule.create', target: `alert_rule:${row.id}`, details: { name: spec.name } });
  return ruleView(row);
}

export function updateRule(db: Db, actor: string, id: number, input: unknown): RuleView {
  if (!getAlertRule(db, id)) throw new NotFoundError('No such alert rule.', { id });
  const spec = parseRuleSpec(input);
  checkChannels(db, spec);
  const row = updateAlertRule(db, id, { name: spec.name, enabled: spec.enabled, spec: JSON.stringify(spec) })!;
  recordAudit(db, { actor, action: 'alert_rule.update', target: `alert_rule:${id}`, details: { name: spec.name } });
  return ruleView(row);
}

export function deleteRule(db: Db, actor: string, id: number): void {
  const row = getAlertRule(db, id);
  if (!row) throw new NotFoundError('No such alert rule.', { id });
  deleteAlertRule(db, id);
  recordAudit(db, { actor, action: 'alert_rule.delete', target: `alert_rule:${id}`, details: { name: row.name } });
}

const MASK = '********';

/** A channel as admins see it: the webhook secret shown, SMTP password never. */
export function channelView(row: AlertChannelRow): AlertChannel {
  const config = JSON.parse(row.config) as Record<string, unknown>;
  if ('pass' in config) config.pass = MASK;
  return { id: row.id, name: row.name, type: row.type, config, allow_private: row.allow_private, enabled: row.enabled, disabled_reason: row.disabled_reason, created_ms: row.created_ms };
}

/**
 * Validates everything before storing anything: the config's shape, the destination (scheme, and what the host
 * resolves to: SSRF), and for email a connection to the SMTP server. A refusal is a 400 in our envelope.
 */
/** The wire schema's first complaint, as a 400 naming the field. */
function parseOrThrow<T>(res: { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } }): T {
  if (res.success) return res.data;
  const issue = res.error.issues[0];
  const field = issue.path.map(String).join('.') || 'body';
  throw new ValidationError(`${field}: ${issue.message}`, field);
}

/** The destination (scheme, and what the host resolves to: SSRF) or, for email, a connection to the SMTP server. */
async function checkChannel(c: ChannelInput): Promise<void> {
  if (c.type === 'webhook' || c.type === 'slack') {
    try {
      await checkDestination(c.config.url, c.allow_private);
    } catch (err) {
      if (err instanceof DestinationError) throw new ValidationError(`config.url: ${err.message}`, 'config.url', { reason: err.reason });
      throw err;
    }
  } else {
    try {
      await verifySmtp(c.config);
    } catch (err) {
      throw new ApiError('invalid_parameter', `config: the SMTP server refused: ${err instanceof Error ? err.message : String(err)}`, { field: 'config.host' });
    }
  }
}

/**
 * Validates everything before storing anything: the config's shape, the destination (scheme, and what the host
 * resolves to: SSRF), and for email a connection to the SMTP server. A refusal is a 400 in our envelope.
 */
export async function createChannel(db: Db, actor: string, input: unknown) {
  const c = parseOrThrow(channelInputSchema.safeParse(input));
  await checkChannel(c);
  const config = c.type === 'webhook' ? { ...c.config, secret: c.config.secret ?? newWebhookSecret() } : c.config;
  const row = insertAlertChannel(db, { name: c.name, type: c.type, config: JSON.stringify(config), allow_private: c.allow_private });
  recordAudit(db, { actor, action: 'alert_channel.create', target: `alert_channel:${row.id}`, details: { name: c.name, type: c.type, allow_private: c.allow_private } });
  return channelView(row);
}

/**
 * Changes a channel's name, settings, private-address permission or on/off switch; the type stays. Settings left out
 * keep their stored value, and so do a webhook secret left out and an SMTP password sent back masked. The result is
 * checked like a new channel (SSRF, SMTP) before anything is stored; switching on clears why it was switched off.
 */
export async function updateChannel(db: Db, actor: string, id: number, input: unknown) {
  const row = getAlertChannel(db, id);
  if (!row) throw new NotFoundError('No such channel.', { id });
  const patch = parseOrThrow(channelPatchSchema.safeParse(input));
  const stored = JSON.parse(row.config) as Record<string, unknown>;
  let config = stored;
  if (patch.config) {
    const next = { ...patch.config } as Record<string, unknown>;
    if (row.type === 'webhook' && next.secret === undefined) next.secret = stored.secret;
    if (row.type === 'email' && (next.pass === undefined || next.pass === MASK)) next.pass = stored.pass;
    config = Object.fromEntries(Object.entries(next).filter(([, v]) => v !== undefined));
  }
  const merged = parseOrThrow(
    channelInputSchema.safeParse({ type: row.type, name: patch.name ?? row.name, config, allow_private: patch.allow_private ?? row.allow_private }),
  );
  const destinationChanged = patch.config !== undefined || (patch.allow_private !== undefined && patch.allow_private !== row.allow_private);
  if (destinationChanged) await checkChannel(merged);
  const enabled = patch.enabled ?? row.enabled;
  const after = updateAlertChannel(db, id, {
    name: merged.name,
    config: JSON.stringify(merged.config),
    allow_private: merged.allow_private,
    enabled,
    disabled_reason: enabled ? null : patch.enabled === false ? `switched off by ${actor}` : row.disabled_reason,
  })!;
  const changed = [patch.name !== undefined && 'name', patch.config !== undefined && 'config', patch.allow_private !== undefined && 'allow_private', patch.enabled !== undefined && 'enabled'].filter(Boolean);
  recordAudit(db, { actor, action: 'alert_channel.update', target: `alert_channel:${id}`, details: { name: merged.name, changed, enabled, allow_private: merged.allow_private } });
  return channelView(after);
}

/** What a test message says: made up, marked as a test, with links that lead to real pages. */
function testNotification(baseUrl: string, channelName: string, now: number): Notification {
  const iso = new Date(now).toISOString();
  return {
    type: 'alert.test',
    alert: {
      id: 0,
      url: `${baseUrl}/alerts`,
      rule_id: 0,
      rule_name: 'Test notification',
      severity: 'warning',
      state: 'firing',
      measure: 'error_count',
      kind: 'threshold',
      split: null,
      since: iso,
      since_ms: now,
      window_from: new Date(now - 5 * 60_000).toISOString(),
      window_to: iso,
      observed: 0,
      expected: 0,
      upper: 0,
      baseline: 'none',
    },
    summary: `A test message sent to the channel "${channelName}" from errata. Nothing is firing.`,
    top: { keys: [], codes: [], routes: [] },
    samples: [],
    catalog: [],
    dashboard_url: `${baseUrl}/`,
  };
}

/**
 * Sends a test message to a channel now (even one switched off, to check it before switching it back on) and logs
 * it in the delivery log like any delivery, without retries. Returns the delivery and what the receiver answered.
 */
export async function testChannel(db: Db, actor: string, id: number, baseUrl: string, now = Date.now()) {
  const channel = getAlertChannel(db, id);
  if (!channel) throw new NotFoundError('No such channel.', { id });
  const payload = JSON.stringify(testNotification(baseUrl, channel.name, now));
  const d = insertClaimedDelivery(db, { channel_id: id, message_id: `msg_${randomUUID().replace(/-/g, '')}`, payload }, now, 2 * 60_000);
  const r = await attemptDelivery(db, d, now, { retry: false, anyChannel: true });
  recordAudit(db, { actor, action: 'alert_channel.test', target: `alert_channel:${id}`, details: { name: channel.name, delivered: r.error === null, status: r.status } }, now);
  const answer: ChannelTest = { delivery_id: d.id, message_id: d.message_id, delivered: r.error === null, response_status: r.status, error: r.error };
  return answer;
}

export function deleteChannel(db: Db, actor: string, id: number): void {
  const row = getAlertChannel(db, id);
  if (!row) throw new NotFoundError('No such channel.', { id });
  deleteAlertChannel(db, id);
  recordAudit(db, { actor, action: 'alert_channel.delete', target: `alert_channel:${id}`, details: { name: row.name } });
}

export function acknowledgeAlert(db: Db, actor: string, id: number, now = Date.now()) {
  const ev = getAlertEvent(db, id);
  if (!ev) throw new NotFoundError('No such alert.', { id });
  const after = markAlertEvent(db, id, { acked_by: actor }, actor, now)!;
  recordAudit(db, { actor, action: 'alert.acknowledge', target: `alert:${id}` }, now);
  return eventView(after);
}

/** Silences one alert until a time (null lifts it): transitions are still stored, nothing is delivered before then. */
export function silenceAlert(db: Db, actor: string, id: number, untilMs: number | null, now = Date.now()) {
  const ev = getAlertEvent(db, id);
  if (!ev) throw new NotFoundError('No such alert.', { id });
  if (untilMs !== null && untilMs <= now) throw new ValidationError('until: must be in the future', 'until');
  const after = markAlertEvent(db, id, { silenced_until_ms: untilMs }, actor, now)!;
  recordAudit(db, { actor, action: 'alert.silence', target: `alert:${id}`, details: { until_ms: untilMs } }, now);
  return eventView(after);
}

/** A delivery as the API shows it: the payload as JSON, every attempt, and none of the sender's lease bookkeeping. */
export function deliveryView(db: Db, row: AlertDeliveryRow): AlertDelivery {
  const { lease_until_ms: _lease, payload, ...delivery } = row;
  const attempts_log = listDeliveryAttempts(db, row.id).map(({ at_ms, duration_ms, http_status, error }) => ({ at_ms, duration_ms, http_status, error }));
  return { ...delivery, payload: JSON.parse(payload) as unknown, attempts_log };
}

/** An admin replays a delivery: the same message (same webhook-id) is sent again now. */
export function replayDelivery(db: Db, actor: string, id: number, now = Date.now()): AlertDelivery {
  if (!getDelivery(db, id)) throw new NotFoundError('No such delivery.', { id });
  const row = requeueDelivery(db, id, now)!;
  recordAudit(db, { actor, action: 'alert_delivery.replay', target: `alert_delivery:${id}` }, now);
  return deliveryView(db, row);
}
