import { describe, expect, test } from 'vitest';
import { confusableVariants, prefixVariants, rangePrefixes, withinOneEdit } from '@/lib/near-ids';
import { classifyTokens, planLookup, planLookupAsync, planLookupSteps, plausibleId } from '@/lib/lookup-tokens';
import { adversarialTexts } from '../support/adversarial-text';

describe('withinOneEdit', () => {
  test.each([
    ['req_abcdef12', 'req_abcdef12', true],
    ['req_abcdef12', 'req_abcdef13', true], // substitution at the end
    ['req_abcdef12', 'req_Abcdef12', true], // case
    ['req_abcdef12', 'req_abcdf12', true], // deletion
    ['req_abcdef12', 'req_abcdeff12', true], // insertion
    ['req_abcdef12', 'req_abcdfe12', true], // swap of neighbours
    ['req_abcdef12', 'req_abcdfe21', false],
    ['req_abcdef12', 'req_abcdef1234', false],
    ['req_abcdef12', 'xeq_abcdef1x', false],
  ])('%s ~ %s → %s', (a, b, want) => {
    expect(withinOneEdit(a, b)).toBe(want);
    expect(withinOneEdit(b, a)).toBe(want);
  });
});

describe('prefixVariants', () => {
  test.each([
    ['REQ_ab12cd34', ['req_ab12cd34']],
    ['Request-ab12cd34', ['req_ab12cd34']],
    ['req-ab12cd34', ['req_ab12cd34']],
    ['ab12cd34', ['req_ab12cd34']],
    ['req_ab12cd34', []],
  ])('%s → %j', (id, want) => expect(prefixVariants(id)).toEqual(want));
});

test('confusableVariants swaps one look-alike character at a time, bounded', () => {
  const v = confusableVariants('req_O1');
  expect(v).toContain('req_01');
  expect(v).toContain('req_Ol');
  expect(v).toContain('REq_O1'.replace('REq', 'Req'));
  expect(v.every((x) => withinOneEdit(x, 'req_O1'))).toBe(true);
  expect(confusableVariants('a'.repeat(128), 10)).toHaveLength(10);
});

test('rangePrefixes: longest first, never shorter than the minimum', () => {
  expect(rangePrefixes('req_abcd', 6)).toEqual(['req_abc', 'req_ab']);
});

describe('lookup tokens', () => {
  test('a lone word on its own line is not an id; the ids are kept', () => {
    const plan = planLookup('req_aaaa1111bbbb\nthanks\nreq_cccc2222dddd');
    expect(plan.ids).toEqual(['req_aaaa1111bbbb', 'req_cccc2222dddd']);
    expect(plan.notIds).toEqual(['thanks']);
  });

  test('a short REQ_ token the extractor misses is looked up; id-shaped junk is listed, not dropped', () => {
    const plan = planLookup('Hi, the failing calls were REQ_ab12, and ref x7Kq2\u200bmn93pq, plus order 12345. Thanks, Dana');
    expect(plan.ids).toContain('REQ_ab12');
    expect(plan.notIds).toEqual(['x7Kq2⟨U+200B⟩mn93pq']);
  });

  test('labels, words, dates and paths are not reported', () => {
    const text = 'X-Request-Id: req_9f8e7d6c5b4a3210 sent 2026-11-30 at 14:05 to POST /v1/submissions with "request_id": "req_9f8e7d6c5b4a3210"';
    expect(planLookup(text)).toEqual({ ids: ['req_9f8e7d6c5b4a3210'], notIds: [], truncated: false });
  });

  test('plausibleId', () => {
    expect(plausibleId('req_ab12cd')).toBe(true);
    expect(plausibleId('3f9a1c7e-0b2d-4c6e-9a8f-1d2e3f4a5b6c')).toBe(true);
    expect(plausibleId('hello')).toBe(false);
    expect(plausibleId('12345')).toBe(false);
  });

  test('work is bounded on a huge paste', () => {
    const text = 'ab12cd34ef '.repeat(100_000);
    const t = performance.now();
    const c = classifyTokens(text, []);
    expect(performance.now() - t).toBeLessThan(2000);
    expect(c.notIds.length).toBeLessThanOrEqual(20);
  });
});

describe('planLookupAsync: a 1 MB text is read in slices', () => {
  // The server plans a lookup between other requests: a plan that never yields held /api/v1/health for the whole
  // read of a hostile megabyte (95-130 ms measured). The bench times it; here the structure: every adversarial shape
  // gives control back several times.
  test.each(adversarialTexts())('%s', (_shape, text) => {
    const steps = planLookupSteps(text);
    let yields = 0;
    for (let step = steps.next(); !step.done; step = steps.next()) yields++;
    expect(yields).toBeGreaterThanOrEqual(5);
  });

  test('the sliced plan answers what the plan in one go answers', async () => {
    const text = `Hi, ${'req_abcdef12 (REQ_ab12) x7Kq2mn93pq '.repeat(20)} thanks`;
    expect(await planLookupAsync(text)).toEqual(planLookup(text));
    expect((await planLookupAsync(text)).ids).toContain('req_abcdef12');
  });
});
