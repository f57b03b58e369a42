// The window computations the ClickHouse store recomputes facts with: a fact computed from only its bounded window of
// the key's rows equals the from-scratch definition over every event (behaviour/reference.ts).
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { computeBehaviour } from '@/behaviour/reference';
import { ABANDON_MS, compareEvents, FUTILE_WINDOW_MS, isFutileCode, STORM_WINDOW_MS, type BehaviourEvent } from '@/lib/behaviour-rules';
import { inIntervals, isFutileRepeat, limitFacts, mergeIntervals } from '@/lib/behaviour-window';
import { build, scenarioArb, toEvent } from '../support/behaviour-scenarios';

const T0 = Date.UTC(2026, 10, 25, 8);
const ref = (e: BehaviourEvent | null) => (e === null ? null : { request_id: e.request_id, code: e.code, ts_ms: e.ts_ms });

describe('behaviour windows', () => {
  test('intervals merge where they overlap or touch, and membership is exact at the edges', () => {
    const iv = mergeIntervals([
      [10, 20],
      [0, 5],
      [21, 30],
      [40, 50],
      [45, 47],
    ]);
    expect(iv).toEqual([
      [0, 5],
      [10, 30],
      [40, 50],
    ]);
    expect([-1, 0, 5, 6, 9, 10, 30, 31, 40, 50, 51].map((t) => inIntervals(iv, t))).toEqual([false, true, true, false, false, true, true, false, true, true, false]);
    expect(inIntervals([], 0)).toBe(false);
  });

  test('a futile response repeats one within FUTILE_WINDOW_MS before it, the edge included', () => {
    const at = (ts_ms: number, request_id = `r${ts_ms}`) => ({ ts_ms, request_id, code: 'invalid_credentials' });
    const rows = [at(0), at(FUTILE_WINDOW_MS), at(2 * FUTILE_WINDOW_MS + 1), at(2 * FUTILE_WINDOW_MS + 1, 'r_same_ms')].sort(compareEvents);
    expect(rows.map((_, i) => isFutileRepeat(rows, i))).toEqual([false, true, false, true]);
  });

  test('a limit from its window of rows, and a futile response from the same-code rows before it, equal the definition', () => {
    fc.assert(
      fc.property(fc.array(scenarioArb(['a', 'b'], fc.integer({ min: T0, max: T0 + 3 * 3_600_000 })), { minLength: 1, maxLength: 10 }), (scenarios) => {
        const events = scenarios.flatMap((s) => build(s).lines.map(toEvent));
        const want = computeBehaviour(events);
        for (const l of want.limits) {
          const rows = events.filter((e) => e.key_id === l.key_id && e.ts_ms >= l.ts_ms - STORM_WINDOW_MS && e.ts_ms <= l.ts_ms + ABANDON_MS).sort(compareEvents);
          const f = limitFacts(l, rows, rows.filter((r) => r.route === l.route));
          expect({ ...f, next_any: ref(f.next_any), next_route: ref(f.next_route) }).toEqual({
            next_any: l.next_any,
            class_any: l.class_any,
            next_route: l.next_route,
            class_route: l.class_route,
            before_n: l.before_n,
            after_n: l.after_n,
            storm: l.storm,
          });
        }
        for (const x of want.futile) {
          expect(isFutileCode(x.code)).toBe(true);
          const same = events.filter((e) => e.key_id === x.key_id && e.code === x.code && e.ts_ms >= x.ts_ms - FUTILE_WINDOW_MS && e.ts_ms <= x.ts_ms).sort(compareEvents);
          expect(isFutileRepeat(same, same.findIndex((e) => e.request_id === x.request_id))).toBe(x.repeat);
        }
      }),
      { numRuns: 200 },
    );
  });
});
