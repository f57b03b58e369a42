import { test } from 'vitest';
import { KEYS, CODES, WEEK, WeeksData } from '../support/alert-weeks';
const START = Date.UTC(2026, 9, 5); const T = START + 4 * WEEK; const MIN = 60000;
test('dbg', async () => {
  const past = { name: 'p', from: T + 86400000 + 14 * 3600000 - 2 * WEEK, to: T + 86400000 + 14.5 * 3600000 - 2 * WEEK, apply: (_ms: number, k: unknown, r: Map<string, number>) => r.set('internal_error', (r.get('internal_error') ?? 0) + [...r.values()].reduce((a, b) => a + b, 0) * 0.05) };
  const data = new WeeksData({ start: START, weeks: 5, peakPerMinute: 1000, seed: 7, incidents: [past as any] });
  const t0 = 1793893800000 - 20 * MIN;
  for (let t = t0; t < t0 + 30 * MIN; t += MIN) {
    const m = (t - START) / MIN; let tot = 0; const per: Record<string, number> = {};
    for (let i = data.offsets[m]; i < data.offsets[m + 1]; i++) { tot += data.count[i]; if (CODES[data.codeIdx[i]] === 'invalid_parameter') per[KEYS[data.keyIdx[i]].key] = data.count[i]; }
    console.log(new Date(t).toISOString(), tot, JSON.stringify(per));
  }
});
