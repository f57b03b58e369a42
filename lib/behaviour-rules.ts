// How a client should behave after an error, as rules: one home for the retry classes and their thresholds, used by
// the store when it classifies at ingest, by behaviour/ when it reads, and by the pages. Pure (lib/ imports only lib/).
import { isFutileRetryCode } from './catalog';
import { DAY_MS } from './time-buckets';

/** What a key did after being told to wait (`retry_after`): its next request, same route or any route. */
export const RETRY_CLASSES = ['honoured', 'early', 'immediate', 'abandoned'] as const;
export type RetryClass = (typeof RETRY_CLASSES)[number];
/** At read time a limit with no successor yet, less than ABANDON_MS old, is `pending` rather than abandoned. */
export const RETRY_CLASS_VALUES = [...RETRY_CLASSES, 'pending'] as const;
export type RetryClassValue = (typeof RETRY_CLASS_VALUES)[number];

export const RETRY_CLASS_LABELS: Record<RetryClassValue, string> = {
  honoured: 'Honoured Retry-After',
  early: 'Retried early',
  immediate: 'Retried immediately',
  abandoned: 'Gave up',
  pending: 'No next request yet',
};

/** A key's verdict for a day or a range (behaviour/verdict.ts decides it from the counts). */
export const VERDICTS = ['ignores_retry_after', 'retry_storm', 'futile_retries', 'reuses_idempotency_keys', 'well_behaved'] as const;
export type Verdict = (typeof VERDICTS)[number];

export const VERDICT_LABELS: Record<Verdict, string> = {
  ignores_retry_after: 'Ignores Retry-After',
  retry_storm: 'Retry storm',
  futile_retries: 'Retries what cannot succeed',
  reuses_idempotency_keys: 'Reuses idempotency keys across bodies',
  well_behaved: 'Behaves',
};

/** What each request of an idempotency key's chain was (behaviour/chain.ts). */
export const CHAIN_ROLES = ['created', 'failed', 'replayed', 'in_progress', 'mismatch', 'different_body', 'retried'] as const;
export type ChainRole = (typeof CHAIN_ROLES)[number];

/** Nothing from the key within this long after the limit: it gave up. */
export const ABANDON_MS = 3_600_000;
/** A next request sooner than this is an immediate retry. */
export const IMMEDIATE_MS = 1_000;
/** Waiting retry_after minus this still counts as honoured (clocks and rounding). */
export const HONOUR_SLACK_MS = 1_000;
/** Storm: the key's requests in this window after a limit against the same window before it. */
export const STORM_WINDOW_MS = 60_000;
export const STORM_MIN_AFTER = 10;
export const STORM_FACTOR = 2;
/** A code that cannot succeed on retry, repeated by the same key within this window, is a futile retry. */
export const FUTILE_WINDOW_MS = 5 * 60_000;
/** Futile retries in one UTC day that make a key's verdict "retries what cannot succeed". */
export const FUTILE_VERDICT_MIN = 5;
/** "Wait briefly" (idempotency_key_in_progress): a retry of the same key sooner than this is too fast. */
export const IN_PROGRESS_MIN_WAIT_MS = 1_000;
/** retry_after values above a day are treated as a day (a misread unit must not hide every retry). */
export const MAX_RETRY_AFTER_MS = 86_400_000;

/** Behaviour is counted per UTC day: a range is widened to whole days. */
export function dayRange(from: number, to: number): { from: number; to: number } {
  return { from: Math.floor(from / DAY_MS) * DAY_MS, to: Math.ceil(to / DAY_MS) * DAY_MS };
}

/** The total order of one key's events: time, then request id, then code (SQLite's BINARY order for ASCII). */
export interface EventOrder {
  ts_ms: number;
  request_id: string;
  code: string;
}

export function compareEvents(a: EventOrder, b: EventOrder): number {
  if (a.ts_ms !== b.ts_ms) return a.ts_ms < b.ts_ms ? -1 : 1;
  if (a.request_id !== b.request_id) return a.request_id < b.request_id ? -1 : 1;
  if (a.code !== b.code) return a.code < b.code ? -1 : 1;
  return 0;
}

/** The wait the platform asked for, in ms, when this response is a 429/503/5xx that carried `retry_after` (seconds). */
export function retryAfterMs(status: number, details: Record<string, unknown> | null): number | null {
  if (details === null || !(status === 429 || (status >= 500 && status <= 599))) return null;
  const v = details.retry_after;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n) || n < 0) return null;
  return Math.min(MAX_RETRY_AFTER_MS, Math.round(n * 1000));
}

/** An HTTP-date (IMF-fixdate, RFC 850 or asctime): a day name, a date and a time in GMT. Bounded, linear. */
const HTTP_DATE = /^[A-Za-z]{3,9}, ?[0-9A-Za-z -]{6,14} \d{2}:\d{2}:\d{2} GMT$|^[A-Za-z]{3} [A-Za-z]{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;

/**
 * A `Retry-After` response header as seconds to wait from the response's time `ts_ms`: delay-seconds ("30"), or an
 * HTTP-date (a date in the past is 0). Null when it is neither.
 */
export function retryAfterHeaderSeconds(value: unknown, ts_ms: number): number | null {
  if (Array.isArray(value)) value = value[0];
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : null;
  if (typeof value !== 'string' || value.length > 64) return null;
  const v = value.trim();
  if (/^\d{1,9}$/.test(v)) return Number(v);
  if (!HTTP_DATE.test(v)) return null;
  const at = Date.parse(v.endsWith('GMT') ? v : `${v} GMT`);
  if (!Number.isFinite(at)) return null;
  return Math.max(0, Math.ceil((at - ts_ms) / 1000));
}

/** The class of a limit by the gap to the key's next request (null: none within ABANDON_MS). */
export function classifyRetry(retry_after_ms: number, gap_ms: number | null): RetryClass {
  if (gap_ms === null || gap_ms > ABANDON_MS) return 'abandoned';
  if (gap_ms >= retry_after_ms - HONOUR_SLACK_MS) return 'honoured';
  if (gap_ms < IMMEDIATE_MS) return 'immediate';
  return 'early';
}

/** A retry storm: the key's request count right after the limit jumped against right before it. */
export function isStorm(before_n: number, after_n: number): boolean {
  return after_n >= STORM_MIN_AFTER && after_n >= STORM_FACTOR * Math.max(1, before_n);
}

export const isFutileCode = isFutileRetryCode;

/** The class shown for a stored class at `now_ms`: an abandonment younger than ABANDON_MS is still pending. */
export function readClass(cls: RetryClass, ts_ms: number, now_ms: number): RetryClassValue {
  return cls === 'abandoned' && now_ms - ts_ms < ABANDON_MS ? 'pending' : cls;
}

// The facts kept per event: what the store writes at ingest and behaviour/ reads.

/** One stored request as the classifiers see it (a keyed record; `route` '' when it has none). */
export interface BehaviourEvent {
  request_id: string;
  code: string;
  ts_ms: number;
  status: number;
  key_id: string;
  route: string;
  /** The wait the response asked for (429/503/5xx with details.retry_after), else null. */
  retry_after_ms: number | null;
}

export interface EventRef {
  request_id: string;
  code: string;
  ts_ms: number;
}

/** A response that asked the key to wait, and what the key did next. */
export interface LimitFact {
  request_id: string;
  code: string;
  key_id: string;
  ts_ms: number;
  status: number;
  route: string;
  retry_after_ms: number;
  /** The key's next request (any route) within ABANDON_MS, and its class. */
  next_any: EventRef | null;
  class_any: RetryClass;
  /** The key's next request on the same route within ABANDON_MS, and its class. */
  next_route: EventRef | null;
  class_route: RetryClass;
  /** The key's requests in STORM_WINDOW_MS before and after it. */
  before_n: number;
  after_n: number;
  storm: boolean;
}

/** A response with a code that cannot succeed on retry; `repeat` when the key got the same code within FUTILE_WINDOW_MS before. */
export interface FutileFact {
  request_id: string;
  code: string;
  key_id: string;
  ts_ms: number;
  route: string;
  repeat: boolean;
}

export interface BehaviourFacts {
  limits: LimitFact[];
  futile: FutileFact[];
}
