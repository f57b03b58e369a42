// What the lookup says about the rest of a pasted text: tokens that look meant as request ids but are not ids errata
// can look up (listed as "not ids", never silently dropped), and prefixed ids the extractor's patterns miss
// (`REQ_ab12`), which are looked up too. Pure; extractRequestIds (lib/request-ids.ts) stays the one id extractor.
import { isSpace, MAX_LOOKUP_IDS, MAX_LOOKUP_TEXT, scanRequestIds, unwrapToken } from './request-ids';
import { runAll, runSliced, type SlicedWork } from './sliced';

export const MAX_NOT_IDS = 20;
/** Tokens longer than this are shown cut, with an ellipsis: a not-id is a hint, not a record. */
const SHOWN_CHARS = 64;
/** Id-shaped tokens compared against the extracted ids, at most: the comparison is ids × token length. */
const MAX_EXAMINED = 2000;

const REQ_PREFIXED = /^req(?:uest)?[-_]/i;
const LETTER = /[A-Za-z]/;
const DIGIT = /[0-9]/;
const ID_CHARS = /^[A-Za-z0-9_-]+$/;

function clean(token: string): string {
  return unwrapToken(token);
}

const INVISIBLE_OR_NOT_ASCII = /[^\x21-\x7e]/g;

/** Cut to SHOWN_CHARS, with every character an id never has made visible (a zero-width space reads ⟨U+200B⟩). */
function shown(token: string): string {
  const cut = token.length > SHOWN_CHARS ? `${token.slice(0, SHOWN_CHARS)}…` : token;
  return cut.slice(0, cut.length - (cut.endsWith('…') ? 1 : 0)).replace(INVISIBLE_OR_NOT_ASCII, (c) => `⟨U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}⟩`) + (cut.endsWith('…') ? '…' : '');
}

/** Could this be one of the platform's request ids (letters and digits, long enough)? Used to tell "missing" from "not an id". */
export function plausibleId(id: string): boolean {
  return id.length >= 6 && DIGIT.test(id) && (LETTER.test(id) || id.length >= 16);
}

export interface TokenClasses {
  /** Prefixed tokens the extractor did not return (`REQ_ab12`, `req-1234`): looked up as well. */
  extra: string[];
  /** Id-shaped tokens that are not ids errata can look up (too short, a non-ASCII or invisible character, too long),
   *  and extracted candidates that cannot be ids (a lone word on a line of its own). At most MAX_NOT_IDS. */
  notIds: string[];
}

/** Tokens, and characters of one long token, looked at between two yields of the sliced scan. */
const TOKENS_PER_SLICE = 256;
const CHARS_PER_SLICE = 1 << 14;

/**
 * Splits the text on whitespace (one linear pass) and classifies what the extractor left behind. `ids` are the
 * extractor's candidates; those that are not plausible ids move to `notIds`.
 */
export function classifyTokens(text: string, ids: readonly string[], maxChars = 1_000_000): TokenClasses & { ids: string[] } {
  return runAll(classifySteps(text, ids, maxChars));
}

function* classifySteps(text: string, ids: readonly string[], maxChars: number): SlicedWork<TokenClasses & { ids: string[] }> {
  const input = text.length > maxChars ? text.slice(0, maxChars) : text;
  const kept = ids.filter(plausibleId);
  const notIds = new Set<string>(ids.filter((id) => !plausibleId(id)).map(shown));
  const extra = new Set<string>();
  const known = new Set(ids);
  let examined = 0;
  let tokens = 0;
  for (let end = 0, start = 0; start < input.length; start = end + 1) {
    if ((notIds.size >= MAX_NOT_IDS && extra.size >= MAX_NOT_IDS) || examined >= MAX_EXAMINED) break;
    if (++tokens % TOKENS_PER_SLICE === 0) yield;
    end = start;
    while (end < input.length && !isSpace(input.charCodeAt(end))) if (++end % CHARS_PER_SLICE === 0) yield;
    if (end - start < 4) continue;
    const t = clean(input.slice(start, end));
    if (t.length < 4) continue;
    const prefixed = REQ_PREFIXED.test(t);
    const meant = DIGIT.test(t) && (prefixed || (LETTER.test(t) && t.length >= 8 && !t.includes('/') && !t.includes('@') && !t.includes('=')));
    if (!meant) continue;
    examined++;
    // Is the token part of an extracted id, or an id part of it? ids × token length: for a long token, in slices.
    let inKnown = known.has(t);
    for (let i = 0, compared = 0; !inKnown && i < kept.length; i++) {
      inKnown = kept[i].includes(t) || t.includes(kept[i]);
      compared += t.length;
      if (compared >= CHARS_PER_SLICE) {
        compared = 0;
        yield;
      }
    }
    if (inKnown) continue;
    if (prefixed && t.length > 4 && t.length <= 128 && ID_CHARS.test(t)) {
      if (extra.size < MAX_NOT_IDS) extra.add(t);
    } else if (notIds.size < MAX_NOT_IDS) notIds.add(shown(t));
  }
  return { ids: kept, extra: [...extra].filter((t) => !known.has(t)), notIds: [...notIds] };
}

export interface LookupPlan {
  /** What to look up, in order: the extractor's plausible ids, then prefixed tokens it missed. */
  ids: string[];
  notIds: string[];
  truncated: boolean;
}

/** planLookup as sliced work (runAll or runSliced). */
export function* planLookupSteps(text: string): SlicedWork<LookupPlan> {
  const { ids, truncated } = yield* scanRequestIds(text, MAX_LOOKUP_IDS);
  const c = yield* classifySteps(text, ids, MAX_LOOKUP_TEXT);
  const all = [...c.ids, ...c.extra].slice(0, MAX_LOOKUP_IDS);
  return { ids: all, notIds: c.notIds, truncated: truncated || c.ids.length + c.extra.length > MAX_LOOKUP_IDS };
}

/** The ids of a pasted text and the tokens that are not ids: what goes into the lookup URL (never the text itself). */
export function planLookup(text: string): LookupPlan {
  return runAll(planLookupSteps(text));
}

/** The same, giving the event loop a turn every few milliseconds: a 1 MB text takes up to a few hundred. */
export function planLookupAsync(text: string): Promise<LookupPlan> {
  return runSliced(planLookupSteps(text));
}
