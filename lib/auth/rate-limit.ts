// In-memory fixed-window counters for failed sign-ins per client address (the per-account lockout is in the DB).
export interface Limiter {
  /** Seconds until the key may try again, or 0 when it may try now. */
  retryAfter(key: string, now?: number): number;
  fail(key: string, now?: number): void;
  reset(key: string): void;
}

export function createLimiter(max: number, windowMs: number, maxKeys = 10_000): Limiter {
  const hits = new Map<string, { count: number; start: number }>();
  return {
    retryAfter(key, now = Date.now()) {
      const h = hits.get(key);
      if (!h || now - h.start >= windowMs || h.count < max) return 0;
      return Math.ceil((h.start + windowMs - now) / 1000);
    },
    fail(key, now = Date.now()) {
      const h = hits.get(key);
      if (!h || now - h.start >= windowMs) {
        if (hits.size >= maxKeys) hits.delete(hits.keys().next().value as string);
        hits.set(key, { count: 1, start: now });
      } else h.count++;
    },
    reset(key) {
      hits.delete(key);
    },
  };
}

/**
 * How many reverse proxies in front of errata append to X-Forwarded-For (ERRATA_TRUST_PROXY; 0 when unset).
 * With none, X-Forwarded-For is whatever the client sent: `next start` fills it from the socket only when absent.
 */
export function trustedProxyHops(env: Record<string, string | undefined> = process.env): number {
  const n = Number(env.ERRATA_TRUST_PROXY ?? '0');
  return Number.isInteger(n) && n > 0 ? Math.min(n, 16) : 0;
}

/**
 * The client address for per-address limits ('local' when no header says). With `hops` trusted proxies, the
 * entry the outermost of them appended (the hops-th from the right), which the client cannot choose; with none,
 * the leftmost entry: the socket address for an honest client, anything at all for one that forges the header
 * (sign-in then also has a global ceiling, see lib/auth/login.ts).
 */
export function clientAddress(req: Request, hops = trustedProxyHops()): string {
  const fwd = req.headers.get('x-forwarded-for');
  if (fwd) {
    const entries = fwd.split(',').map((e) => e.trim()).filter(Boolean);
    const pick = hops > 0 ? entries[Math.max(0, entries.length - hops)] : entries[0];
    if (pick) return pick.slice(0, 64);
  }
  return (req.headers.get('x-real-ip') ?? 'local').slice(0, 64);
}
