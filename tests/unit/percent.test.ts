import { describe, expect, test } from 'vitest';
import { formatPercent, formatSignedPercent } from '@/components/ui/format';
import { describeChange, percentNumber } from '@/lib/percent';

describe('percentages: the screen and the CSV round the same way', () => {
  test.each([
    [0, '0', '0 %'],
    [0.00012, '0.01', '0.01 %'],
    [0.0909, '9.1', '9.1 %'],
    [0.17, '17', '17 %'],
    [1, '100', '100 %'],
    [2283.02, '228302', '228,302 %'],
  ])('%s → %s in a CSV cell, %s on screen', (ratio, cell, screen) => {
    expect(percentNumber(ratio)).toBe(cell);
    expect(formatPercent(ratio)).toBe(screen);
  });
  test('no ratio: an empty cell, a dash on screen', () => {
    expect(percentNumber(null)).toBeNull();
    expect(formatPercent(null)).toBe('—');
  });
  test('a large change keeps its thousands separator', () => expect(formatSignedPercent(12.5)).toBe('+1,250 %'));
});

describe('change against the previous period', () => {
  test.each([
    [150, 100, { kind: 'relative', ratio: 0.5 }],
    [50, 100, { kind: 'relative', ratio: -0.5 }],
    [100, 100, { kind: 'same' }],
    [10, 0, { kind: 'new', previous: 0 }],
    // "+228302 %" was this: the previous period had almost nothing.
    [22_831, 10, { kind: 'new', previous: 10 }],
    [0, 0, { kind: 'same' }],
    [0, 12, { kind: 'relative', ratio: -1 }],
    [null, 3, { kind: 'unknown' }],
  ])('%s now, %s before', (cur, prev, want) => expect(describeChange(cur, prev)).toEqual(want));
});
