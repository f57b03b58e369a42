// Incident flags hang from the plot's top edge; stretches close together would draw their labels over each other.

export interface PlacedFlag {
  from: number;
  to: number;
  row: number;
}

/** The lowest row where a flag spanning [from, to] px overlaps none of the flags placed before it. */
export function flagRow(placed: readonly (PlacedFlag | undefined)[], from: number, to: number): number {
  const gap = 2;
  for (let row = 0; ; row++) {
    if (!placed.some((p) => p && p.row === row && p.from < to + gap && from < p.to + gap)) return row;
  }
}
