// Sends the outbox: claims due deliveries (with a lease, so a sender killed mid-send leaves them to be retried),
// sends each, logs the attempt, and schedules the next with the Standard Webhooks backoff (about a day in all).
// A 410 Gone switches the channel off. Slack channels get at most one message per second.
import type { Db } from '@/db/client';
import { claimDueDeliveries, disableChannelGone, getAlertChannel, recordDeliveryAttempt, type AlertDeliveryRow } from '@/db/queries/alerts';
import { parseChannelConfig, sendTo } from './channels';
import type { PostResult } from './http';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
/** Wait before attempt n+1 after attempt n failed: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (≈ 27.6 h in all). */
export const RETRY_SCHEDULE_MS = [5 * S, 5 * M, 30 * M, 2 * H, 5 * H, 10 * H, 10 * H];
const SLACK_GAP_MS = 1000;

export class DeliveryWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private slackLast = new Map<number, number>();
  private readonly now: () => number;
  private readonly leaseMs: number;

  constructor(private readonly opts: { db: Db; now?: () => number; leaseMs?: number }) {
    this.now = opts.now ?? Date.now;
    this.leaseMs = opts.leaseMs ?? 2 * M;
  }

  /** Sends what is due; returns how many attempts were made. */
  tick(): Promise<number> {
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  start(intervalMs = 2000): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.tick().catch((err) => console.error('errata: alert delivery failed', err));
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async run(): Promise<number> {
    const due = claimDueDeliveries(this.opts.db, this.now(), this.leaseMs);
    for (const d of due) await this.send(d);
    return due.length;
  }

  private async send(d: AlertDeliveryRow): Promise<void> {
    const { db } = this.opts;
    const channel = getAlertChannel(db, d.channel_id);
    if (channel?.type === 'slack' && channel.enabled) {
      const wait = (this.slackLast.get(channel.id) ?? 0) + SLACK_GAP_MS - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      this.slackLast.set(channel.id, Date.now());
    }
    await attemptDelivery(db, d, this.now());
  }
}

/**
 * One attempt of a claimed delivery, logged: delivered, failed (410 switches the channel off; the schedule ran out;
 * `retry: false`, as for a test message) or pending with the next attempt scheduled. `anyChannel` sends to a channel
 * that is switched off (a test before switching it back on).
 */
export async function attemptDelivery(db: Db, d: AlertDeliveryRow, started: number, opts: { retry?: boolean; anyChannel?: boolean } = {}): Promise<PostResult> {
  const channel = getAlertChannel(db, d.channel_id);
  if (!channel || (!channel.enabled && !opts.anyChannel)) {
    const error = channel ? 'channel disabled' : 'channel deleted';
    recordDeliveryAttempt(db, d.id, { at_ms: started, duration_ms: 0, http_status: null, error }, { status: 'failed' });
    return { status: null, error, retry_after_ms: null };
  }
  const ch = parseChannelConfig(channel.type, channel.config);
  const t0 = performance.now();
  const r = await sendTo(ch, channel.allow_private, d.message_id, d.payload, started);
  const attempt = { at_ms: started, duration_ms: Math.round(performance.now() - t0), http_status: r.status, error: r.error };
  if (r.error === null) {
    recordDeliveryAttempt(db, d.id, attempt, { status: 'delivered' });
    return r;
  }
  if (r.status === 410) {
    recordDeliveryAttempt(db, d.id, attempt, { status: 'failed' });
    disableChannelGone(db, channel.id, `receiver answered 410 Gone at ${new Date(started).toISOString()}`);
    return r;
  }
  const gap = opts.retry === false ? undefined : RETRY_SCHEDULE_MS[d.attempts - 1];
  if (gap === undefined) {
    const error = opts.retry === false ? r.error : `${r.error}; gave up after ${d.attempts} attempts`;
    recordDeliveryAttempt(db, d.id, { ...attempt, error }, { status: 'failed' });
    return { ...r, error };
  }
  recordDeliveryAttempt(db, d.id, attempt, { status: 'pending', next_attempt_ms: started + Math.max(gap, r.retry_after_ms ?? 0) });
  return r;
}
