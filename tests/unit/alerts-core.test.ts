import { describe, expect, test } from 'vitest';
import { ApiError } from '@/lib/api-error';
import { DEFAULT_RULES, parseRuleSpec, scopeToFilters } from '@/lib/alert-rules';
import {
  fitBaseline,
  historyWindows,
  judgeAnomaly,
  judgeNoData,
  judgeThreshold,
  lowerTail,
  upperBound,
  upperTail,
  WEEK_MS,
} from '@/alerts/baseline';
import { notifies, stepAlert, type AlertTrack, type Observation } from '@/alerts/state';

const M5 = 5 * 60_000;
const H = 3_600_000;

function errorOf(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('rules', () => {
  test('a rule with an unknown filter is refused in our envelope, naming the filter', () => {
    const e = errorOf(() => parseRuleSpec({ name: 'x', measure: 'error_count', kind: 'anomaly', scope: { colour: ['red'] } }));
    expect(e.status).toBe(400);
    expect(e.code).toBe('invalid_parameter');
    expect(e.details.field).toBe('scope.colour');
    expect(e.message).toMatch(/unknown filter/);
  });

  test('scope values go through the shared filter schema', () => {
    const e = errorOf(() => parseRuleSpec({ name: 'x', measure: 'error_count', kind: 'anomaly', scope: { status: ['6xx'] } }));
    expect(e.details.field).toBe('scope.status.0');
  });

  test.each([
    [{ name: 'x', measure: 'count', kind: 'threshold' }, 'threshold'],
    [{ name: 'x', measure: 'error_rate', kind: 'threshold', threshold: 5 }, 'threshold'],
    [{ name: 'x', measure: 'count', kind: 'anomaly', new_values_only: true }, 'new_values_only'],
    [{ name: 'x', measure: 'count', kind: 'anomaly', split: 'colour' }, 'split'],
    [{ name: 'x', measure: 'count', kind: 'sometimes' }, 'kind'],
    [{ name: '', measure: 'count', kind: 'anomaly' }, 'name'],
    [{ name: 'x', measure: 'count', kind: 'anomaly', surprise: 1 }, 'body'],
  ])('invalid rule %j → field %s', (input, field) => {
    expect(errorOf(() => parseRuleSpec(input)).details.field).toBe(field);
  });

  test('the scope becomes the same Filters a view parses', () => {
    const spec = parseRuleSpec({ name: '429 per key', measure: 'count', kind: 'anomaly', split: 'key', scope: { code: ['rate_limited'], status: ['5XX'] } });
    const f = scopeToFilters(spec.scope, 1000, 2000);
    expect(f.from).toBe(1000);
    expect(f.to).toBe(2000);
    expect(f.code).toEqual(['rate_limited']);
    expect(f.status).toEqual([{ kind: 'class', class: 5 }]);
  });

  test('the five default rules are valid and distinct', () => {
    expect(DEFAULT_RULES.map((r) => r.key)).toHaveLength(5);
    for (const r of DEFAULT_RULES) expect(() => parseRuleSpec(r.spec)).not.toThrow();
  });
});

describe('baseline: history windows', () => {
  const start = Date.UTC(2026, 10, 30, 14, 0);

  test('4 weeks of history: the same time of week, 2 neighbours either side', () => {
    const plan = historyWindows(start, M5, start - 40 * 86_400_000);
    expect(plan.source).toBe('seasonal');
    expect(plan.windows).toHaveLength(20);
    expect(plan.windows).toContainEqual([start - WEEK_MS, start - WEEK_MS + M5]);
    expect(plan.windows).toContainEqual([start - 4 * WEEK_MS - 2 * M5, start - 4 * WEEK_MS - M5]);
  });

  test('one week of history: the trailing day stands in, and says so', () => {
    const plan = historyWindows(start, M5, start - 8 * 86_400_000);
    expect(plan.source).toBe('trailing_day');
    expect(plan.windows).toHaveLength(24);
    expect(plan.windows[0]).toEqual([start - H, start - H + M5]);
  });

  test('three hours of history: no baseline', () => {
    expect(historyWindows(start, M5, start - 3 * H).source).toBe('none');
    expect(historyWindows(start, M5, null).source).toBe('none');
  });
});

describe('baseline: fit and tail tests', () => {
  test('Poisson tails match known values', () => {
    // P(X >= 10 | λ=3) = 0.0011025; P(X <= 0 | λ=3) = e^-3
    expect(upperTail(10, 3, 1)).toBeCloseTo(0.0011025, 6);
    expect(lowerTail(0, 3, 1)).toBeCloseTo(Math.exp(-3), 9);
    expect(upperTail(0, 3, 1)).toBe(1);
  });

  test('negative binomial tails are wider than Poisson with the same mean', () => {
    expect(upperTail(150, 100, 4)).toBeGreaterThan(upperTail(150, 100, 1) * 100);
    // NB(r=2, p=0.5): mean 2, variance 4 → P(X=0) = 0.25
    expect(lowerTail(0, 2, 2)).toBeCloseTo(0.25, 9);
  });

  test('upper bound: the smallest count whose tail is below alpha', () => {
    const u = upperBound(100, 3, 1e-4);
    expect(upperTail(u, 100, 3)).toBeLessThan(1e-4);
    expect(upperTail(u - 1, 100, 3)).toBeGreaterThanOrEqual(1e-4);
  });

  test('the top 10 % of history is dropped, so a past incident does not raise the bar', () => {
    const history = [...Array.from({ length: 18 }, (_, i) => ({ value: 100 + (i % 5) - 2, exposure: 0 })), { value: 5000, exposure: 0 }, { value: 4000, exposure: 0 }];
    const b = fitBaseline(history, { rate: false, source: 'seasonal' });
    expect(b.dropped).toBe(2);
    expect(b.mean).toBeCloseTo(100, 0);
    expect(judgeAnomaly(b, 300, 1000).breach).toBe(true);
  });

  test('dispersion comes from the history: a noisy series needs a bigger jump', () => {
    const calm = fitBaseline(Array.from({ length: 20 }, (_, i) => ({ value: 100 + ((i * 7) % 21) - 10, exposure: 0 })), { rate: false, source: 'seasonal' });
    const noisy = fitBaseline(Array.from({ length: 20 }, (_, i) => ({ value: 100 + ((i * 37) % 121) - 60, exposure: 0 })), { rate: false, source: 'seasonal' });
    expect(noisy.dispersion).toBeGreaterThan(5);
    expect(calm.dispersion).toBeLessThan(2);
    expect(judgeAnomaly(calm, 170, 1000).breach).toBe(true);
    expect(judgeAnomaly(noisy, 170, 1000).breach).toBe(false);
  });

  test('minimum volume: a key with a handful of requests never breaches, however bad', () => {
    const b = fitBaseline(Array.from({ length: 20 }, () => ({ value: 0, exposure: 10 })), { rate: true, source: 'seasonal' });
    const tiny = judgeAnomaly(b, 4, 4, { alpha: 1e-4, resolveAlpha: 1e-2, minRatio: 1.5, resolveRatio: 1.2, minRequests: 50, minCount: 5 });
    expect(tiny.breach).toBe(false);
    expect(tiny.skipped).toBe('below_minimum');
    const enough = judgeAnomaly(b, 60, 60);
    expect(enough.breach).toBe(true);
  });

  test('rates: the expected count scales with this window\'s traffic', () => {
    const b = fitBaseline(Array.from({ length: 20 }, () => ({ value: 10, exposure: 1000 })), { rate: true, source: 'seasonal' });
    expect(judgeAnomaly(b, 20, 2000).breach).toBe(false); // twice the traffic, same 1 %
    expect(judgeAnomaly(b, 60, 2000).breach).toBe(true);
  });

  test('hysteresis: slightly elevated is not yet normal', () => {
    const b = fitBaseline(Array.from({ length: 20 }, (_, i) => ({ value: 100 + (i % 3) - 1, exposure: 0 })), { rate: false, source: 'seasonal' });
    const v = judgeAnomaly(b, 135, 1000);
    expect(v.breach).toBe(false);
    expect(v.normal).toBe(false);
    expect(judgeAnomaly(b, 105, 1000).normal).toBe(true);
  });

  test('no data: silence where traffic is expected breaches; silence where none is expected does not', () => {
    const busy = fitBaseline(Array.from({ length: 20 }, () => ({ value: 200, exposure: 0 })), { rate: false, source: 'seasonal' });
    const quiet = fitBaseline(Array.from({ length: 20 }, (_, i) => ({ value: i % 4 === 0 ? 1 : 0, exposure: 0 })), { rate: false, source: 'seasonal' });
    expect(judgeNoData(busy, 0).breach).toBe(true);
    expect(judgeNoData(busy, 190).normal).toBe(true);
    expect(judgeNoData(quiet, 0).breach).toBe(false);
  });

  test('threshold: fixed number with a 10 % hysteresis band', () => {
    const opts = { minRequests: 0, minCount: 1 };
    expect(judgeThreshold(100, 100, 0, false, opts).breach).toBe(true);
    expect(judgeThreshold(100, 95, 0, false, opts).normal).toBe(false);
    expect(judgeThreshold(0.1, 20, 100, true, opts).breach).toBe(true);
    expect(judgeThreshold(0.1, 5, 100, true, opts).normal).toBe(true);
  });
});

describe('state', () => {
  const obs = (at: number, breach: boolean, normal = !breach): Observation => ({ at_ms: at, breach, normal, observed: breach ? 100 : 10, expected: 10 });

  function run(seq: Observation[]) {
    let track: AlertTrack | null = null;
    const out: string[] = [];
    for (const o of seq) {
      const r = stepAlert(track, o);
      track = r.track;
      if (r.transition) out.push(`${r.transition.from}>${r.transition.to}@${r.transition.at_ms}`);
    }
    return { out, track };
  }

  test('pending on the first breach, firing on the second, resolved after 3 normal windows', () => {
    const { out, track } = run([obs(1, true), obs(2, true), obs(3, true), obs(4, false), obs(5, false), obs(6, false)]);
    expect(out).toEqual(['none>pending@1', 'pending>firing@2', 'firing>resolved@6']);
    expect(track).toBeNull();
  });

  test('a single breach clears without firing', () => {
    expect(run([obs(1, true), obs(2, false)]).out).toEqual(['none>pending@1', 'pending>cleared@2']);
  });

  test('a flapping series fires once: an elevated or breaching window resets the resolve count', () => {
    const seq = [obs(1, true), obs(2, true)];
    for (let i = 3; i < 40; i++) seq.push(obs(i, i % 3 === 0, false));
    const { out } = run(seq);
    expect(out.filter((s) => s.includes('>firing'))).toHaveLength(1);
    expect(out.some((s) => s.includes('resolved'))).toBe(false);
  });

  test('only firing and resolved notify', () => {
    expect(notifies({ from: 'none', to: 'pending', at_ms: 0, observed: 0, expected: 0 })).toBe(false);
    expect(notifies({ from: 'pending', to: 'firing', at_ms: 0, observed: 0, expected: 0 })).toBe(true);
    expect(notifies({ from: 'firing', to: 'resolved', at_ms: 0, observed: 0, expected: 0 })).toBe(true);
    expect(notifies({ from: 'pending', to: 'cleared', at_ms: 0, observed: 0, expected: 0 })).toBe(false);
  });
});
