// The ClickHouse binding function: every value reaches SQL text through literal(); hostile ids stay one literal.
// (tests/contract/clickhouse-writes.test.ts round-trips the same ids through real servers.)
import { describe, expect, test } from 'vitest';
import { and, literal, raw, sql } from '@/db/clickhouse/sql';
import { halfMD5 } from '@/db/clickhouse/store';
import { HOSTILE } from '../support/hostile';


describe('literal', () => {
  test('a string is one quoted literal: no quote or backslash survives unescaped, control characters are escaped', () => {
    for (const s of HOSTILE) {
      const lit = literal(s);
      expect(lit.startsWith("'") && lit.endsWith("'")).toBe(true);
      const body = lit.slice(1, -1);
      // Every quote inside is preceded by an odd run of backslashes (escaped), so the literal cannot end early.
      for (let i = 0; i < body.length; i++) {
        if (body[i] !== "'") continue;
        let k = 0;
        while (i - 1 - k >= 0 && body[i - 1 - k] === '\\') k++;
        expect(k % 2, JSON.stringify(s)).toBe(1);
      }
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the test is that no control character reaches the SQL text.
      expect(body).not.toMatch(/[\0-\x1f\x7f]/);
    }
    expect(literal("it's")).toBe("'it\\'s'");
    expect(literal('a\\b')).toBe("'a\\\\b'");
    expect(literal('n\0\n')).toBe("'n\\0\\n'");
    expect(literal('\x1b')).toBe("'\\x1b'");
  });

  test('numbers, booleans, null and arrays', () => {
    expect(literal(42)).toBe('42');
    expect(literal(-1.5)).toBe('-1.5000000000000000');
    expect(Number(literal(0.1))).toBe(0.1);
    expect(literal(null)).toBe('NULL');
    expect(literal(true)).toBe('1');
    expect(literal(['a', 1, null])).toBe("['a', 1, NULL]");
    expect(() => literal(Number.NaN)).toThrow(/finite/);
    expect(() => literal(Infinity)).toThrow(/finite/);
    expect(() => literal({} as never)).toThrow(/unsupported/);
  });

  test('sql`` renders values as literals and fragments as text', () => {
    const id = "x' OR '1'='1";
    const q = sql`SELECT 1 FROM t WHERE request_id = ${id} AND ${raw('ts_ms')} >= ${5}`;
    expect(q.text).toBe("SELECT 1 FROM t WHERE request_id = 'x\\' OR \\'1\\'=\\'1' AND ts_ms >= 5");
    expect(and([sql`a = ${1}`, undefined, sql`b = ${'2'}`]).text).toBe("(a = 1) AND (b = '2')");
    expect(and([]).text).toBe('1');
  });
});

test('halfMD5: the first 8 bytes of MD5, big-endian (clickhouse-writes.test.ts compares it with the servers)', () => {
  // md5('a') = 0cc175b9c0f1b6a8…, md5('') = d41d8cd98f00b204…
  expect(halfMD5('a')).toBe(BigInt('0x0cc175b9c0f1b6a8'));
  expect(halfMD5('')).toBe(BigInt('0xd41d8cd98f00b204'));
});
