// What the request page and the draft reply say about a record's details, per code.
import { describe, expect, test } from 'vitest';
import { fixFor, formatDuration, interpretDetails, suggestedReply, type RecordLike } from '@/components/request/details';
import { CAPACITY_REASON_INFO, getCatalogEntry } from '@/lib/catalog';

function rec(code: string | null, status: number, details: Record<string, unknown> | null, reason: string | null = null): RecordLike {
  return { request_id: 'req_test_1', code, status, ts_ms: Date.UTC(2026, 10, 25, 10), message: null, details, reason };
}

describe('interpretDetails', () => {
  test.each([
    ['daily_quota', 'submissions today'],
    ['concurrent_submissions', 'submissions running at once'],
    ['platform_queue', 'platform queue slots'],
  ] as const)('capacity_exceeded %s: its own label, fix and reply, and a used/limit bar in its own words', (reason, noun) => {
    const m = interpretDetails(rec('capacity_exceeded', 429, { reason, used: 5, limit: 5 }, reason));
    expect(m.capacity).toMatchObject({ known: reason, label: CAPACITY_REASON_INFO[reason].label, fix: CAPACITY_REASON_INFO[reason].fix });
    expect(m.usage).toEqual({ used: 5, limit: 5, noun });
    expect(fixFor(getCatalogEntry('capacity_exceeded'), m)).toBe(CAPACITY_REASON_INFO[reason].fix);
    expect(suggestedReply(rec('capacity_exceeded', 429, { reason }, reason), m)).toContain(CAPACITY_REASON_INFO[reason].reply);
  });

  test('capacity_exceeded with a reason the catalog does not know (or none) says so, and falls back to the catalog fix', () => {
    const odd = interpretDetails(rec('capacity_exceeded', 429, { reason: 'moon_phase' }, 'moon_phase'));
    expect(odd.capacity).toMatchObject({ known: null, label: 'Unrecognised reason "moon_phase"' });
    expect(fixFor(getCatalogEntry('capacity_exceeded'), odd)).toBe(getCatalogEntry('capacity_exceeded')!.fix);
    expect(interpretDetails(rec('capacity_exceeded', 429, {})).capacity?.label).toBe('No reason given');
  });

  test('a reason on another code is not read as a capacity reason', () => {
    expect(interpretDetails(rec('rate_limited', 429, { reason: 'daily_quota' }, 'daily_quota')).capacity).toBeNull();
  });

  test('field, retry_after, a lone limit, numeric strings, and unknown keys kept as text', () => {
    const m = interpretDetails(rec('rate_limited', 429, { retry_after: '30', limit: 60, region: { eu: true } }));
    expect(m).toMatchObject({ field: null, retryAfterSec: 30, usage: null, limitOnly: 60 });
    expect(m.other).toEqual([['region', '{"eu":true}']]);
    expect(interpretDetails(rec('invalid_parameter', 400, { field: 'from' })).field).toBe('from');
    expect(interpretDetails(rec('insufficient_credits', 402, { used: 'lots', limit: 1 })).other).toEqual([['used', 'lots']]);
  });

  test('no details, or a success record, means nothing to explain', () => {
    expect(interpretDetails(rec(null, 200, null))).toEqual({ field: null, retryAfterSec: null, usage: null, limitOnly: null, capacity: null, other: [] });
  });
});

describe('suggestedReply', () => {
  test('carries the id, the catalog reply and the specifics', () => {
    const r = suggestedReply(rec('tier_limit_exceeded', 403, { field: 'num_genes', used: 500, limit: 100 }));
    expect(r).toContain('req_test_1');
    expect(r).toContain(getCatalogEntry('tier_limit_exceeded')!.reply);
    expect(r).toContain('The field concerned is "num_genes".');
    expect(r).toContain('The value sent was 500; your tier allows up to 100.');
  });

  test('an unknown code gets an honest holding reply, never a made-up cause', () => {
    const r = suggestedReply(rec('teapot', 418, null));
    expect(r).toContain('status 418 and the error code "teapot"');
    expect(r).toContain('looking into it');
  });

  test('rate limits name the wait and the limit', () => {
    const r = suggestedReply(rec('rate_limited', 429, { retry_after: 90, limit: 60 }));
    expect(r).toContain('The limit for your key is 60 requests per minute.');
    expect(r).toContain('wait 1 min 30 s before retrying');
  });
});

test.each([
  [1, '1 second'],
  [42, '42 seconds'],
  [60, '1 minute'],
  [90, '1 min 30 s'],
  [3600, '1 hour'],
  [5400, '1 h 30 min'],
])('formatDuration(%i) = %s', (s, text) => expect(formatDuration(s)).toBe(text));
