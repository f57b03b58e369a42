// Range → bucket: the one place that decides the series interval, shared by the API and the charts.
import type { Interval } from './filters';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const INTERVAL_MS: Record<Interval, number> = { minute: MINUTE_MS, hour: HOUR_MS, day: DAY_MS };

/** Up to 6 h: minutes (≤ 360 points); up to 8 days: hours (≤ 192); beyond: days. */
export const AUTO_MINUTE_MAX_MS = 6 * HOUR_MS;
export const AUTO_HOUR_MAX_MS = 8 * DAY_MS;
/** A series never has more buckets than this (a 30-day hourly series has 720, a day of minutes 1,440). */
export const MAX_BUCKETS = 3000;

/** date-fns style patterns the chart uses for its axis ticks (UTC). */
export const TICK_FORMATS = ['HH:mm', 'MMM d HH:mm', 'MMM d'] as const;
export type TickFormat = (typeof TICK_FORMATS)[number];

export interface BucketChoice {
  interval: Interval;
  interval_ms: number;
  tick_format: TickFormat;
  /** Buckets the range [from, to) spans, first one starting at floorTo(from, interval_ms). */
  buckets: number;
}

export function floorTo(ms: number, size: number): number {
  return Math.floor(ms / size) * size;
}

export function ceilTo(ms: number, size: number): number {
  return Math.ceil(ms / size) * size;
}

function bucketCount(from: number, to: number, size: number): number {
  return to <= from ? 0 : (ceilTo(to, size) - floorTo(from, size)) / size;
}

/**
 * Picks the interval for [from, to): the requested one, or for 'auto' the finest that keeps the chart readable.
 * Returns null when the requested interval would need more than MAX_BUCKETS points.
 */
export function chooseBucket(from: number, to: number, requested: Interval | 'auto' = 'auto'): BucketChoice | null {
  const span = Math.max(0, to - from);
  const interval: Interval =
    requested !== 'auto' ? requested : span <= AUTO_MINUTE_MAX_MS ? 'minute' : span <= AUTO_HOUR_MAX_MS ? 'hour' : 'day';
  const size = INTERVAL_MS[interval];
  const buckets = bucketCount(from, to, size);
  if (buckets > MAX_BUCKETS) return null;
  const tick_format: TickFormat = interval === 'day' ? 'MMM d' : span <= DAY_MS ? 'HH:mm' : 'MMM d HH:mm';
  return { interval, interval_ms: size, tick_format, buckets };
}

/** Every bucket start of [from, to), oldest first: the zero-filled skeleton of a series. */
export function bucketStarts(from: number, to: number, size: number): number[] {
  const out: number[] = [];
  for (let t = floorTo(from, size); t < to; t += size) out.push(t);
  return out;
}

/**
 * The first instant retention keeps: the start of the UTC day `days` ago (whole days: "30 days" keeps 30 full days
 * and today). Every store prunes at this boundary and ingest rejects older records as `expired`.
 */
export function retentionCutoff(now_ms: number, days: number): number {
  return Math.floor((now_ms - days * DAY_MS) / DAY_MS) * DAY_MS;
}
