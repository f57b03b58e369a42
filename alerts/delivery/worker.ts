// Sends the outbox: claims due deliveries (with a lease, so a sender killed mid-send leaves them to be retried),
// sends each, logs the attempt, and schedules the next with the Standard Webhooks backoff (about a day in all).
// A 410 Gone switches the channel off. Slack channels get at most one message per second.
// Exports: DeliveryWorker, RETRY_SCHEDULE_MS.
import type { Db } from '@/db/client';
import { claimDueDeliveries, disableChannelGone, getAlertChannel, recordDeliveryAttempt, type AlertDeliveryRow } from '@/db/queries/alerts';
import { parseChannelConfig, sendTo } from './channels';

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
    const started = this.now();
    if (!channel || !channel.enabled) {
      recordDeliveryAttempt(db, d.id, { at_ms: started, duration_ms: 0, http_status: null, error: 'channel disabled' }, { status: 'failed' });
      return;
    }
    const ch = parseChannelConfig(channel.type, channel.config);
    if (ch.type === 'slack') {
      const wait = (this.slackLast.get(channel.id) ?? 0) + SLACK_GAP_MS - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      this.slackLast.set(channel.id, Date.now());
    }
    const t0 = performance.now();
    const r = await sendTo(ch, channel.allow_private, d.message_id, d.payload, started);
    const attempt = { at_ms: started, duration_ms: Math.round(performance.now() - t0), http_status: r.status, error: r.error };
    if (r.error === null) return recordDeliveryAttempt(db, d.id, attempt, { status: 'delivered' });
    if (r.status === 410) {
      recordDeliveryAttempt(db, d.id, attempt, { status: 'failed' });
      disableChannelGone(db, channel.id, `receiver answered 410 Gone at ${new Date(started).toISOString()}`);
      return;
    }
    const gap = RETRY_SCHEDULE_MS[d.attempts - 1];
    if (gap === undefined) return recordDeliveryAttempt(db, d.id, { ...attempt, error: `${r.error}; gave up after ${d.attempts} attempts` }, { status: 'failed' });
    recordDeliveryAttempt(db, d.id, attempt, { status: 'pending', next_attempt_ms: started + Math.max(gap, r.retry_after_ms ?? 0) });
  }
}
