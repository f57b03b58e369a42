import { describe, expect, test } from 'vitest';
import { extractRequestIds, isRequestId, MAX_LOOKUP_IDS } from '@/lib/request-ids';

const ids = (text: string) => extractRequestIds(text).ids;

describe('extractRequestIds', () => {
  test.each([
    ['a bare id', 'req_3f9a1c2b7d', ['req_3f9a1c2b7d']],
    ['a short opaque id on its own', 'abc', ['abc']],
    ['one id per line, whatever the form', 'abc-1\nZZ9\n  q.7  \n', ['abc-1', 'ZZ9', 'q.7']],
    [
      'a support email',
      'Hi,\nour job failed twice (request id: req_8b1f0c9e22aa41d7, and later X-Request-Id: 7f3e9a10-2b4c-4d5e-8f60-123456789abc).\nThanks, Ana',
      ['req_8b1f0c9e22aa41d7', '7f3e9a10-2b4c-4d5e-8f60-123456789abc'],
    ],
    ['a JSON error envelope', '{"error":{"code":"rate_limited","message":"Slow down","request_id":"req_a1b2c3d4e5"}}', ['req_a1b2c3d4e5']],
    ['an HTTP header dump', 'HTTP/1.1 429\r\nx-request-id: gw-01HZX3K9Q7M2N4P6R8T0V\r\nretry-after: 3', ['gw-01HZX3K9Q7M2N4P6R8T0V']],
    ['requestId=…', 'log: status=500 requestId=Zq81-x7 latency=20', ['Zq81-x7']],
    ['a long hex id', 'trace 9f86d081884c7d659a2feaa0c55ad015 failed', ['9f86d081884c7d659a2feaa0c55ad015']],
    ['a ULID', 'see 01ARZ3NDEKTSV4RRFFQ69G5FAV please', ['01ARZ3NDEKTSV4RRFFQ69G5FAV']],
    ['trailing punctuation is not part of the id', 'Request ID: req_55aa66bb77.', ['req_55aa66bb77']],
    ['duplicates count once, first appearance wins', 'req_1111aaaa22 then req_2222bbbb33 then req_1111aaaa22', ['req_1111aaaa22', 'req_2222bbbb33']],
    ['plain prose has no ids', 'Your API is down again and we are very unhappy about it.', []],
    ['a URL or an email is not an id', 'see https://example.com/docs/errors and write to help@example.com', []],
  ])('%s', (_name, text, expected) => {
    expect(ids(text)).toEqual(expected);
  });

  test(`caps at ${MAX_LOOKUP_IDS} candidates and says so`, () => {
    const text = Array.from({ length: 250 }, (_, i) => `req_${String(i).padStart(10, '0')}`).join(' ');
    const r = extractRequestIds(text);
    expect(r.ids).toHaveLength(MAX_LOOKUP_IDS);
    expect(r.truncated).toBe(true);
    expect(r.ids[0]).toBe('req_0000000000');
  });

  test('every candidate is a valid request id (1–128 visible ASCII)', () => {
    const noisy = `request id: ${'x1'.repeat(100)} and "request_id": "a b" and req_ok123456 ünïcode-01HZX3K9Q7M2N4P6R8T0V`;
    for (const id of ids(noisy)) expect(isRequestId(id)).toBe(true);
  });
});

describe('ids across the scan windows (each pattern searches 16K characters at a time)', () => {
  const ids = ['req_9f8e7d6c5b4a3210', '3f2b8c1e-6a4d-4e5f-9a7b-1c2d3e4f5a6b', '01HZY3K7Q9V2XW5N8M4P6R0T1S', 'a3f9c2e17b4d8f06a3f9c2e17b4d8f06'];
  const boundary = 1 << 14;
  test.each(ids)('%s, wherever it falls around a window edge, alone or labelled', (id) => {
    for (const label of ['', 'Request ID: ', 'x-request-id="']) {
      const needle = `${label}${id}`;
      for (let at = boundary - needle.length - 2; at <= boundary + 2; at++) {
        const text = `${'lorem ipsum '.repeat(Math.ceil(at / 12)).slice(0, at - 1)} ${needle} and more words after it`;
        expect(extractRequestIds(text).ids, `${JSON.stringify(label)} at ${at}`).toEqual([id]);
      }
    }
  });

  test('a word longer than any id, cut by a window edge, is still no id', () => {
    const run = 'ab12'.repeat(100);
    for (let at = boundary - 300; at <= boundary; at += 7) {
      expect(extractRequestIds(`${'x '.repeat(at / 2)}${at % 2 ? 'y' : ''}${run} end`).ids).toEqual([]);
    }
  });
});
