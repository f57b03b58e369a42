// Channel settings (admin only) and how each kind renders and sends a notification.
// Webhooks are signed the Standard Webhooks way; Slack gets blocks; email goes through SMTP with nodemailer.
import { createHmac, randomBytes } from 'node:crypto';
import nodemailer from 'nodemailer';
import { emailConfigSchema, slackConfigSchema, webhookConfigSchema, type ChannelConfig, type EmailConfig, type WebhookConfig } from '@/lib/alert-channels';
import { postJson, type PostResult } from './http';
import type { Notification } from './notification';

export function parseChannelConfig(type: string, json: string): ChannelConfig {
  const raw = JSON.parse(json) as unknown;
  if (type === 'webhook') return { type, config: webhookConfigSchema.parse(raw) as WebhookConfig };
  if (type === 'slack') return { type, config: slackConfigSchema.parse(raw) };
  return { type: 'email', config: emailConfigSchema.parse(raw) };
}

/** A Standard Webhooks secret: whsec_ + base64 of 24 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed with the secret's base64-decoded bytes. */
export function signWebhook(secret: string, id: string, timestampS: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestampS}.${body}`).digest('base64')}`;
}

/** The headline's first word: a test message says so. */
function headline(n: Notification): string {
  return n.type === 'alert.test' ? 'Test' : n.alert.state === 'firing' ? 'Firing' : 'Resolved';
}

function line(rows: { value: string; errors: number; requests: number }[]): string {
  return rows.length ? rows.map((r) => `${r.value} (${r.errors} errors / ${r.requests})`).join(', ') : '—';
}

/** Slack incoming-webhook message: a fallback `text` and Block Kit blocks (header, sections, context, actions). */
export function slackPayload(n: Notification) {
  const a = n.alert;
  const icon = a.state === 'firing' ? (a.severity === 'page' ? ':rotating_light:' : ':warning:') : ':white_check_mark:';
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: `${headline(n)}: ${a.rule_name}`.slice(0, 150), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: `${icon} ${n.summary}`.slice(0, 3000) } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Observed*\n${a.observed}` },
        { type: 'mrkdwn', text: `*Expected*\n${Math.round(a.expected * 10) / 10} (band to ${a.upper})` },
        { type: 'mrkdwn', text: `*Since*\n${a.since}` },
        { type: 'mrkdwn', text: `*Severity*\n${a.severity}` },
      ],
    },
    { type: 'section', text: { type: 'mrkdwn', text: `*Top keys:* ${line(n.top.keys)}\n*Top codes:* ${line(n.top.codes)}\n*Top routes:* ${line(n.top.routes)}`.slice(0, 3000) } },
  ];
  for (const c of n.catalog.slice(0, 3)) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*${c.code}* — ${c.cause}\n_Fix:_ ${c.fix}`.slice(0, 3000) } });
  if (n.samples.length) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `Samples: ${n.samples.map((s) => `<${s.url}|${s.request_id}>`).join(' ')}`.slice(0, 3000) }] });
  blocks.push({
    type: 'actions',
    elements: [
      { type: 'button', text: { type: 'plain_text', text: 'Open the alert' }, url: a.url },
      { type: 'button', text: { type: 'plain_text', text: 'Open the view' }, url: n.dashboard_url },
    ],
  });
  return { text: `${headline(n)}: ${n.summary}`, blocks };
}

export function emailMessage(n: Notification): { subject: string; text: string } {
  const a = n.alert;
  const text = [
    n.summary,
    '',
    `Observed: ${a.observed}    Expected: ${Math.round(a.expected * 10) / 10} (band to ${a.upper}, ${a.baseline} baseline)`,
    `Since: ${a.since}    Window: ${a.window_from} – ${a.window_to}`,
    '',
    `Top keys: ${line(n.top.keys)}`,
    `Top codes: ${line(n.top.codes)}`,
    `Top routes: ${line(n.top.routes)}`,
    '',
    ...n.catalog.flatMap((c) => [`${c.code}: ${c.cause}`, `  Fix: ${c.fix}`]),
    '',
    'Sample requests:',
    ...n.samples.map((s) => `  ${s.request_id}  ${s.url}`),
    '',
    `The alert: ${a.url}`,
    `The view: ${n.dashboard_url}`,
  ].join('\n');
  return { subject: `[errata ${a.severity}] ${headline(n)}: ${a.rule_name}${a.split ? ` (${a.split.by} ${a.split.value})` : ''}`, text };
}

function transport(c: EmailConfig) {
  return nodemailer.createTransport({
    host: c.host,
    port: c.port,
    secure: c.secure,
    auth: c.user ? { user: c.user, pass: c.pass ?? '' } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
    // A local test sink offers no certificate worth checking; anything else is verified.
    tls: { rejectUnauthorized: !['127.0.0.1', 'localhost', '::1'].includes(c.host) },
  });
}

/** Connects and authenticates (no mail sent): a server that refuses is reported at save. */
export async function verifySmtp(c: EmailConfig): Promise<void> {
  const t = transport(c);
  try {
    await t.verify();
  } finally {
    t.close();
  }
}

/** Sends one notification (same `id` on every attempt: the webhook-id, and the email's Message-ID). */
export async function sendTo(ch: ChannelConfig, allowPrivate: boolean, id: string, payload: string, nowMs: number): Promise<PostResult> {
  if (ch.type === 'webhook') {
    const ts = Math.floor(nowMs / 1000);
    return postJson(ch.config.url, payload, { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signWebhook(ch.config.secret, id, ts, payload) }, { allowPrivate });
  }
  const n = JSON.parse(payload) as Notification;
  if (ch.type === 'slack') return postJson(ch.config.url, JSON.stringify(slackPayload(n)), {}, { allowPrivate });
  const t = transport(ch.config);
  try {
    const m = emailMessage(n);
    await t.sendMail({ from: ch.config.from, to: ch.config.to, subject: m.subject, text: m.text, messageId: `<${id}@errata>` });
    return { status: 250, error: null, retry_after_ms: null };
  } catch (err) {
    const code = (err as { responseCode?: number }).responseCode ?? null;
    return { status: code, error: err instanceof Error ? err.message : String(err), retry_after_ms: null };
  } finally {
    t.close();
  }
}
