import { describe, expect, test } from 'vitest';
import { AUTO_HOUR_MAX_MS, AUTO_MINUTE_MAX_MS, bucketStarts, chooseBucket, MAX_BUCKETS } from '@/lib/time-buckets';

const M = 60_000;
const H = 60 * M;
const D = 24 * H;
const T0 = Date.UTC(2026, 10, 25, 0, 0, 0);

describe('chooseBucket(auto): every threshold, on both sides', () => {
  test.each([
    [1, 'minute', 'HH:mm'],
    [M, 'minute', 'HH:mm'],
    [H, 'minute', 'HH:mm'],
    [AUTO_MINUTE_MAX_MS - 1, 'minute', 'HH:mm'],
    [AUTO_MINUTE_MAX_MS, 'minute', 'HH:mm'],
    [AUTO_MINUTE_MAX_MS + 1, 'hour', 'HH:mm'],
    [D, 'hour', 'HH:mm'],
    [D + 1, 'hour', 'MMM d HH:mm'],
    [7 * D, 'hour', 'MMM d HH:mm'],
    [AUTO_HOUR_MAX_MS, 'hour', 'MMM d HH:mm'],
    [AUTO_HOUR_MAX_MS + 1, 'day', 'MMM d'],
    [30 * D, 'day', 'MMM d'],
    [400 * D, 'day', 'MMM d'],
  ])('a range of %d ms → %s (%s)', (span, interval, tick) => {
    const c = chooseBucket(T0, T0 + span, 'auto')!;
    expect(c.interval).toBe(interval);
    expect(c.tick_format).toBe(tick);
  });

  test('auto never exceeds MAX_BUCKETS, whatever the range', () => {
    for (let span = M; span <= 400 * D; span = Math.ceil(span * 1.37)) {
      const c = chooseBucket(T0 + 17 * M + 3, T0 + 17 * M + 3 + span, 'auto');
      expect(c).not.toBeNull();
      expect(c!.buckets).toBeLessThanOrEqual(MAX_BUCKETS);
    }
  });
});

describe('chooseBucket(explicit)', () => {
  test.each([
    ['minute', D, 1440],
    ['minute', 2 * D, 2880],
    ['hour', 30 * D, 720],
    ['day', 30 * D, 30],
  ] as const)('%s over %d ms → %d buckets', (interval, span, buckets) => {
    const c = chooseBucket(T0, T0 + span, interval)!;
    expect(c.interval).toBe(interval);
    expect(c.buckets).toBe(buckets);
  });

  test('too many points → null (the API answers 400)', () => {
    expect(chooseBucket(T0, T0 + 3 * D, 'minute')).toBeNull();
    expect(chooseBucket(T0, T0 + 200 * D, 'hour')).toBeNull();
    expect(chooseBucket(T0, T0 + 400 * D, 'day')).not.toBeNull();
  });

  test('an unaligned range counts the partial first and last buckets', () => {
    expect(chooseBucket(T0 + 30 * M, T0 + 2 * H + 30 * M, 'hour')!.buckets).toBe(3);
    expect(chooseBucket(T0 + 30 * M, T0 + 2 * H, 'hour')!.buckets).toBe(2);
  });
});

describe('bucketStarts', () => {
  test('aligned starts covering [from, to), first floored, none at or after `to`', () => {
    expect(bucketStarts(T0 + 90 * M, T0 + 4 * H, H)).toEqual([T0 + H, T0 + 2 * H, T0 + 3 * H]);
    expect(bucketStarts(T0, T0 + 3 * M, M)).toEqual([T0, T0 + M, T0 + 2 * M]);
    expect(bucketStarts(T0 + 1, T0 + 2, D)).toEqual([T0]);
    expect(bucketStarts(T0, T0, H)).toEqual([]);
  });

  test('day buckets are UTC midnights', () => {
    const starts = bucketStarts(T0 + 5 * H, T0 + 3 * D, D);
    expect(starts.map((s) => new Date(s).toISOString())).toEqual([
      '2026-11-25T00:00:00.000Z',
      '2026-11-26T00:00:00.000Z',
      '2026-11-27T00:00:00.000Z',
    ]);
  });
});
