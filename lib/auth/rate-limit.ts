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

/** The client address as the nearest proxy reports it ('local' when none does). */
export function clientAddress(req: Request): string {
  const fwd = req.headers.get('x-forwarded-for');
  if (fwd) return fwd.split(',')[0].trim().slice(0, 64);
  return (req.headers.get('x-real-ip') ?? 'local').slice(0, 64);
}
