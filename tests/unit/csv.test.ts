import { parse } from 'csv-parse/sync';
import { describe, expect, test } from 'vitest';
import { csvFilename, csvLine, csvNumber, csvStream, csvText, neutralizeCell, toCsv, type CsvCell } from '@/lib/csv';

describe('neutralizeCell', () => {
  test.each([
    ['=HYPERLINK("http://x")', `'=HYPERLINK("http://x")`],
    ['+1+2', `'+1+2`],
    ['-2+3', `'-2+3`],
    ['@SUM(A1)', `'@SUM(A1)`],
    ['\tcmd', `'\tcmd`],
    ['\rcmd', `'\rcmd`],
    ['plain', 'plain'],
    ['a=b', 'a=b'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(neutralizeCell(input)).toBe(expected);
  });

  test.each([
    [null, ''],
    [undefined, ''],
    [-1.5, '-1.5'],
    [0, '0'],
    [true, 'true'],
    [false, 'false'],
  ] as [CsvCell, string][])('%j → %j (numbers are numbers, not formulas)', (input, expected) => {
    expect(neutralizeCell(input)).toBe(expected);
  });
});

describe('toCsv', () => {
  test('RFC 4180: CRLF, quotes doubled, commas and newlines quoted; a CSV parser reads the cells back', () => {
    const rows: CsvCell[][] = [
      ['a,b', 'say "hi"', 'line1\nline2', 'ünïcødé ✓', null, 3],
      ['=1+1', 'x\r\ny', '', 0.25, true, '{"k":"v, w"}'],
    ];
    const text = toCsv(rows);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(parse(text)).toEqual([
      ['a,b', 'say "hi"', 'line1\nline2', 'ünïcødé ✓', '', '3'],
      [`'=1+1`, 'x\r\ny', '', '0.25', 'true', '{"k":"v, w"}'],
    ]);
  });
});

describe('csvText (the hand-written escaper)', () => {
  test.each([
    ['plain', 'plain'],
    ['', ''],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['"', '""""'],
    ['line1\nline2', '"line1\nline2"'],
    ['cr\ronly', '"cr\ronly"'],
    ['x\r\ny', '"x\r\ny"'],
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@cmd', "'@cmd"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', `"'\rcmd"`],
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ['a=b', 'a=b'],
    [' leading space', ' leading space'],
    ["'quoted already", "'quoted already"],
    ['ünïcødé ✓ 😀', 'ünïcødé ✓ 😀'],
    ['semi;colon', 'semi;colon'],
  ])('%j → %j', (input, expected) => {
    expect(csvText(input)).toBe(expected);
  });

  test('numbers are numbers: negative ones are not defused, non-finite and null are empty', () => {
    expect([csvNumber(-1.5), csvNumber(0), csvNumber(1e21), csvNumber(NaN), csvNumber(Infinity), csvNumber(null)]).toEqual(['-1.5', '0', '1e+21', '', '', '']);
  });

  test('csvLine: the cells of neutralizeCell, RFC 4180, CRLF-terminated; a CSV parser reads every cell back', () => {
    const tricky = ['', ',', '"', '\n', '\r', '\r\n', '=', '+', '-', '@', '\t', 'a"b,c\nd', '😀,"', '\u0001', 'x'.repeat(1000)];
    const line = csvLine([...tricky, null, undefined, -2, true, false]);
    expect(line.endsWith('\r\n')).toBe(true);
    expect(parse(line)).toEqual([[...tricky.map((v) => neutralizeCell(v)), '', '', '-2', 'true', 'false']]);
  });

  test('random cells round-trip through a CSV parser', () => {
    const alphabet = ['a', 'Z', '0', ',', '"', '\n', '\r', '=', '+', '-', '@', '\t', ' ', "'", 'é', '✓', '😀', ';'];
    let seed = 12345;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const rows = Array.from({ length: 300 }, () =>
      Array.from({ length: 6 }, () => Array.from({ length: rand(8) }, () => alphabet[rand(alphabet.length)]).join('')),
    );
    expect(parse(toCsv(rows))).toEqual(rows.map((r) => r.map((v) => neutralizeCell(v))));
  });
});

describe('csvStream', () => {
  test('pulls a page only when the reader wants more (backpressure) and stops the source on cancel', async () => {
    let produced = 0;
    let returned = false;
    function* pages(): Generator<CsvCell[][]> {
      try {
        for (let i = 0; i < 1000; i++) {
          produced++;
          yield [[`row${i}`, i]];
        }
      } finally {
        returned = true;
      }
    }
    const reader = csvStream(['name', 'n'], pages()).getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('name,n\r\n');
    await reader.read();
    await new Promise((r) => setTimeout(r, 20));
    expect(produced).toBeLessThan(10);
    await reader.cancel();
    expect(returned).toBe(true);
  });

  test('the whole stream parses back to header + rows', async () => {
    const body = csvStream(['a', 'b'], [[['1', 'x']], [], [['2', '@y']]][Symbol.iterator]());
    const text = await new Response(body).text();
    expect(parse(text)).toEqual([['a', 'b'], ['1', 'x'], ['2', `'@y`]]);
  });
});

test('csvFilename carries the UTC range', () => {
  expect(csvFilename('requests', Date.UTC(2026, 10, 24, 8, 50, 13), Date.UTC(2026, 10, 25, 8, 50))).toBe(
    'errata-requests_20261124T0850Z_20261125T0850Z.csv',
  );
});
