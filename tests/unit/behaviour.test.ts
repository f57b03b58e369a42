import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { readChain, type ChainRequest } from '@/behaviour/chain';
import { computeBehaviour } from '@/behaviour/reference';
import { verdictOf, type KeyDayCounts } from '@/behaviour/verdict';
import { classifyRetry, isFutileCode, isStorm, readClass, retryAfterMs } from '@/lib/behaviour-rules';
import { CATALOG } from '@/lib/catalog';
import { build, KINDS, scenarioArb, toEvent, type GatewayLine } from '../support/behaviour-scenarios';

const T0 = Date.UTC(2026, 10, 25, 8);
const chainOf = (lines: GatewayLine[]): ChainRequest[] =>
  lines.map((l) => ({
    request_id: l.request_id,
    code: l.error?.code ?? '',
    ts_ms: l.timestamp,
    status: l.status,
    key_id: l.key_id,
    route: l.route,
    request_fingerprint: l.request_fingerprint ?? null,
    idempotent_replayed: l.idempotent_replayed ?? null,
  }));

describe('rules', () => {
  test.each([
    [30_000, 29_000, 'honoured'],
    [30_000, 28_999, 'early'],
    [30_000, 1_000, 'early'],
    [30_000, 999, 'immediate'],
    [30_000, 0, 'immediate'],
    [1_000, 0, 'honoured'],
    [2_000, 1_000, 'honoured'],
    [2_000, 999, 'immediate'],
    [30_000, 3_600_000, 'honoured'],
    [30_000, 3_600_001, 'abandoned'],
    [30_000, null, 'abandoned'],
  ] as const)('retry_after %i ms, next after %s ms → %s', (ra, gap, cls) => {
    expect(classifyRetry(ra, gap)).toBe(cls);
  });

  test.each([
    [429, { retry_after: 30 }, 30_000],
    [503, { retry_after: '2' }, 2_000],
    [500, { retry_after: 0.5 }, 500],
    [429, { retry_after: -1 }, null],
    [429, { retry_after: 'soon' }, null],
    [429, {}, null],
    [409, { retry_after: 30 }, null],
    [200, { retry_after: 30 }, null],
    [429, { retry_after: 10 ** 9 }, 86_400_000],
  ] as const)('status %i with %j asks for %s ms', (status, details, ms) => {
    expect(retryAfterMs(status, details)).toBe(ms);
  });

  test.each([
    [0, 9, false],
    [0, 10, true],
    [5, 10, true],
    [6, 11, false],
    [20, 40, true],
  ])('storm: %i before, %i after → %s', (b, a, s) => expect(isStorm(b, a)).toBe(s));

  test('the futile codes are the ones the reference says to fix before retrying', () => {
    const futile = CATALOG.filter((e) => isFutileCode(e.code)).map((e) => e.code);
    for (const c of ['invalid_credentials', 'account_disabled', 'validation_failed', 'scope_required', 'idempotency_key_mismatch', 'invalid_body']) {
      expect(futile).toContain(c);
    }
    for (const c of ['rate_limited', 'service_unavailable', 'internal_error', 'idempotency_key_in_progress', 'capacity_exceeded', 'state_conflict']) {
      expect(futile).not.toContain(c);
    }
    expect(isFutileCode('not_in_catalog')).toBe(false);
  });

  test('an abandonment younger than an hour reads as pending', () => {
    expect(readClass('abandoned', T0, T0 + 3_599_999)).toBe('pending');
    expect(readClass('abandoned', T0, T0 + 3_600_000)).toBe('abandoned');
    expect(readClass('early', T0, T0 + 1)).toBe('early');
  });
});

describe('each generated behaviour alone on its key is classified exactly', () => {
  for (const kind of KINDS) {
    test(kind, () => {
      fc.assert(
        fc.property(
          scenarioArb(['k'], fc.integer({ min: T0, max: T0 + 86_400_000 })).filter((s) => s.kind === kind),
          fc.boolean(),
          (s, shuffleAndResend) => {
            const b = build(s);
            let events = b.lines.map(toEvent);
            if (shuffleAndResend) events = [...events, ...events.slice(0, 2)].reverse();
            const facts = computeBehaviour(events);
            const limit = facts.limits.find((l) => l.request_id === b.limit_id);
            switch (kind) {
              case 'honours':
              case 'early':
              case 'immediate':
              case 'abandons': {
                const expected = kind === 'honours' ? 'honoured' : kind === 'abandons' ? 'abandoned' : kind;
                expect(limit?.class_any).toBe(expected);
                expect(limit?.class_route).toBe(expected);
                expect(limit?.storm).toBe(false);
                break;
              }
              case 'futile': {
                expect(facts.futile.length).toBe(s.param + 1);
                expect(facts.futile.filter((f) => f.repeat).length).toBe(s.param);
                break;
              }
              case 'storm': {
                expect(limit?.storm).toBe(true);
                expect(limit?.class_any).toBe('immediate');
                break;
              }
              case 'key_reuse': {
                const chain = readChain(chainOf(b.lines));
                expect(chain.flags.reused_with_different_body).toBe(true);
                expect(chain.flags.in_progress_retry_too_fast).toBe(false);
                expect(chain.summary).toBe(
                  `Created by ${b.lines[0].request_id}, replayed twice, then reused with a different body (422 idempotency_key_mismatch).`,
                );
                break;
              }
              case 'in_progress': {
                const chain = readChain(chainOf(b.lines));
                expect(chain.flags.in_progress_retry_too_fast).toBe(true);
                expect(chain.flags.reused_with_different_body).toBe(false);
                expect(chain.summary).toContain('retried while the first was still in progress (409) twice');
                expect(chain.summary).toContain('then replayed once');
                break;
              }
            }
          },
        ),
        { numRuns: 150 },
      );
    });
  }
});

describe('the reference classification depends only on the set of events', () => {
  test('shuffled and resent events give the same facts', () => {
    fc.assert(
      fc.property(
        fc.array(scenarioArb(['a', 'b'], fc.integer({ min: T0, max: T0 + 2 * 3_600_000 })), { minLength: 1, maxLength: 8 }),
        fc.infiniteStream(fc.nat()),
        (scenarios, rnd) => {
          const events = scenarios.flatMap((s) => build(s).lines.map(toEvent));
          const it = rnd[Symbol.iterator]();
          const shuffled = [...events, ...events.filter(() => it.next().value % 3 === 0)];
          for (let i = shuffled.length - 1; i > 0; i--) {
            const j = it.next().value % (i + 1);
            [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
          }
          const sort = (f: ReturnType<typeof computeBehaviour>) => ({
            limits: [...f.limits].sort((x, y) => x.request_id.localeCompare(y.request_id)),
            futile: [...f.futile].sort((x, y) => x.request_id.localeCompare(y.request_id)),
          });
          expect(sort(computeBehaviour(shuffled))).toEqual(sort(computeBehaviour(events)));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('verdicts', () => {
  const zero: KeyDayCounts = {
    day_ms: T0,
    key_id: 'k',
    limited: 0,
    honoured: 0,
    early: 0,
    immediate: 0,
    abandoned: 0,
    pending: 0,
    storms: 0,
    futile_retries: 0,
    idempotency_mismatch: 0,
    idempotency_in_progress: 0,
  };
  test.each([
    [{}, ['well_behaved']],
    [{ limited: 10, honoured: 10 }, ['well_behaved']],
    [{ limited: 10, honoured: 5, immediate: 3, early: 2 }, ['ignores_retry_after']],
    [{ limited: 10, honoured: 8, immediate: 2 }, ['well_behaved']],
    [{ limited: 40, immediate: 40, storms: 3 }, ['ignores_retry_after', 'retry_storm']],
    [{ futile_retries: 4 }, ['well_behaved']],
    [{ futile_retries: 5 }, ['futile_retries']],
    [{ idempotency_mismatch: 1 }, ['reuses_idempotency_keys']],
  ] as const)('%j → %j', (counts, verdicts) => {
    expect(verdictOf({ ...zero, ...counts }).verdicts).toEqual(verdicts);
  });
});

describe('idempotency chain reading', () => {
  test('a first attempt that failed, then a success', () => {
    const r = (id: string, ts: number, status: number, code = ''): ChainRequest => ({
      request_id: id,
      code,
      ts_ms: ts,
      status,
      key_id: 'k',
      route: '/v1/x',
      request_fingerprint: 'f',
      idempotent_replayed: false,
    });
    const chain = readChain([r('req_b', 2, 200), r('req_a', 1, 500, 'internal_error')]);
    expect(chain.steps.map((s) => s.role)).toEqual(['failed', 'created']);
    expect(chain.summary).toBe('First sent as req_a (500 internal_error), then created by req_b.');
  });
  test('an empty chain says so', () => expect(readChain([]).summary).toBe('No request used this idempotency key.'));
});

describe('the demo tells the three stories', () => {
  test('one client ignores Retry-After, one retries invalid_credentials forever, one reuses idempotency keys across bodies', async () => {
    const { behaviourStories, BEHAVIOUR_STORY_KEYS: K } = await import('@/demo/traffic');
    const { retryAfterMs } = await import('@/lib/behaviour-rules');
    const stories = [...behaviourStories({ end: T0 })];
    expect([...behaviourStories({ end: T0 })]).toEqual(stories);
    const events = stories.map((r) => ({
      request_id: r.request_id,
      code: r.error?.code ?? '',
      ts_ms: Date.parse(r.timestamp),
      status: r.status,
      key_id: r.key_id!,
      route: r.route ?? '',
      retry_after_ms: retryAfterMs(r.status, r.error?.details ?? null),
    }));
    const facts = computeBehaviour(events);
    const classes = (key: string) => facts.limits.filter((l) => l.key_id === key).map((l) => l.class_any);
    const hasty = classes(K.ignoresRetryAfter);
    expect(hasty.filter((c) => c === 'immediate').length).toBeGreaterThan(hasty.length * 0.8);
    expect(facts.limits.some((l) => l.key_id === K.ignoresRetryAfter && l.storm)).toBe(true);
    expect(new Set(classes(K.honoursRetryAfter))).toEqual(new Set(['honoured']));
    expect(facts.futile.filter((f) => f.key_id === K.retriesForever && f.repeat).length).toBeGreaterThan(1000);
    const byIdem = new Map<string, ChainRequest[]>();
    for (const r of stories) {
      if (!r.idempotency_key) continue;
      const list = byIdem.get(r.idempotency_key) ?? [];
      list.push({ request_id: r.request_id, code: r.error?.code ?? '', ts_ms: Date.parse(r.timestamp), status: r.status, key_id: r.key_id!, route: r.route ?? null, request_fingerprint: r.request_fingerprint ?? null, idempotent_replayed: r.idempotent_replayed ?? null });
      byIdem.set(r.idempotency_key, list);
    }
    expect(byIdem.size).toBe(6);
    const chains = [...byIdem.values()].map(readChain);
    expect(chains.every((c) => c.flags.reused_with_different_body)).toBe(true);
    expect(chains.filter((c) => c.flags.in_progress_retry_too_fast)).toHaveLength(3);
    expect(chains[0].summary).toMatch(/^Created by req_story\w+, retried while the first was still in progress \(409\) twice, 120 ms after the previous attempt, replayed twice, then reused with a different body \(422 idempotency_key_mismatch\)\./);
  });
});
