import { describe, expect, test } from 'vitest';
import { formatCount, formatPercent, formatRelative, formatSignedPercent, formatUtc, relativeChange } from '@/components/ui/format';
import { activePreset, hrefWith, withParam, withRange, withoutParam } from '@/components/filters/url-params';
import { parseColumns, DEFAULT_COLUMNS } from '@/app/(dashboard)/errors/columns';

describe('number formatting', () => {
  test.each([
    [0, '0'],
    [999, '999'],
    [1000, '1k'],
    [1234, '1.23k'],
    [16_500, '16.5k'],
    [10_000, '10k'],
    [100_000, '100k'],
    [200_000_000, '200M'],
    [999_499, '999k'],
    [999_999, '1M'],
    [2_500_000, '2.5M'],
    [null, '—'],
  ])('formatCount(%s) = %s', (n, s) => expect(formatCount(n)).toBe(s));

  test.each([
    [0, '0 %'],
    [0.00012, '0.01 %'],
    [0.034, '3.4 %'],
    [0.17, '17 %'],
    [1, '100 %'],
    [null, '—'],
  ])('formatPercent(%s) = %s: small rates never read as zero', (r, s) => expect(formatPercent(r)).toBe(s));

  test('change against an empty previous period is unknown, not infinite', () => {
    expect(relativeChange(10, 0)).toBeNull();
    expect(formatSignedPercent(relativeChange(150, 100)!)).toBe('+50 %');
    expect(formatSignedPercent(relativeChange(50, 100)!)).toBe('−50 %');
  });
});

describe('time formatting is UTC with relative hints', () => {
  const t = Date.UTC(2026, 10, 25, 9, 3, 53);
  test('absolute', () => {
    expect(formatUtc(t)).toBe('2026-11-25 09:03:53 UTC');
    expect(formatUtc(t, { seconds: false, zone: false })).toBe('2026-11-25 09:03');
  });
  test.each([
    [0, 'just now'],
    [45_000, '45 s ago'],
    [5 * 60_000, '5 min ago'],
    [3 * 3_600_000, '3 h ago'],
    [-2 * 86_400_000, 'in 2 d'],
  ])('%s ms before now → %s', (ago, s) => expect(formatRelative(t - ago, t)).toBe(s));
});

describe('URL filter state', () => {
  const q = new URLSearchParams('from=now-7d&code=a&code=b&tier=pro&cursor=abc&page=3');
  test('removing one value keeps the others and drops the page position', () => {
    expect(withoutParam(q, 'code', 'a').toString()).toBe('from=now-7d&code=b&tier=pro');
  });
  test('drill-down narrows a dimension to exactly the clicked value', () => {
    expect(withParam(q, 'code', 'x').toString()).toBe('from=now-7d&tier=pro&code=x');
  });
  test('a range replaces from/to; null removes them (the 24-hour default)', () => {
    expect(withRange(q, '2026-11-25T04:00:00Z', '2026-11-25T05:00:00Z').get('to')).toBe('2026-11-25T05:00:00Z');
    expect(withRange(q, null, null).has('from')).toBe(false);
  });
  test.each([
    [null, null, '24h'],
    ['now-1h', null, '1h'],
    ['now-7d', 'now', '7d'],
    ['now-7d', '2026-11-25T00:00:00Z', null],
    ['2026-11-24T00:00:00Z', null, null],
  ])('preset of from=%s to=%s is %s', (from, to, preset) => expect(activePreset(from, to)).toBe(preset));
  test('hrefWith leaves no dangling question mark', () => {
    expect(hrefWith('/errors', new URLSearchParams())).toBe('/errors');
  });
});

describe('explorer columns', () => {
  test('unknown or empty column lists fall back to the defaults', () => {
    expect(parseColumns(undefined)).toEqual(DEFAULT_COLUMNS);
    expect(parseColumns('nope,,')).toEqual(DEFAULT_COLUMNS);
  });
  test('chosen columns come back in display order whatever order the URL lists them', () => {
    expect(parseColumns('message,time,status')).toEqual(['time', 'status', 'message']);
  });
});
