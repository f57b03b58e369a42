import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Candidate } from '@/ingest/normalize';
import { fastValidate, parseTimestamp, schemaValidate, validate } from '@/ingest/validate';

const T = Date.UTC(2026, 10, 25, 8, 0, 0);

function cand(over: Partial<Record<keyof Candidate, unknown>> = {}): Candidate {
  return {
    request_id: 'req_1',
    timestamp: T,
    status: 200,
    method: undefined,
    path: undefined,
    route: undefined,
    latency_ms: undefined,
    key_id: undefined,
    account_id: undefined,
    tier: undefined,
    code: undefined,
    message: undefined,
    details: undefined,
    ...over,
  } as Candidate;
}

describe('parseTimestamp → UTC ms', () => {
  test.each([
    ['RFC 3339 Z', '2026-11-25T08:00:00Z', T],
    ['RFC 3339 with ms', '2026-11-25T08:00:00.123Z', T + 123],
    ['RFC 3339 with ns (Docker)', '2026-11-25T08:00:00.123456789Z', T + 123],
    ['RFC 3339 lower-case t and z', '2026-11-25t08:00:00z', T],
    ['RFC 3339 with a space', '2026-11-25 08:00:00Z', T],
    ['a positive offset', '2026-11-25T09:30:00+01:30', T],
    ['a negative offset', '2026-11-25T03:00:00-05:00', T],
    ['an offset without colon', '2026-11-25T10:00:00+0200', T],
    ['epoch seconds', T / 1000, T],
    ['epoch seconds with fraction (Fluent Bit date)', T / 1000 + 0.25, T + 250],
    ['epoch milliseconds', T, T],
    ['epoch microseconds', T * 1000, T],
    ['epoch nanoseconds', T * 1e6, T],
    ['epoch seconds as a string', String(T / 1000), T],
    ['epoch ms as a string', String(T), T],
  ])('%s', (_n, input, expected) => {
    expect(parseTimestamp(input)).toBe(expected);
  });

  test.each([
    ['no offset', '2026-11-25T08:00:00'],
    ['not a date', 'yesterday'],
    ['day 31 of November', '2026-11-31T08:00:00Z'],
    ['hour 24', '2026-11-25T24:00:00Z'],
    ['before 2000', '1999-12-31T23:59:59Z'],
    ['zero', 0],
    ['negative', -5],
    ['a boolean', true],
    ['an object', { a: 1 }],
  ])('%s is an error', (_n, input) => {
    expect(typeof parseTimestamp(input)).toBe('string');
  });
});

describe('the optional gateway fields', () => {
  const ok = (over: Partial<Record<keyof Candidate, unknown>>) => {
    const v = validate(cand(over));
    if (!v.ok) throw new Error(v.message);
    return v.record;
  };
  test.each([
    [true, true],
    ['true', true],
    [' TRUE ', true],
    [1, true],
    ['0', false],
    [false, false],
    [undefined, null],
  ])('idempotent_replayed %j → %j', (input, out) => expect(ok({ idempotent_replayed: input }).idempotent_replayed).toBe(out));
  test.each(['yes', 2, {}])('idempotent_replayed %j is refused naming the field', (input) => {
    expect(validate(cand({ idempotent_replayed: input }))).toMatchObject({ ok: false, code: 'invalid_field', field: 'idempotent_replayed' });
  });
  test('an idempotency key longer than 255 characters is refused, a user agent longer than 512 is cut', () => {
    expect(validate(cand({ idempotency_key: 'k'.repeat(256) }))).toMatchObject({ ok: false, field: 'idempotency_key' });
    expect(ok({ idempotency_key: ' k1 ', user_agent: 'u'.repeat(600) })).toMatchObject({ idempotency_key: 'k1', user_agent: 'u'.repeat(512) });
  });
  test('records without them store nulls', () => {
    expect(ok({})).toMatchObject({ idempotency_key: null, request_fingerprint: null, idempotent_replayed: null, user_agent: null });
  });
});

describe('validate', () => {
  test('a success record gets the empty code and no flags', () => {
    const v = validate(cand({ method: 'get', path: '/v1/x', route: '/v1/x', latency_ms: '12.5', key_id: 42 }));
    expect(v).toEqual({
      ok: true,
      record: expect.objectContaining({ request_id: 'req_1', code: '', ts_ms: T, status: 200, method: 'GET', latency_ms: 12.5, key_id: '42', unknown_code: false, status_mismatch: false }),
    });
  });

  test.each([
    ['a known code with its status', 'rate_limited', 429, false, false],
    ['a known 5xx code with any 5xx', 'internal_error', 503, false, false],
    ['a known code with another status: stored and flagged', 'rate_limited', 400, false, true],
    ['an unknown code: stored and flagged', 'brand_new_code', 418, true, false],
  ])('%s', (_n, code, status, unknown_code, status_mismatch) => {
    const v = validate(cand({ code, status }));
    expect(v.ok).toBe(true);
    if (v.ok) expect(v.record).toMatchObject({ code, status, unknown_code, status_mismatch });
  });

  test('details.reason is lifted out', () => {
    const v = validate(cand({ status: 429, code: 'capacity_exceeded', details: { reason: 'concurrent_submissions', used: 5, limit: 5 } }));
    expect(v.ok && v.record.reason).toBe('concurrent_submissions');
  });

  test('an error without an envelope keeps the status and the empty code', () => {
    const v = validate(cand({ status: 502 }));
    expect(v.ok && v.record).toMatchObject({ status: 502, code: '' });
  });

  test.each([
    ['request_id missing', { request_id: undefined }, 'missing_field', 'request_id'],
    ['request_id empty', { request_id: '' }, 'invalid_field', 'request_id'],
    ['request_id with a space', { request_id: 'req 1' }, 'invalid_field', 'request_id'],
    ['request_id with non-ASCII', { request_id: 'réq' }, 'invalid_field', 'request_id'],
    ['request_id of 129 chars', { request_id: 'x'.repeat(129) }, 'invalid_field', 'request_id'],
    ['request_id an object', { request_id: { a: 1 } }, 'invalid_field', 'request_id'],
    ['timestamp missing', { timestamp: undefined }, 'missing_field', 'timestamp'],
    ['timestamp without offset', { timestamp: '2026-11-25T08:00:00' }, 'invalid_field', 'timestamp'],
    ['status missing', { status: undefined }, 'missing_field', 'status'],
    ['status 99', { status: 99 }, 'invalid_field', 'status'],
    ['status 600', { status: 600 }, 'invalid_field', 'status'],
    ['status 200.5', { status: 200.5 }, 'invalid_field', 'status'],
    ['status "abc"', { status: 'abc' }, 'invalid_field', 'status'],
    ['latency negative', { latency_ms: -1 }, 'invalid_field', 'latency_ms'],
    ['latency text', { latency_ms: 'fast' }, 'invalid_field', 'latency_ms'],
    ['method too long', { method: 'X'.repeat(17) }, 'invalid_field', 'method'],
    ['details not an object', { code: 'forbidden', status: 403, details: [1, 2] }, 'invalid_field', 'error.details'],
    ['code with spaces', { code: 'not a code', status: 400 }, 'invalid_field', 'error.code'],
  ])('%s → %s on %s', (_n, over, code, field) => {
    const v = validate(cand(over));
    expect(v.ok).toBe(false);
    if (!v.ok) {
      expect(v).toMatchObject({ code, field });
      expect(v.message).toContain(field);
    }
  });

  test('request_id accepts exactly 128 visible ASCII characters', () => {
    expect(validate(cand({ request_id: '!'.repeat(64) + '~'.repeat(64) })).ok).toBe(true);
  });
});

describe('the fast path never disagrees with the schema', () => {
  const anyValue = fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.constantFrom('', ' ', 'GET', ' post ', 'req_1', 'rate_limited', 'not a code', 'x'.repeat(20), 'é', '2026-11-25T08:00:00Z', '404', '12.5'),
    fc.string({ maxLength: 20 }),
    fc.integer({ min: -5, max: 2_000_000_000_000 }),
    fc.constantFrom(0, 99, 100, 200, 429, 599, 600, 12.5, -1, T, T / 1000, Number.NaN),
    fc.constant({ reason: 'daily_quota' }),
    fc.constant([1, 2]),
    fc.boolean(),
  );
  const opt = (...valid: unknown[]) => fc.oneof({ arbitrary: fc.constantFrom(undefined, ...valid), weight: 12 }, { arbitrary: anyValue, weight: 1 });
  test('for any candidate, fastValidate is null or exactly what the schema returns', () => {
    let fastHits = 0;
    fc.assert(
      fc.property(
        fc.record({
          // Mostly valid required fields, so the optional ones get exercised on both paths.
          request_id: fc.oneof({ arbitrary: fc.constant('req_1'), weight: 4 }, { arbitrary: anyValue, weight: 1 }),
          timestamp: fc.oneof({ arbitrary: fc.constantFrom(T, '2026-11-25T08:00:00Z', T / 1000), weight: 4 }, { arbitrary: anyValue, weight: 1 }),
          status: fc.oneof({ arbitrary: fc.constantFrom(200, 429, 503), weight: 4 }, { arbitrary: anyValue, weight: 1 }),
          method: opt('GET', ' post '),
          path: opt('/v1/x'),
          route: opt('/v1/{id}'),
          latency_ms: opt(3, 0.5),
          key_id: opt('key_1'),
          account_id: opt('acc_1'),
          tier: opt('pro'),
          code: opt('rate_limited', 'teapot'),
          message: opt('slow down'),
          details: opt({ reason: 'daily_quota' }),
          idempotency_key: opt('idem_1', ' idem_2 ', 'k'.repeat(255)),
          request_fingerprint: opt('sha256:ab12'),
          idempotent_replayed: opt(true, false, 'true', '0', 1),
          user_agent: opt('curl/8.5.0', 'x'.repeat(600)),
        }),
        (c) => {
          const fast = fastValidate(c as Candidate);
          if (fast === null) return;
          fastHits++;
          const slow = schemaValidate(c as Candidate);
          expect(slow).toEqual({ ok: true, record: fast });
        },
      ),
      { numRuns: 3000 },
    );
    expect(fastHits).toBeGreaterThan(100);
  });

  test('well-typed records take the fast path', () => {
    expect(fastValidate(cand({ method: 'GET', path: '/v1/x', latency_ms: 3, code: 'rate_limited', status: 429, details: { retry_after: 1 } }))).not.toBeNull();
  });
});

describe('lone UTF-16 surrogates', () => {
  test('become U+FFFD in every stored text field, while proper pairs are kept', async () => {
    const { prepareBatch } = await import('@/ingest/index');
    // JSON text with escaped lone surrogates: JSON.parse yields strings that have no UTF-8 form.
    const line =
      '{"request_id":"r1","timestamp":"2026-01-01T00:00:00Z","status":500,"path":"/v1/\\ud800x","route":"/v1/\\udc00",' +
      '"method":"get","key_id":"k\\ud83d","account_id":"a\\ud83d\\ude00","tier":"\\udfff",' +
      '"error":{"code":"internal_error","message":"bad \\ud800 here","details":{"reason":"r\\udbff"}}}';
    const { records, errors } = prepareBatch(new TextEncoder().encode(line));
    expect(errors).toEqual([]);
    const r = records[0];
    expect(r.path).toBe('/v1/\ufffdx');
    expect(r.route).toBe('/v1/\ufffd');
    expect(r.key_id).toBe('k\ufffd');
    expect(r.account_id).toBe('a\u{1f600}');
    expect(r.tier).toBe('\ufffd');
    expect(r.message).toBe('bad \ufffd here');
    expect(r.reason).toBe('r\ufffd');
    // Every stored string now round-trips through UTF-8 unchanged.
    for (const v of [r.path, r.route, r.key_id, r.account_id, r.tier, r.message, r.reason]) {
      expect(new TextDecoder().decode(new TextEncoder().encode(v!))).toBe(v);
    }
  });

  test('a message cut at 4096 characters in the middle of a pair does not end in half of it', () => {
    const c = { request_id: 'r2', timestamp: 1_767_225_600_000, status: 500, code: 'internal_error', message: 'x'.repeat(4095) + '\u{1f600}' };
    const v = validate(c as unknown as Candidate);
    expect(v.ok).toBe(true);
    if (v.ok) expect(v.record.message).toBe('x'.repeat(4095) + '\ufffd');
  });
});
