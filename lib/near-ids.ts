// Near-miss request ids: the forms a customer's id takes when retyped (REQ_ for req_, a dropped prefix, one character
// wrong). Pure: the database side (db/queries/near-ids.ts) asks for these candidates with bounded reads.
import { isRequestId } from './request-ids';

export const NEAR_ID_LIMITS = {
  /** Missing ids per lookup that get "did you mean" suggestions. */
  idsPerLookup: 20,
  /** Suggestions shown per missing id. */
  suggestionsPerId: 3,
  /** Point-read variants per missing id (confusable characters). */
  variantsPerId: 300,
  /** Stored ids read by prefix-range scans per missing id, whatever the number of prefixes tried. */
  rangeRowsPerId: 400,
  /** A prefix-range scan stops at this many rows: a shorter prefix would read even more. */
  rowsPerRange: 200,
} as const;

/**
 * True when b is a at most one edit away: one character substituted, inserted, deleted, or two neighbours swapped.
 * Linear in the length.
 */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a[i] === b[i]) i++;
  if (la === lb) {
    // Substitution: the rest equal after i; or a swap of i and i+1.
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return i + 1 < la && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

const PREFIX = /^(?:x-)?req(?:uest)?(?:[-_ ]?id)?[-_:]?/i;

/**
 * Forms of an id that mean the same request: `REQ_abc`, `Request-abc` or `req-abc` for `req_abc`, and `abc` with its
 * prefix dropped. Exact matches of these are treated as found.
 */
export function prefixVariants(id: string): string[] {
  const out = new Set<string>();
  const m = PREFIX.exec(id);
  if (m && m[0].length > 0 && m[0].length < id.length) out.add(`req_${id.slice(m[0].length)}`);
  else out.add(`req_${id}`);
  out.delete(id);
  return [...out].filter(isRequestId);
}

const CONFUSABLE: Record<string, string> = { '0': 'Oo', O: '0o', o: '0O', '1': 'lI', l: '1I', I: '1l', '5': 'S', S: '5', '8': 'B', B: '8' };

/** One-character substitutions a reader makes when copying an id by eye: case, 0/O, 1/l/I, 5/S, 8/B. */
export function confusableVariants(id: string, max: number = NEAR_ID_LIMITS.variantsPerId): string[] {
  const out: string[] = [];
  for (let i = 0; i < id.length && out.length < max; i++) {
    const c = id[i];
    const swaps = new Set<string>(CONFUSABLE[c] ?? '');
    const lower = c.toLowerCase();
    const upper = c.toUpperCase();
    if (lower !== c) swaps.add(lower);
    if (upper !== c) swaps.add(upper);
    for (const s of swaps) {
      if (out.length >= max) break;
      out.push(id.slice(0, i) + s + id.slice(i + 1));
    }
  }
  return out;
}

/**
 * Prefixes to scan stored ids by, longest first: a typo at position i leaves the first i characters intact, so the
 * stored id sits in the index range of every prefix up to i. The scans stop early when a range gets too big.
 */
export function rangePrefixes(id: string, minLength = 4): string[] {
  const out: string[] = [];
  for (let n = id.length - 1; n >= Math.max(1, minLength); n--) out.push(id.slice(0, n));
  return out;
}
