// Finds request ids in free text (a pasted email, ticket or log line). Pure; ids are opaque, so this casts a wide
// net and the database decides: anything not stored comes back as "missing".
import { z } from 'zod';
import { runAll, runSliced, type SlicedWork } from './sliced';

export const MAX_LOOKUP_IDS = 200;
/** Longer texts are cut: a ticket thread is a few KB, and the scan is linear. */
export const MAX_LOOKUP_TEXT = 1_000_000;

/** POST /api/v1/requests/lookup as JSON (text/plain bodies are the text itself). */
export const lookupBodySchema = z.object({
  text: z.string().max(MAX_LOOKUP_TEXT).describe('Free text: a pasted email, ticket or log lines.'),
});

const VISIBLE = /^[\x21-\x7e]{1,128}$/;

export function isRequestId(s: string): boolean {
  return VISIBLE.test(s);
}

// An id right after a label: "Request ID: abc", "X-Request-Id: abc", "request_id": "abc", requestId=abc.
// Every pattern here sees up to MAX_LOOKUP_TEXT of anyone's text, so none may backtrack more than a bounded
// amount: no two adjacent runs that can match the same character (`\s*:?\s*` splits a run of spaces n ways,
// and a failed match tries them all), hence the whitespace after the separator only when there is one. The runs
// are bounded too: after a label followed by a megabyte of spaces, one failed match would retreat through all of it.
const LABELLED = /(?:x[-_ ]?)?(?:request|req)[-_ ]?id(["'`]?\s{0,64}(?:(?:[:=#]|\bis\b)\s{0,64})?["'`]?)([\x21-\x7e]{1,200})/gi;
const PREFIXED = /\b(?:req|request)[_-][A-Za-z0-9_-]{6,120}/g;
const UUID = /\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b/g;
const HEX = /\b[0-9a-fA-F]{16,128}\b/g;
// Long base62-ish tokens with both letters and digits (ULIDs, nanoids, Stripe-style ids); plain words never match.
const TOKEN = /(?<![\x21-\x7e])[A-Za-z0-9][A-Za-z0-9_.:-]{14,126}[A-Za-z0-9](?![\x21-\x7e])/g;

/** By character code (a megabyte of "(" is one token to unwrap): 1 for the brackets and quotes around an id. */
const LEADING_CODE = codeTable('([{<"\'`');
/** 1 for the closing brackets, quotes and sentence punctuation after an id. */
const TRAILING_CODE = codeTable('.,;:!?)]}>"\'`');

function codeTable(chars: string): Uint8Array {
  const table = new Uint8Array(128);
  for (const c of chars) table[c.charCodeAt(0)] = 1;
  return table;
}
const QUOTES = '"\'`';

function looksLikeId(token: string): boolean {
  return /[0-9]/.test(token) && /[A-Za-z]/.test(token) && !/^https?:/i.test(token) && !token.includes('@');
}

interface Hit {
  at: number;
  id: string;
}

/** Where `raw` starts and ends without its wrapping punctuation (scanned from both ends: a `[…]+$` regex retries from every position). */
function unwrapBounds(raw: string): [number, number] {
  let start = 0;
  let end = raw.length;
  while (start < end && LEADING_CODE[raw.charCodeAt(start)] === 1) start++;
  while (end > start && TRAILING_CODE[raw.charCodeAt(end - 1)] === 1) end--;
  return [start, end];
}

/** `token` without the brackets, quotes and sentence punctuation around it. */
export function unwrapToken(token: string): string {
  const [start, end] = unwrapBounds(token);
  return token.slice(start, end);
}

/** The candidate `raw` found at `at`, without wrapping punctuation. */
function hit(at: number, raw: string): Hit | null {
  const [start, end] = unwrapBounds(raw);
  const id = raw.slice(start, end);
  return id && isRequestId(id) ? { at: at + start, id } : null;
}

/** Returned by a source that has done a slice of work without reaching its next candidate: ask again. */
const TICK = 0;
/** Regex matches or lines a source looks at before it returns TICK. */
const SLICE = 128;

/** The next candidate in order of position, null when there are no more, or TICK. */
type Source = () => Hit | null | typeof TICK;

/** Characters one regex search covers before its source returns TICK. */
const WINDOW = 1 << 14;
/** Longer than any match of the patterns above (LABELLED's is at most ~350): the context a window searches past its end. */
const OVERLAP = 512;

/**
 * Candidates from one global pattern, left to right, as a global search of the whole text would find them. The
 * search runs on windows of WINDOW characters (plus one character before, for \b and lookbehind, and OVERLAP after)
 * so one call never scans the whole megabyte: a match may start only inside the window, and every match is shorter
 * than OVERLAP, so it ends, lookahead included, inside the searched text.
 */
function matches(input: string, re: RegExp, toHit: (m: RegExpExecArray) => Hit | null): Source {
  const own = new RegExp(re.source, re.flags);
  let from = 0;
  return () => {
    let n = 0;
    while (from < input.length) {
      const base = Math.max(0, from - 1);
      const windowEnd = Math.min(input.length, from + WINDOW);
      const chunk = input.slice(base, Math.min(input.length, windowEnd + OVERLAP));
      own.lastIndex = from - base;
      let m = own.exec(chunk);
      for (; m && base + m.index < windowEnd; m = own.exec(chunk)) {
        from = base + own.lastIndex;
        m.index += base;
        const h = toHit(m);
        if (h) return h;
        if (++n === SLICE) return TICK;
      }
      from = Math.max(from, windowEnd);
      if (from < input.length) return TICK;
    }
    return null;
  };
}

function labelled(m: RegExpExecArray): Hit | null {
  // A quoted value may contain anything visible; an unquoted one stops at the first closing punctuation.
  const [, between, raw] = m;
  const label = between.trimEnd();
  const quoted = label.length > 0 && QUOTES.includes(label[label.length - 1]);
  const at = m.index + m[0].length - raw.length;
  if (!quoted) return hit(at, raw);
  let end = 0;
  while (end < raw.length && !QUOTES.includes(raw[end])) end++;
  return hit(at, raw.slice(0, end));
}

/** What `\s` matches, by code unit. */
export function isSpace(c: number): boolean {
  return (c >= 9 && c <= 13) || c === 32 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** Characters of blank lines nextLine skips before it returns BLANK. */
const BLANK_CHARS = 1 << 14;
/** nextLine's answer when it skipped BLANK_CHARS of blank lines without finding a line: ask again from `next`. */
const BLANK = -1;

/**
 * The next non-blank line as [start, end) without surrounding whitespace and where the line after it starts,
 * starting at `from`; [BLANK, BLANK, next] after a long run of blank lines; null at the end.
 */
function nextLine(input: string, from: number): [number, number, number] | null {
  for (let pos = from; pos <= input.length; ) {
    if (pos - from > BLANK_CHARS) return [BLANK, BLANK, pos];
    let nl = input.indexOf('\n', pos);
    if (nl < 0) nl = input.length;
    let a = pos;
    let b = nl;
    while (a < b && isSpace(input.charCodeAt(a))) a++;
    while (b > a && isSpace(input.charCodeAt(b - 1))) b--;
    if (b > a) return [a, b, nl + 1];
    pos = nl + 1;
  }
  return null;
}

/**
 * When every non-blank line is one token of at most 128 characters, each line is a candidate. All lines are
 * checked first (a slice at a time), then the lines are candidates.
 */
function singleTokenLines(input: string): Source {
  let checking = true;
  let pos = 0;
  return () => {
    let n = 0;
    if (checking) {
      for (let line = nextLine(input, pos); line; line = nextLine(input, pos)) {
        const [a, b, next] = line;
        pos = next;
        if (a === BLANK) return TICK;
        if (b - a > 128) return null;
        for (let i = a; i < b; i++) if (isSpace(input.charCodeAt(i))) return null;
        if (++n === SLICE) return TICK;
      }
      checking = false;
      pos = 0;
    }
    for (let line = nextLine(input, pos); line; line = nextLine(input, pos)) {
      pos = line[2];
      if (line[0] === BLANK) return TICK;
      const h = hit(line[0], input.slice(line[0], line[1]));
      if (h) return h;
      if (++n === SLICE) return TICK;
    }
    return null;
  };
}

export type Found = { ids: string[]; truncated: boolean };

/**
 * The scan, as a generator that pauses (yields) after every slice of work so a caller can let other requests
 * run: a 1 MB text takes tens to hundreds of milliseconds.
 */
export function* scanRequestIds(text: string, max: number): SlicedWork<Found> {
  const input = text.length > MAX_LOOKUP_TEXT ? text.slice(0, MAX_LOOKUP_TEXT) : text;
  const sources: Source[] = [
    matches(input, LABELLED, labelled),
    matches(input, PREFIXED, (m) => hit(m.index, m[0])),
    matches(input, UUID, (m) => hit(m.index, m[0])),
    matches(input, HEX, (m) => (/[0-9]/.test(m[0]) ? hit(m.index, m[0]) : null)),
    matches(input, TOKEN, (m) => (looksLikeId(m[0]) ? hit(m.index, m[0]) : null)),
    singleTokenLines(input),
  ];
  const heads: (Hit | null)[] = [];
  for (const next of sources) {
    let h = next();
    for (; h === TICK; h = next()) yield;
    heads.push(h);
    // A source with no candidate may have just run its pattern over the whole text.
    yield;
  }
  const seen = new Set<string>();
  const ids: string[] = [];
  // End of the text already covered by a candidate: a labelled "req_abc." and the bare "req_abc" are the same id,
  // and a shorter match inside a longer one is not a new id.
  let covered = 0;
  for (let n = 1; ; n++) {
    if (n % SLICE === 0) yield;
    let best = -1;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i];
      if (!h) continue;
      const b = best >= 0 ? heads[best] : null;
      if (!b || h.at < b.at || (h.at === b.at && h.id.length > b.id.length)) best = i;
    }
    if (best < 0) return { ids, truncated: false };
    const h = heads[best]!;
    let next = sources[best]();
    for (; next === TICK; next = sources[best]()) yield;
    heads[best] = next;
    if (next === null) yield;
    const end = h.at + h.id.length;
    if (end <= covered) continue;
    covered = end;
    if (seen.has(h.id)) continue;
    seen.add(h.id);
    if (ids.length >= max) return { ids, truncated: true };
    ids.push(h.id);
  }
}

/**
 * Candidate request ids in order of first appearance, deduplicated, at most `max`.
 * A text that is a single token, or lines that are each a single token, count as ids whatever their form.
 * Each source yields in order of position and is merged lazily, so the scan stops once `max` ids are found.
 */
export function extractRequestIds(text: string, max = MAX_LOOKUP_IDS): Found {
  return runAll(scanRequestIds(text, max));
}

/** The same, giving the event loop a turn every few milliseconds: what a server answering other requests uses. */
export function extractRequestIdsAsync(text: string, max = MAX_LOOKUP_IDS, sliceMs = 5): Promise<Found> {
  return runSliced(scanRequestIds(text, max), sliceMs);
}
