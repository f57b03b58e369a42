// Rejected samples lose the secrets accepted records lose (issue 15, finding 6): query strings, credential
// headers and secret-named fields, before they are stored and again when they are read.
import { describe, expect, test } from 'vitest';
import { openDatabase } from '@/db/client';
import { listRecentRejections } from '@/db/queries/ingest-health';
import { sqliteStoreOn } from '@/db/sqlite/store';
import { processBatch } from '@/ingest';
import { REDACTED, redactText } from '@/lib/redact';

const SECRETS = ['sk_live_123', 'Bearer abc.def', 'abc.def', 'k-xyz', 'hunter2', 'sid=777', 'sig0ff', 'tok-42'];

describe('rejected samples', () => {
  test('stored and listed without query strings, credential headers or secret fields', async () => {
    const db = openDatabase(':memory:');
    const records = [
      // Missing status: rejected after parsing.
      { request_id: 'r1', timestamp: '2026-11-24T10:00:00Z', path: '/v1/charges?api_key=sk_live_123&x=1', headers: { authorization: 'Bearer abc.def', 'X-Api-Key': 'k-xyz', cookie: 'sid=777' } },
      { request_id: 'r2', timestamp: '2026-11-24T10:00:00Z', status: 'teapot', url: 'https://api.example/v1/x?signature=sig0ff', password: 'hunter2', key_id: 'key_visible' },
    ];
    const body = records.map((r) => JSON.stringify(r)).join('\n') + '\n{"request_id": "r3", "access_token": "tok-42", "path": "/a?api_key=sk_live_123"  broken json\n';
    const r = await processBatch(sqliteStoreOn(db), new TextEncoder().encode(body), { token_id: null, received_ms: Date.now() });
    expect(r.rejected).toBe(3);
    const stored = db.$client.prepare('SELECT sample FROM ingest_rejections ORDER BY id').all() as { sample: string }[];
    const listed = listRecentRejections(db).map((x) => x.sample ?? '');
    for (const sample of [...stored.map((s) => s.sample), ...listed]) {
      for (const secret of SECRETS) expect(sample).not.toContain(secret);
      expect(sample).toContain(REDACTED);
    }
    // What is not secret stays readable: the path, the request id, the key's id.
    expect(stored[0].sample).toContain('/v1/charges?[redacted]');
    expect(stored[1].sample).toContain('key_visible');
    expect(stored.map((s) => s.sample).join()).toContain('"request_id":"r1"');
  });

  test('rows stored verbatim by an older version are redacted when read', () => {
    const db = openDatabase(':memory:');
    db.$client
      .prepare('INSERT INTO ingest_rejections (token_id, received_ms, line, code, message, field, sample) VALUES (NULL, 1, 1, ?, ?, NULL, ?)')
      .run('missing_field', 'status is required.', '{"path":"/x?api_key=sk_live_123","headers":{"Authorization":"Bearer abc.def"}}');
    const [row] = listRecentRejections(db);
    expect(row.sample).toBe('{"path":"/x?[redacted]","headers":{"Authorization":"[redacted]"}}');
  });
});

describe('redactText', () => {
  test.each([
    ['a query string', 'GET /v1/x?api_key=sk_live_123 HTTP/1.1', 'GET /v1/x?[redacted] HTTP/1.1'],
    ['a bare Authorization header', 'Authorization: Bearer abc.def\n', 'Authorization: [redacted] [redacted]\n'],
    ['form-style secrets', 'password=hunter2&user=ann', 'password=[redacted]&user=ann'],
    ['an escaped quote inside a secret', '"api_key": "s\\"ecret", "n": 1', '"api_key": "[redacted]", "n": 1'],
    ['ids stay', '"key_id": "k_2", "token_id": 5, "idempotency_key": "ik"', '"key_id": "k_2", "token_id": 5, "idempotency_key": "ik"'],
    ['a question in prose stays', 'why? because', 'why? because'],
    ['already redacted stays the same', '{"p":"/x?[redacted]","authorization":"[redacted]"}', '{"p":"/x?[redacted]","authorization":"[redacted]"}'],
  ])('%s', (_name, input, expected) => expect(redactText(input)).toBe(expected));
});
