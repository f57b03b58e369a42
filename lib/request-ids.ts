// Finds request ids in free text (a pasted email, ticket or log line). Pure; ids are opaque, so this casts a wide
// net and the database decides: anything not stored comes back as "missing".
// Exports: extractRequestIds, isRequestId, lookupBodySchema, MAX_LOOKUP_IDS, MAX_LOOKUP_TEXT.
import { z } from 'zod';

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
const LABELLED = /(?:x[-_ ]?)?(?:request|req)[-_ ]?id["'`]?\s*(?:[:=#]|\bis\b)?\s*["'`]?([\x21-\x7e]{1,200})/gi;
const PREFIXED = /\b(?:req|request)[_-][A-Za-z0-9_-]{6,120}/g;
const UUID = /\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b/g;
const HEX = /\b[0-9a-fA-F]{16,128}\b/g;
// Long base62-ish tokens with both letters and digits (ULIDs, nanoids, Stripe-style ids); plain words never match.
const TOKEN = /(?<![\x21-\x7e])[A-Za-z0-9][A-Za-z0-9_.:-]{14,126}[A-Za-z0-9](?![\x21-\x7e])/g;

const TRAILING = /[.,;:!?)\]}>"'`]+$/;
const LEADING = /^[(\[{<"'`]+/;

function clean(token: string): string {
  return token.replace(LEADING, '').replace(TRAILING, '');
}

function looksLikeId(token: string): boolean {
  return /[0-9]/.test(token) && /[A-Za-z]/.test(token) && !/^https?:/i.test(token) && !token.includes('@');
}

interface Hit {
  at: number;
  id: string;
}

/**
 * Candidate request ids in order of first appearance, deduplicated, at most `max`.
 * A text that is a single token, or lines that are each a single token, count as ids whatever their form.
 */
export function extractRequestIds(text: string, max = MAX_LOOKUP_IDS): { ids: string[]; truncated: boolean } {
  const input = text.length > MAX_LOOKUP_TEXT ? text.slice(0, MAX_LOOKUP_TEXT) : text;
  const hits: Hit[] = [];
  const push = (at: number, raw: string) => {
    const id = clean(raw);
    if (id && isRequestId(id)) hits.push({ at, id });
  };
  for (const m of input.matchAll(LABELLED)) {
    // A quoted value may contain anything visible; an unquoted one stops at the first closing punctuation.
    const raw = m[1];
    const quoted = /["'`]\s*$/.test(m[0].slice(0, m[0].length - raw.length));
    push(m.index! + m[0].length - raw.length, quoted ? raw.split(/["'`]/)[0] : raw);
  }
  for (const m of input.matchAll(PREFIXED)) push(m.index!, m[0]);
  for (const m of input.matchAll(UUID)) push(m.index!, m[0]);
  for (const m of input.matchAll(HEX)) if (/[0-9]/.test(m[0])) push(m.index!, m[0]);
  for (const m of input.matchAll(TOKEN)) if (looksLikeId(m[0])) push(m.index!, m[0]);
  const lines = input.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  if (lines.length > 0 && lines.every((l) => !/\s/.test(l) && l.length <= 128)) {
    let at = 0;
    for (const l of lines) push((at = input.indexOf(l, at)), l);
  }
  hits.sort((a, b) => a.at - b.at || b.id.length - a.id.length);
  const seen = new Set<string>();
  const ids: string[] = [];
  let truncated = false;
  for (const h of hits) {
    if (seen.has(h.id)) continue;
    // A labelled "req_abc." and the bare "req_abc" are the same id; a shorter match inside a longer one is not.
    if (ids.some((x) => x.includes(h.id))) continue;
    seen.add(h.id);
    if (ids.length >= max) {
      truncated = true;
      break;
    }
    ids.push(h.id);
  }
  return { ids, truncated };
}
