// retry_after from the response's Retry-After header when the envelope's details lack it: seconds or an HTTP-date,
// the header name in any case, in the shapes gateways and collectors log headers; the limit is then classified.
import { describe, expect, test } from 'vitest';
import { openDatabase } from '@/db/client';
import { sqliteStoreOn } from '@/db/sqlite/store';
import { prepareBatch, processBatch } from '@/ingest';
import { retryAfterHeaderSeconds } from '@/lib/behaviour-rules';

const T0 = Date.UTC(2026, 10, 25, 8, 0, 0);
const httpDate = (ms: number) => new Date(ms).toUTCString();

describe('retryAfterHeaderSeconds', () => {
  test('delay-seconds and HTTP-dates, relative to the response time', () => {
    expect(retryAfterHeaderSeconds('30', T0)).toBe(30);
    expect(retryAfterHeaderSeconds(' 7 ', T0)).toBe(7);
    expect(retryAfterHeaderSeconds('0', T0)).toBe(0);
    expect(retryAfterHeaderSeconds(12, T0)).toBe(12);
    expect(retryAfterHeaderSeconds(['45'], T0)).toBe(45);
    expect(retryAfterHeaderSeconds(httpDate(T0 + 45_000), T0)).toBe(45);
    // Rounded up: a date 1.2 s ahead asks for 2 s.
    expect(retryAfterHeaderSeconds(httpDate(T0 + 2_000), T0 + 800)).toBe(2);
    expect(retryAfterHeaderSeconds(httpDate(T0 - 60_000), T0)).toBe(0);
    expect(retryAfterHeaderSeconds('Sunday, 06-Nov-94 08:49:37 GMT', Date.UTC(1994, 10, 6, 8, 49, 7))).toBe(30);
    expect(retryAfterHeaderSeconds('Sun Nov  6 08:49:37 1994', Date.UTC(1994, 10, 6, 8, 49, 27))).toBe(10);
  });

  test('anything else is no wait at all', () => {
    for (const v of ['', 'soon', '-5', '1.5', '30s', 'Wed, 35 Foo 2026 99:00:00 GMT', 'x'.repeat(200), null, undefined, {}, -1, Number.NaN, true]) {
      expect(retryAfterHeaderSeconds(v, T0), String(v)).toBeNull();
    }
  });
});

const line = (o: Record<string, unknown>) => ({ request_id: `r_${Math.random().toString(36).slice(2)}`, timestamp: T0, status: 429, key_id: 'k1', route: '/v1/x', method: 'POST', ...o });
const envelope = (details: Record<string, unknown> = {}) => ({ response_body: JSON.stringify({ error: { code: 'rate_limited', message: 'slow down', details } }) });
const detailsOf = (o: Record<string, unknown>) => {
  const p = prepareBatch(Buffer.from(JSON.stringify(line(o))));
  expect(p.errors).toEqual([]);
  return p.records[0].details;
};

describe('Retry-After header at ingest', () => {
  test('becomes details.retry_after when the details lack it, in every header shape and case', () => {
    expect(detailsOf({ ...envelope({ limit: 60 }), response_headers: { 'Retry-After': '30' } })).toEqual({ limit: 60, retry_after: 30 });
    expect(detailsOf({ ...envelope(), response_headers: { 'retry-after': '12' } })).toEqual({ retry_after: 12 });
    expect(detailsOf({ ...envelope(), response: { headers: { 'RETRY-AFTER': '9' } } })).toEqual({ retry_after: 9 });
    expect(detailsOf({ ...envelope(), 'http.response.header.retry-after': ['20'] })).toEqual({ retry_after: 20 });
    expect(detailsOf({ ...envelope(), 'response_headers.Retry-After': '4' })).toEqual({ retry_after: 4 });
    expect(detailsOf({ ...envelope(), responseHeaders: { 'Retry-After': httpDate(T0 + 90_000) } })).toEqual({ retry_after: 90 });
    // A 503 without an envelope at all.
    expect(detailsOf({ status: 503, response_headers: { 'Retry-After': '5' } })).toEqual({ retry_after: 5 });
  });

  test('the details win over the header; a success or an unreadable header adds nothing', () => {
    expect(detailsOf({ ...envelope({ retry_after: 3 }), response_headers: { 'Retry-After': '30' } })).toEqual({ retry_after: 3 });
    expect(detailsOf({ status: 200, response_headers: { 'Retry-After': '30' } })).toBeNull();
    expect(detailsOf({ ...envelope({ limit: 1 }), response_headers: { 'Retry-After': 'later' } })).toEqual({ limit: 1 });
    expect(detailsOf({ ...envelope({ limit: 1 }), request_headers: { 'Retry-After': '30' } })).toEqual({ limit: 1 });
  });

  test('a limit known only from its header is classified like any other', async () => {
    const db = openDatabase(':memory:');
    try {
      const store = sqliteStoreOn(db);
      const lines = [
        { ...line({ request_id: 'lim_1', ...envelope(), response_headers: { 'Retry-After': '30' } }) },
        { ...line({ request_id: 'next_1', status: 200, timestamp: T0 + 400 }) },
        { ...line({ request_id: 'lim_2', key_id: 'k2', ...envelope(), response_headers: { 'retry-after': httpDate(T0 + 10_000) } }) },
        { ...line({ request_id: 'next_2', key_id: 'k2', status: 200, timestamp: T0 + 11_000 }) },
      ];
      const r = await processBatch(store, new TextEncoder().encode(lines.map((l) => JSON.stringify(l)).join('\n')), { token_id: null, min_ts_ms: 0 });
      expect(r.rejected).toBe(0);
      const now = T0 + 86_400_000;
      expect(await store.behaviourLimit('lim_1', 'rate_limited', now)).toMatchObject({ retry_after_ms: 30_000, retry_class: 'immediate', next_request_id: 'next_1' });
      expect(await store.behaviourLimit('lim_2', 'rate_limited', now)).toMatchObject({ retry_after_ms: 10_000, retry_class: 'honoured', next_request_id: 'next_2' });
    } finally {
      db.$client.close();
    }
  });
});
