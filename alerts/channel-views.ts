// What the channel and delivery-log pages show. Admins see a channel's settings (SMTP password masked); everyone else
// sees only its kind and host, since a webhook or Slack URL is itself a secret.
import type { Db } from '@/db/client';
import { getAlertChannel, getAlertEvent, getAlertRule, listAlertChannels, listDeliveries, listDeliveryAttempts, type AlertDeliveryAttemptRow } from '@/db/queries/alerts';
import { channelView } from './verbs';

export interface ChannelListItem {
  id: number;
  name: string;
  type: string;
  /** Where it sends, without secrets: a URL's host, or the SMTP host and recipient count. */
  destination: string;
  /** The full settings (admins only). */
  config: Record<string, unknown> | null;
  allow_private: boolean;
  enabled: boolean;
  disabled_reason: string | null;
  created_ms: number;
  last: { status: string; at_ms: number; error: string | null } | null;
}

function destinationOf(type: string, config: Record<string, unknown>): string {
  if (type === 'email') {
    const to = Array.isArray(config.to) ? config.to.length : 0;
    return `${String(config.host)}:${String(config.port ?? 587)} → ${to} recipient${to === 1 ? '' : 's'}`;
  }
  try {
    const u = new URL(String(config.url));
    return `${u.protocol}//${u.host}`;
  } catch {
    return '—';
  }
}

export function channelList(db: Db, admin: boolean): ChannelListItem[] {
  return listAlertChannels(db).map((row) => {
    const v = channelView(row);
    const last = listDeliveries(db, { channel_id: row.id, limit: 1 })[0];
    return {
      id: v.id,
      name: v.name,
      type: v.type,
      destination: destinationOf(v.type, v.config),
      config: admin ? v.config : null,
      allow_private: v.allow_private,
      enabled: v.enabled,
      disabled_reason: v.disabled_reason,
      created_ms: v.created_ms,
      last: last ? { status: last.status, at_ms: last.delivered_ms ?? last.created_ms, error: last.last_error } : null,
    };
  });
}

export interface DeliveryLogItem {
  id: number;
  message_id: string;
  channel: { id: number; name: string; type: string } | null;
  /** The alert it tells about; null for a channel's test message. */
  alert: { id: number; rule_name: string; group_value: string } | null;
  kind: 'alert.firing' | 'alert.resolved' | 'alert.test' | string;
  status: string;
  attempts: AlertDeliveryAttemptRow[];
  created_ms: number;
  delivered_ms: number | null;
  /** When the next attempt is due (pending only). */
  next_attempt_ms: number | null;
  last_error: string | null;
}

/** The newest deliveries (of one channel or one alert when asked), each with every attempt. */
export function deliveryLog(db: Db, f: { channel_id?: number; event_id?: number; limit?: number } = {}): DeliveryLogItem[] {
  const channels = new Map<number, DeliveryLogItem['channel']>();
  const alerts = new Map<number, DeliveryLogItem['alert']>();
  return listDeliveries(db, { ...f, limit: f.limit ?? 100 }).map((d) => {
    if (!channels.has(d.channel_id)) {
      const c = getAlertChannel(db, d.channel_id);
      channels.set(d.channel_id, c ? { id: c.id, name: c.name, type: c.type } : null);
    }
    if (d.event_id !== null && !alerts.has(d.event_id)) {
      const e = getAlertEvent(db, d.event_id);
      const r = e ? getAlertRule(db, e.rule_id) : undefined;
      alerts.set(d.event_id, e ? { id: e.id, rule_name: r?.name ?? `rule ${e.rule_id}`, group_value: e.group_value } : null);
    }
    let kind = 'alert.firing';
    try {
      kind = (JSON.parse(d.payload) as { type?: string }).type ?? kind;
    } catch {
      /* an unreadable payload is still listed */
    }
    return {
      id: d.id,
      message_id: d.message_id,
      channel: channels.get(d.channel_id) ?? null,
      alert: d.event_id === null ? null : (alerts.get(d.event_id) ?? null),
      kind,
      status: d.status,
      attempts: listDeliveryAttempts(db, d.id),
      created_ms: d.created_ms,
      delivered_ms: d.delivered_ms,
      next_attempt_ms: d.status === 'pending' ? Math.max(d.next_attempt_ms, d.lease_until_ms) : null,
      last_error: d.last_error,
    };
  });
}
