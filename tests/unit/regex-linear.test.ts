// Every regex that sees user input must run in linear time: a lookup of the largest allowed text, of any shape,
// answers well under a second (issue 15, finding 1: `reqid` + 100,000 spaces took 27 s).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { extractRequestIds, extractRequestIdsAsync, isRequestId, MAX_LOOKUP_TEXT } from '@/lib/request-ids';
import { adversarialTexts } from '../support/adversarial-text';

const root = path.resolve(import.meta.dirname, '../..');

/** CPU milliseconds `fn` takes: other processes on a busy machine stretch wall time, not this. */
function timed(fn: () => unknown): number {
  const t = process.cpuUsage();
  fn();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1000;
}

describe('lookup text extraction is linear', () => {
  // Each shape runs at 2% of the limit first, so a quadratic scan fails this test in a second or two instead of
  // hanging it for an hour at full size. The budget is generous for a busy machine; linear scans take ~10-300 ms.
  const BUDGET_MS = 1000;
  test.each(adversarialTexts())('%s', (_name, text) => {
    expect(text.length).toBe(MAX_LOOKUP_TEXT);
    const small = text.slice(0, MAX_LOOKUP_TEXT / 50);
    expect(timed(() => extractRequestIds(small))).toBeLessThan(BUDGET_MS / 10);
    let found: string[] = [];
    const ms = timed(() => (found = extractRequestIds(text).ids));
    expect(ms).toBeLessThan(BUDGET_MS);
    for (const id of found) expect(isRequestId(id)).toBe(true);
  });
});

describe('the server scans in slices', () => {
  // The server answers other requests while a 1 MB lookup is scanned: the async scan gives the event loop a turn
  // every few milliseconds and finds the same ids.
  test.each(adversarialTexts().filter(([name]) => /"a\\n" repeated|distinct|noise|"reqid" \+ " "/.test(name)))('%s', async (_name, text) => {
    const turns: number[] = [];
    let on = true;
    const tick = () => {
      turns.push(performance.now());
      if (on) setImmediate(tick);
    };
    setImmediate(tick);
    const t = performance.now();
    const found = await extractRequestIdsAsync(text);
    const ms = performance.now() - t;
    on = false;
    expect(found).toEqual(extractRequestIds(text));
    // From the scan's start to its end, through every turn the loop got: the old whole-text scan was one gap as long
    // as the scan (it failed here at 580 ms). Pauses come after 5 ms of work, so gaps stay short; the bound is relative
    // (a busy machine stretches every gap) with a floor for short scans.
    const points = [t, ...turns, t + ms];
    const gaps = points.slice(1).map((x, i) => x - points[i]);
    const longest = Math.max(...gaps);
    expect(longest, `${turns.length} turns in ${ms.toFixed(0)} ms, longest gap ${longest.toFixed(0)} ms`).toBeLessThan(Math.max(250, ms * 0.9));
  });
});

/** Regex literals in a TypeScript source, found by a small scanner (a `/` where an expression may start). */
function regexLiterals(source: string): { source: string; flags: string }[] {
  const out: { source: string; flags: string }[] = [];
  const code = source.replace(/^\s*(\/\/|\*|\/\*).*$/gm, '');
  for (let i = 0; i < code.length; i++) {
    if (code[i] === '"' || code[i] === "'" || code[i] === '`') {
      // Skip a string literal (a template's ${...} is skipped with it: close enough for our sources).
      const q = code[i];
      for (i++; i < code.length && code[i] !== q; i++) if (code[i] === '\\') i++;
      continue;
    }
    if (code[i] !== '/' || code[i + 1] === '/' || code[i + 1] === '*') continue;
    let j = i - 1;
    while (j >= 0 && (code[j] === ' ' || code[j] === '\t')) j--;
    const before = code.slice(Math.max(0, j - 5), j + 1);
    if (!(j < 0 || '(,=:[!&|?{};\n'.includes(code[j]) || /\breturn$/.test(before))) continue;
    let k = i + 1;
    let inClass = false;
    for (; k < code.length && code[k] !== '\n'; k++) {
      if (code[k] === '\\') k++;
      else if (code[k] === '[') inClass = true;
      else if (code[k] === ']') inClass = false;
      else if (code[k] === '/' && !inClass) break;
    }
    if (code[k] !== '/') continue;
    let f = k + 1;
    while (/[dgimsuvy]/.test(code[f] ?? '')) f++;
    out.push({ source: code.slice(i + 1, k), flags: code.slice(k + 1, f) });
    i = f - 1;
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name));
}

describe('every regex literal in code that sees user input is linear', () => {
  const files = ['lib', 'auth', 'ingest', 'app', 'db', 'components'].flatMap((d) => sourceFiles(path.join(root, d))).concat(path.join(root, 'proxy.ts'));
  const patterns = files.flatMap((file) => regexLiterals(fs.readFileSync(file, 'utf8')).map((p) => ({ file: path.relative(root, file), ...p })));

  test('the scanner finds the patterns', () => {
    expect(patterns.length).toBeGreaterThan(30);
    expect(patterns.some((p) => p.file === 'lib/request-ids.ts' && p.source.includes('(?:request|req)'))).toBe(true);
    expect(patterns.some((p) => p.file === 'auth/guard.ts' && p.source.includes('Bearer'))).toBe(true);
  });

  // Inputs: the pattern's own literal words (and pairs of them, so "req"+"id" becomes "reqid") followed by a long run
  // of one character and a character nothing expects. A pattern that backtracks over splits of the run is quadratic
  // in its length; at 20,000 characters that costs seconds, a linear one well under a millisecond.
  const RUN = 20_000;
  const CHARS = [' ', '\t', '\n', 'a', 'Z', '0', 'f', '-', '_', '.', ':', '=', '!', '"', "'", '`', '(', ')', '/', '@', '&', '+', 'é'];
  test.each(patterns.map((p) => [`${p.file} /${p.source}/${p.flags}`, p] as const))('%s', (_name, p) => {
    const re = new RegExp(p.source, p.flags.includes('g') ? p.flags : p.flags + 'g');
    const words = [...new Set(p.source.replace(/\\[a-zA-Z]/g, ' ').match(/[A-Za-z]{2,}/g) ?? [])].slice(0, 10);
    const prefixes = ['', ...words, ...words.flatMap((a) => words.map((b) => a + b))];
    let worst = 0;
    let worstInput = '';
    for (const prefix of prefixes) {
      for (const c of CHARS) {
        const input = prefix + c.repeat(RUN) + '\u0001';
        const ms = timed(() => {
          re.lastIndex = 0;
          for (let n = 0; re.exec(input) && n < 1000; n++) if (re.lastIndex === 0) break;
        });
        if (ms > worst) [worst, worstInput] = [ms, `${JSON.stringify(prefix)} + ${JSON.stringify(c)} x ${RUN}`];
      }
    }
    expect(worst, `worst input: ${worstInput}`).toBeLessThan(150);
  });
});
