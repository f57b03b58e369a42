import { describe, expect, test } from 'vitest';
import { edgeHourFor, explainKeyHistory, HOUR_MS, type EdgeRow, type KeyHistory, type KeyHourCount } from '@/lib/key-insight';
import { combinedReply, insightReply, insightText, suggestedReply, type RecordLike } from '@/components/request/details';

const T0 = Date.UTC(2026, 10, 28, 0, 0, 0);
const h = (hour: number, code: string | null, count: number, reason: string | null = null): KeyHourCount => ({ hour_ms: T0 + hour * HOUR_MS, code, reason, count });
const at = (hour: number, min: number) => T0 + hour * HOUR_MS + min * 60_000;

function history(hours: KeyHourCount[], edge_rows: EdgeRow[] = []): KeyHistory {
  return { key_id: 'key_1', from_ms: T0, to_ms: T0 + 100 * HOUR_MS, hours, edge_rows, edge_truncated: false };
}

describe('explainKeyHistory: a key that fails with invalid_credentials since a moment looks revoked', () => {
  // Works for two days, then from 14:03 on day 3 every request is refused.
  const hours = [h(10, null, 40), h(30, null, 55), h(62, null, 20), h(62, 'invalid_credentials', 30), h(63, 'invalid_credentials', 60), h(70, 'invalid_credentials', 61)];
  const edge: EdgeRow[] = [
    ...Array.from({ length: 20 }, (_, i) => ({ ts_ms: at(62, 0) + i * 1000, code: null, reason: null })),
    ...Array.from({ length: 30 }, (_, i) => ({ ts_ms: at(62, 3) + i * 1000, code: 'invalid_credentials', reason: null })),
  ];
  const anchor = { code: 'invalid_credentials', reason: null, ts_ms: at(70, 15) };

  test('the query is told which hour to read', () => {
    expect(edgeHourFor(hours, anchor)).toBe(T0 + 62 * HOUR_MS);
  });

  test('exact start from the edge hour, counts since and before', () => {
    const i = explainKeyHistory(history(hours, edge), anchor);
    expect(i).toEqual({ kind: 'run', code: 'invalid_credentials', since_ms: at(62, 3), exact: true, count: 151, before: 115, ongoing: true, latest_ms: T0 + 70 * HOUR_MS });
    expect(insightText(i!)).toBe('This key looks revoked since 2026-11-30 14:03:00 UTC: all 151 of its requests since then failed with invalid_credentials, after 115 that did not in the 14 days before.');
    expect(insightReply(i!)).toContain('The API key used looks revoked since 2026-11-30 14:03:00 UTC');
  });

  test('without the edge hour\'s records, the start is the next whole hour and says "about"', () => {
    const i = explainKeyHistory({ ...history(hours, edge), edge_truncated: true }, anchor);
    expect(i).toMatchObject({ kind: 'run', since_ms: T0 + 63 * HOUR_MS, exact: false, count: 121 });
    expect(insightText(i!)).toContain('since about 2026-11-30 15:00 UTC');
  });

  test('a key that succeeded again after the error is not called revoked', () => {
    const later = [...hours, h(80, null, 5)];
    const i = explainKeyHistory(history(later, edge), anchor);
    expect(i).toMatchObject({ kind: 'run', ongoing: false });
    expect(insightText(i!)).not.toContain('revoked');
    expect(insightReply(i!)).toBeNull();
  });

  test('a success in the same hour after the error breaks the run', () => {
    const mixed = [h(10, null, 40), h(62, 'invalid_credentials', 3), h(62, null, 1)];
    const rows: EdgeRow[] = [
      { ts_ms: at(62, 1), code: 'invalid_credentials', reason: null },
      { ts_ms: at(62, 2), code: 'invalid_credentials', reason: null },
      { ts_ms: at(62, 3), code: 'invalid_credentials', reason: null },
      { ts_ms: at(62, 9), code: null, reason: null },
    ];
    expect(explainKeyHistory(history(mixed, rows), { code: 'invalid_credentials', reason: null, ts_ms: at(62, 2) })).toBeNull();
  });

  test('a key that never worked in the lookback says so instead', () => {
    const i = explainKeyHistory(history([h(5, 'invalid_credentials', 4), h(9, 'invalid_credentials', 2)]), { code: 'invalid_credentials', reason: null, ts_ms: at(9, 1) });
    expect(i).toMatchObject({ kind: 'run', since_ms: T0 + 5 * HOUR_MS, before: 0, count: 6 });
    expect(insightText(i!)).toContain('since it first appeared');
  });

  test('one or two failures are not a pattern', () => {
    expect(explainKeyHistory(history([h(1, null, 9), h(5, 'invalid_credentials', 2)]), { code: 'invalid_credentials', reason: null, ts_ms: at(5, 0) })).toBeNull();
  });
});

describe('explainKeyHistory: limits', () => {
  test('daily quota: the first refusal of the UTC day and how many followed', () => {
    const hours = [h(48 + 9, null, 100), h(48 + 13, 'capacity_exceeded', 12, 'daily_quota'), h(48 + 13, null, 30), h(48 + 15, 'capacity_exceeded', 40, 'daily_quota')];
    const anchor = { code: 'capacity_exceeded', reason: 'daily_quota', ts_ms: at(48 + 15, 30) };
    expect(edgeHourFor(hours, anchor)).toBe(T0 + 61 * HOUR_MS);
    const rows: EdgeRow[] = [{ ts_ms: at(61, 0), code: null, reason: null }, { ts_ms: at(61, 4), code: 'capacity_exceeded', reason: 'daily_quota' }];
    const i = explainKeyHistory(history(hours, rows), anchor);
    expect(i).toEqual({ kind: 'quota', code: 'capacity_exceeded', since_ms: at(61, 4), exact: true, count: 52, day_ms: T0 + 48 * HOUR_MS });
    expect(insightText(i!)).toBe("This key's daily quota has been used up since 2026-11-30 13:04:00 UTC: 52 submissions were refused that day. It resets at 00:00 UTC.");
  });

  test('repeated 429s around the request, with their share of the key\'s requests', () => {
    const hours = [h(9, null, 150), h(9, 'rate_limited', 30), h(10, 'rate_limited', 20), h(10, null, 50), h(14, 'rate_limited', 99)];
    const i = explainKeyHistory(history(hours), { code: 'rate_limited', reason: null, ts_ms: at(10, 5) });
    expect(i).toEqual({ kind: 'repeated', code: 'rate_limited', reason: null, from_ms: T0 + 9 * HOUR_MS, to_ms: T0 + 12 * HOUR_MS, count: 50, total: 250 });
    expect(insightText(i!)).toBe('This key got 50 rate_limited errors between 2026-11-28 09:00 UTC and 12:00 UTC (20 % of its 250 requests).');
    expect(insightReply(i!)).toContain('hit the rate limit 50 times');
  });

  test('a success has nothing to explain', () => {
    expect(explainKeyHistory(history([h(1, null, 100)]), { code: null, reason: null, ts_ms: at(1, 0) })).toBeNull();
  });
});

const rec = (request_id: string, code: string | null, status: number, ts_ms = at(62, 10)): RecordLike => ({ request_id, code, status, ts_ms, message: null, details: null, reason: null });

describe('combinedReply', () => {
  test('one greeting and one sign-off for several ids, a paragraph each, missing ids asked about', () => {
    const r = combinedReply([{ record: rec('req_a', 'not_found', 404) }, { record: rec('req_b', 'invalid_credentials', 401) }], ['req_zz']);
    expect(r.match(/Hello,/g)).toHaveLength(1);
    expect(r.match(/Best regards,/g)).toHaveLength(1);
    expect(r.startsWith('Hello,\n\n')).toBe(true);
    expect(r.endsWith('\n\nBest regards,')).toBe(true);
    expect(r).toContain('About req_a (2026-11-30 14:10:00 UTC): The id in the request does not exist');
    expect(r).toContain('About req_b (2026-11-30 14:10:00 UTC): The API key used was not valid');
    expect(r).toContain('We could not find req_zz in our records.');
    expect(r.indexOf('req_a')).toBeLessThan(r.indexOf('req_b'));
  });

  test('a single id is the single-request reply, with the history sentence', () => {
    const insight = { kind: 'run', code: 'invalid_credentials', since_ms: at(62, 3), exact: true, count: 151, before: 115, ongoing: true, latest_ms: 0 } as const;
    const one = combinedReply([{ record: rec('req_a', 'invalid_credentials', 401), insight }]);
    expect(one).toBe(suggestedReply(rec('req_a', 'invalid_credentials', 401), undefined, insight));
    expect(one).toContain('The API key used looks revoked since 2026-11-30 14:03:00 UTC');
    // The history replaces the catalog's generic "does not exist, was revoked, or has expired", not repeats it.
    expect(one).not.toContain('does not exist, was revoked, or has expired');
  });
});

test('a run that begins on an hour of its own reads that hour for its first record', () => {
  const hours = [h(10, null, 40), h(12, 'invalid_credentials', 5), h(13, 'invalid_credentials', 9)];
  const anchor = { code: 'invalid_credentials', reason: null, ts_ms: at(13, 30) };
  expect(edgeHourFor(hours, anchor)).toBe(T0 + 12 * HOUR_MS);
  const rows: EdgeRow[] = Array.from({ length: 5 }, (_, i) => ({ ts_ms: at(12, 17) + i * 60_000, code: 'invalid_credentials', reason: null }));
  expect(explainKeyHistory(history(hours, rows), anchor)).toMatchObject({ kind: 'run', since_ms: at(12, 17), exact: true, count: 14, before: 40, ongoing: true });
  // Without the rows: the hour, said as "about".
  expect(explainKeyHistory(history(hours), anchor)).toMatchObject({ since_ms: T0 + 12 * HOUR_MS, exact: false, count: 14, before: 40 });
});
