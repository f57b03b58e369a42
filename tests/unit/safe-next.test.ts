// Open redirect after sign-in (issue 15, finding 3): `next` must stay on our origin, whatever the browser makes of it.
import { describe, expect, test } from 'vitest';
import { safeNext } from '@/lib/auth/next-path';

describe('safeNext', () => {
  test.each([
    '/admin/audit',
    '/errors?status=5xx&range=now-24h',
    '/requests/req_abc123?x=%2F%2Fevil.example',
    '/keys/k_1#top',
    '/search?q=a%20b%C3%A9',
  ])('keeps the local path %s', (next) => expect(safeNext(next)).toBe(next));

  test.each([
    ['protocol-relative', '//evil.example/x'],
    ['backslash', '/\\evil.example/x'],
    ['backslash pair', '/\\\\evil.example'],
    ['tab (browsers drop it: //evil.example)', '/\t/evil.example/x'],
    ['newline', '/\n/evil.example/x'],
    ['carriage return (a 500 before: CR in Location)', '/\r\nSet-Cookie: x=1'],
    ['a space', '/ /evil.example'],
    ['non-ASCII', '/é'],
    ['full-width slash', '/／evil.example'],
    ['absolute http', 'http://evil.example/'],
    ['javascript:', 'javascript:alert(1)'],
    ['scheme-relative with backslash first', '\\/evil.example'],
    ['relative path', 'admin'],
    ['empty', ''],
    ['NUL', '/\u0000//evil.example'],
    ['too long', `/${'a'.repeat(2001)}`],
  ])('refuses %s', (_name, next) => expect(safeNext(next)).toBe('/'));

  test('normalizes dot segments but stays local', () => {
    expect(safeNext('/a/../admin')).toBe('/admin');
    expect(safeNext('/..//evil.example')).toBe('/');
  });
  test('null and undefined', () => {
    expect(safeNext(null)).toBe('/');
    expect(safeNext(undefined)).toBe('/');
  });
});
