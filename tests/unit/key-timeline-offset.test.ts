import { expect, test } from 'vitest';
import { offset } from '@/components/request/key-timeline';

test.each([
  [0, '0 s'],
  [42_000, '+42 s'],
  [-185_000, '−3 min 5 s'],
  // The request page said "Previous: success (−930 min 44 s)".
  [-(930 * 60 + 44) * 1000, '−15 h 30 min'],
  [3_600_000, '+1 h 0 min'],
])('offset(%d) reads %s', (ms, text) => {
  expect(offset(ms)).toBe(text);
});
