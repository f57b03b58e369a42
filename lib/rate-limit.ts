// Sign-in throttling: failure counters with progressive delays (per account, per client address, per known device),
// and the client address itself. No counter ever stops everyone: see docs/security.md. In the product the counters
// live in the metadata database, so a restart does not hand a guesser a fresh set of tries and an admin's password
// reset (from the CLI too) clears the account's wait.

export interface ThrottleRule {
  /** Failures allowed before any wait. */
  free: number;
  /** The wait after the first failure past `free`; each further failure doubles it... */
  baseMs: number;
  /** ...up to this. */
  capMs: number;
  /** A key idle this long starts over. */
  forgetMs: number;
}

export interface Throttle {
  /** Seconds until `key` may try again (0: now). */
  retryAfter(key: string, now?: number): number;
  /** Counts a failure; returns the seconds the key must now wait (0 while still within `free`). */
  fail(key: string, now?: number): number;
  reset(key: string): void;
  /** Consecutive failures counted for `key` (0 when none or forgotten). */
  failures(key: string, now?: number): number;
}

export interface ThrottleEntry {
  failures: number;
  last: number;
}

/** Where a throttle keeps its counters. */
export interface ThrottleStore {
  get(key: string): ThrottleEntry | undefined;
  set(key: string, entry: ThrottleEntry): void;
  remove(key: string): void;
  /** Drops every entry last failed before `before`. */
  forget(before: number): void;
}

/** Counters in this process's memory, at most `maxKeys` of them (the oldest quiet key goes first). */
export function memoryThrottleStore(maxKeys = 100_000): ThrottleStore {
  const state = new Map<string, ThrottleEntry>();
  return {
    get: (key) => state.get(key),
    set(key, entry) {
      // Most recently failed last, so the oldest quiet key is the one to drop when full.
      state.delete(key);
      if (state.size >= maxKeys) state.delete(state.keys().next().value as string);
      state.set(key, { ...entry });
    },
    remove: (key) => void state.delete(key),
    forget(before) {
      for (const [k, e] of state) if (e.last < before) state.delete(k);
    },
  };
}

/** How many failures between sweeps of forgotten counters. */
const SWEEP_EVERY = 1_000;

export function createThrottle(rule: ThrottleRule, store: ThrottleStore = memoryThrottleStore()): Throttle {
  let sinceSweep = 0;
  const waitMs = (failures: number) => (failures < rule.free ? 0 : Math.min(rule.capMs, rule.baseMs * 2 ** Math.min(failures - rule.free, 30)));
  const live = (key: string, now: number) => {
    const s = store.get(key);
    return s && now - s.last < rule.forgetMs ? s : undefined;
  };
  const retryAfter = (key: string, now = Date.now()) => {
    const s = live(key, now);
    if (!s) return 0;
    const left = s.last + waitMs(s.failures) - now;
    return left > 0 ? Math.ceil(left / 1000) : 0;
  };
  return {
    retryAfter,
    fail(key, now = Date.now()) {
      if (++sinceSweep >= SWEEP_EVERY) {
        sinceSweep = 0;
        store.forget(now - rule.forgetMs);
      }
      store.set(key, { failures: (live(key, now)?.failures ?? 0) + 1, last: now });
      return retryAfter(key, now);
    },
    reset: (key) => store.remove(key),
    failures: (key, now = Date.now()) => live(key, now)?.failures ?? 0,
  };
}

/**
 * How many reverse proxies in front of errata append to X-Forwarded-For (ERRATA_TRUST_PROXY; 0 when unset).
 * With none, X-Forwarded-For is whatever the client sent and is never read.
 */
export function trustedProxyHops(env: Record<string, string | undefined> = process.env): number {
  const n = Number(env.ERRATA_TRUST_PROXY ?? '0');
  return Number.isInteger(n) && n > 0 ? Math.min(n, 16) : 0;
}

/**
 * The socket's peer address, stamped on every request by scripts/start.mjs (which drops any copy the client sent).
 * `next start` on its own has no such hook: then every client counts as 'unknown'.
 */
export const PEER_HEADER = 'x-errata-peer';

/**
 * The client address for per-address limits. With `hops` trusted proxies, the X-Forwarded-For entry the outermost
 * of them appended (the hops-th from the right), which the client cannot choose; with none, the socket address.
 */
export function clientAddress(req: Request, hops = trustedProxyHops()): string {
  if (hops > 0) {
    const entries = (req.headers.get('x-forwarded-for') ?? '').split(',').map((e) => e.trim()).filter(Boolean);
    const pick = entries[Math.max(0, entries.length - hops)];
    if (pick) return pick.slice(0, 64);
  }
  return (req.headers.get(PEER_HEADER) ?? 'unknown').slice(0, 64);
}
