// The verbs that change alert settings, used by the API, pages and CLI alike; each writes the audit log.
// Exports: createRule, updateRule, deleteRule, createChannel, deleteChannel, acknowledgeAlert, silenceAlert,
// replayDelivery, ruleView, channelView.
import type { Db } from '@/db/client';
import {
  deleteAlertChannel,
  deleteAlertRule,
  getAlertChannel,
  getAlertEvent,
  getAlertRule,
  getDelivery,
  insertAlertChannel,
  insertAlertRule,
  listAlertChannels,
  markAlertEvent,
  requeueDelivery,
  updateAlertRule,
  type AlertChannelRow,
  type AlertRuleRow,
} from '@/db/queries/alerts';
import { recordAudit } from '@/db/queries/audit';
import { ApiError, NotFoundError, ValidationError } from '@/lib/api-error';
import { channelInputSchema } from '@/lib/alert-channels';
import { newWebhookSecret, verifySmtp } from './delivery/channels';
import { checkDestination, DestinationError } from './delivery/ssrf';
import { parseRuleSpec, type RuleSpec } from '@/lib/alert-rules';

export interface RuleView extends RuleSpec {
  id: number;
  default_key: string | null;
  silenced_until_ms: number | null;
  created_ms: number;
  updated_ms: number;
}

export function ruleView(row: AlertRuleRow): RuleView {
  return { ...(JSON.parse(row.spec) as RuleSpec), id: row.id, name: row.name, enabled: row.enabled, default_key: row.default_key, silenced_until_ms: row.silenced_until_ms, created_ms: row.created_ms, updated_ms: row.updated_ms };
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

/** A channel as admins see it: the webhook secret shown, SMTP password never. */
export function channelView(row: AlertChannelRow) {
  const config = JSON.parse(row.config) as Record<string, unknown>;
  if ('pass' in config) config.pass = '********';
  return { id: row.id, name: row.name, type: row.type, config, allow_private: row.allow_private, enabled: row.enabled, disabled_reason: row.disabled_reason, created_ms: row.created_ms };
}

/**
 * Validates everything before storing anything: the config's shape, the destination (scheme, and what the host
 * resolves to: SSRF), and for email a connection to the SMTP server. A refusal is a 400 in our envelope.
 */
export async function createChannel(db: Db, actor: string, input: unknown) {
  const res = channelInputSchema.safeParse(input);
  if (!res.success) {
    const issue = res.error.issues[0];
    const field = issue.path.map(String).join('.') || 'body';
    throw new ValidationError(`${field}: ${issue.message}`, field);
  }
  const c = res.data;
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
  const config = c.type === 'webhook' ? { ...c.config, secret: c.config.secret ?? newWebhookSecret() } : c.config;
  const row = insertAlertChannel(db, { name: c.name, type: c.type, config: JSON.stringify(config), allow_private: c.allow_private });
  recordAudit(db, { actor, action: 'alert_channel.create', target: `alert_channel:${row.id}`, details: { name: c.name, type: c.type, allow_private: c.allow_private } });
  return channelView(row);
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
  return after;
}

/** Silences one alert until a time (null lifts it): transitions are still stored, nothing is delivered before then. */
export function silenceAlert(db: Db, actor: string, id: number, untilMs: number | null, now = Date.now()) {
  const ev = getAlertEvent(db, id);
  if (!ev) throw new NotFoundError('No such alert.', { id });
  if (untilMs !== null && untilMs <= now) throw new ValidationError('until: must be in the future', 'until');
  const after = markAlertEvent(db, id, { silenced_until_ms: untilMs }, actor, now)!;
  recordAudit(db, { actor, action: 'alert.silence', target: `alert:${id}`, details: { until_ms: untilMs } }, now);
  return after;
}

/** An admin replays a delivery: the same message (same webhook-id) is sent again now. */
export function replayDelivery(db: Db, actor: string, id: number, now = Date.now()) {
  if (!getDelivery(db, id)) throw new NotFoundError('No such delivery.', { id });
  const row = requeueDelivery(db, id, now)!;
  recordAudit(db, { actor, action: 'alert_delivery.replay', target: `alert_delivery:${id}` }, now);
  return row;
}
