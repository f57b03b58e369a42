import { describe, expect, test } from 'vitest';
import { ApiError } from '@/lib/api-error';
import { filterParamsSchema, parseFilters } from '@/lib/filters';
import { FILTER_PARAMS, nearestParam, unknownParams } from '@/lib/param-names';
import { allowedParams, checkQuery, ENDPOINT_QUERY } from '@/lib/query-params';

describe('unknown query parameters', () => {
  test('the pages\' filter names are the schema\'s', () => expect([...FILTER_PARAMS].sort()).toEqual(Object.keys(filterParamsSchema.shape).sort()));

  test.each([
    ['key_id', 'key'],
    ['account_id', 'account'],
    ['codes', 'code'],
    ['stauts', 'status'],
    ['Tier', 'tier'],
    ['status_code', 'status'],
    ['endpoint', 'route'],
    ['key[]', 'key'],
    ['xyzzy', null],
    ['a'.repeat(500), null],
  ])('%s → did you mean %s?', (name, want) => expect(nearestParam(name, allowedParams('/api/v1/requests'))).toBe(want));

  test('each unknown name once, with its first value', () => {
    expect(unknownParams(new URLSearchParams('key_id=a&key_id=b&code=x&utm_source=mail'), FILTER_PARAMS)).toEqual([
      { name: 'key_id', value: 'a', did_you_mean: 'key' },
      { name: 'utm_source', value: 'mail', did_you_mean: null },
    ]);
  });

  test.each(Object.keys(ENDPOINT_QUERY) as (keyof typeof ENDPOINT_QUERY)[])('%s: an unknown parameter is a 400 naming it', (endpoint) => {
    let err: unknown;
    try {
      checkQuery(new URLSearchParams('key_id=k1'), endpoint);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    expect(e.status).toBe(400);
    expect(e.code).toBe('invalid_parameter');
    expect(e.details.field).toBe('key_id');
    for (const name of allowedParams(endpoint)) expect(() => checkQuery(new URLSearchParams({ [name]: '1' }), endpoint)).not.toThrow();
  });

  test('the message names the parameter and the nearest valid one', () => {
    expect(() => checkQuery(new URLSearchParams('key_id=k1'), '/api/v1/stats/summary')).toThrow('key_id: unknown parameter. Did you mean `key`?');
  });

  test.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'])('?%s=y is a parameter like any other, not Object\'s', (name) => {
    // Parsing alone must not trip over it (the 500 of issue 15), and the endpoint check names it.
    expect(() => parseFilters(new URLSearchParams(`${name}=y&code=x`))).not.toThrow();
    expect(parseFilters(new URLSearchParams(`${name}=y&code=x`)).code).toEqual(['x']);
    expect(() => checkQuery(new URLSearchParams(`${name}=y`), '/api/v1/requests')).toThrow(`${name}: unknown parameter`);
  });
});
