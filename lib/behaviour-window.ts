// A behaviour fact computed from scratch over the stored rows of its window, with the rules of behaviour-rules.ts:
// the ClickHouse store recomputes the facts a batch may have changed this way (db/clickhouse/behaviour.ts), and the
// SQLite store computes a new limit's facts with the same function. Pure (lib/ imports only lib/).
import {
  ABANDON_MS,
  classifyRetry,
  compareEvents,
  FUTILE_WINDOW_MS,
  isStorm,
  retryAfterMs,
  STORM_WINDOW_MS,
  type EventOrder,
  type RetryClass,
} from './behaviour-rules';

/** A stored row of a key as the window computations see it (`route` '' when it has none). */
export interface WindowRow extends EventOrder {
  route: string;
}

/** Index of the first event ordered after `e` (events sorted by compareEvents). */
export function firstAfter(events: readonly EventOrder[], e: EventOrder): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareEvents(events[mid], e) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first event with ts_ms > t (or >= t when `inclusive`), events sorted by time. */
export function firstTs(events: readonly EventOrder[], t: number, inclusive: boolean): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (inclusive ? events[mid].ts_ms < t : events[mid].ts_ms <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The wait a stored response asked for (its `details` JSON text), as retryAfterMs decides it; null for any other. */
export function storedRetryAfterMs(status: number, details: string | null): number | null {
  if (details === null || !(status === 429 || (status >= 500 && status <= 599)) || !details.includes('retry_after')) return null;
  return retryAfterMs(status, JSON.parse(details) as Record<string, unknown>);
}

export interface LimitWindowFacts<R extends EventOrder> {
  next_any: R | null;
  class_any: RetryClass;
  next_route: R | null;
  class_route: RetryClass;
  before_n: number;
  after_n: number;
  storm: boolean;
}

/**
 * A limit's facts from `rows`: every stored row of its key from STORM_WINDOW_MS before it to ABANDON_MS after it, the
 * limit itself included, sorted by compareEvents; `sameRoute` the ones of them on the limit's route.
 */
export function limitFacts<R extends EventOrder>(
  l: EventOrder & { retry_after_ms: number },
  rows: readonly R[],
  sameRoute: readonly R[],
): LimitWindowFacts<R> {
  const after = firstAfter(rows, l);
  const candidate = rows[after];
  const next_any = candidate && candidate.ts_ms - l.ts_ms <= ABANDON_MS ? candidate : null;
  const routeCandidate = sameRoute[firstAfter(sameRoute, l)];
  const next_route = routeCandidate && routeCandidate.ts_ms - l.ts_ms <= ABANDON_MS ? routeCandidate : null;
  const after_n = Math.max(0, firstTs(rows, l.ts_ms + STORM_WINDOW_MS, false) - after);
  // Rows ordered before the limit itself (which is among the rows, at after - 1) from STORM_WINDOW_MS before it.
  const before_n = Math.max(0, after - 1 - firstTs(rows, l.ts_ms - STORM_WINDOW_MS, true));
  return {
    next_any,
    class_any: classifyRetry(l.retry_after_ms, next_any ? next_any.ts_ms - l.ts_ms : null),
    next_route,
    class_route: classifyRetry(l.retry_after_ms, next_route ? next_route.ts_ms - l.ts_ms : null),
    before_n,
    after_n,
    storm: isStorm(before_n, after_n),
  };
}

/**
 * Whether the futile-code response at `i` of `sameCode` (one key's responses with that code, sorted by compareEvents,
 * complete from FUTILE_WINDOW_MS before it) repeats one: the key got the same code within the window before it.
 */
export function isFutileRepeat(sameCode: readonly EventOrder[], i: number): boolean {
  return i > 0 && sameCode[i].ts_ms - sameCode[i - 1].ts_ms <= FUTILE_WINDOW_MS;
}

/** Closed intervals [lo, hi] merged where they overlap or touch, sorted. */
export function mergeIntervals(intervals: readonly (readonly [number, number])[]): [number, number][] {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

/** Whether `t` lies in one of the sorted, merged intervals. */
export function inIntervals(intervals: readonly (readonly [number, number])[], t: number): boolean {
  let lo = 0;
  let hi = intervals.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (intervals[mid][1] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo < intervals.length && intervals[lo][0] <= t;
}
