import { describe, expect, it } from 'vitest';
import { flagRow, type PlacedFlag } from '@/components/charts/flag-layout';

describe('flagRow', () => {
  it('keeps a flag on the top row when it overlaps nothing', () => {
    expect(flagRow([], 10, 50)).toBe(0);
    expect(flagRow([{ from: 0, to: 40, row: 0 }], 60, 90)).toBe(0);
  });

  it('drops a flag that would cover an earlier one to the next free row', () => {
    const placed: PlacedFlag[] = [];
    placed.push({ from: 100, to: 180, row: flagRow(placed, 100, 180) });
    placed.push({ from: 150, to: 260, row: flagRow(placed, 150, 260) });
    placed.push({ from: 170, to: 200, row: flagRow(placed, 170, 200) });
    placed.push({ from: 300, to: 340, row: flagRow(placed, 300, 340) });
    expect(placed.map((p) => p.row)).toEqual([0, 1, 2, 0]);
  });

  it('reuses a row once the flag on it has ended, and keeps a small gap between neighbours', () => {
    const placed: PlacedFlag[] = [
      { from: 0, to: 100, row: 0 },
      { from: 50, to: 150, row: 1 },
    ];
    expect(flagRow(placed, 120, 200)).toBe(0);
    expect(flagRow(placed, 101, 200)).toBe(2);
  });

  it('ignores slots not drawn yet', () => {
    expect(flagRow([undefined, { from: 0, to: 10, row: 0 }], 5, 8)).toBe(1);
  });
});
