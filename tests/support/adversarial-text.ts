// Texts of the largest size a lookup accepts, shaped to make a backtracking regex (or any per-position rescan)
// take quadratic time: long runs of each character class, labels followed by runs, and repeated alternations.
import { MAX_LOOKUP_TEXT } from '@/lib/request-ids';

/** `unit` repeated (after `head`) up to exactly `size` characters. */
export function fill(head: string, unit: string, size = MAX_LOOKUP_TEXT): string {
  const n = Math.max(0, size - head.length);
  return (head + unit.repeat(Math.ceil(n / unit.length))).slice(0, size);
}

/** Named adversarial lookup texts, each exactly `size` characters long. */
export function adversarialTexts(size = MAX_LOOKUP_TEXT): [string, string][] {
  const labels = ['reqid', 'request id', 'X-Request-Id:', 'request_id"', '"request_id": "', 'requestId=', 'req id is', 'xreq-id#'];
  const runs = [' ', '\t', '\n', '\r\n', 'a', 'Z', '0', 'f', '-', '_', '.', ':', '!', '"', "'", '`', '(', ')', '@', 'é'];
  const out: [string, string][] = [];
  for (const l of labels) for (const r of [' ', '\t', ':', '"', '!']) out.push([`${JSON.stringify(l)} + ${JSON.stringify(r)} run`, fill(l, r, size)]);
  for (const r of runs) out.push([`${JSON.stringify(r)} run`, fill('', r, size)]);
  const repeats = [
    'reqid ', 'reqid', 'req_', 'req-id:', 'request_id: ', 'x-request-id: x ', 'is ', 'a1', 'a1 ', 'a1.', '1a:', 'f0', 'f0 ',
    '0123456789abcdef ', 'aaaaaaaa-aaaa-aaaa-aaaa-', 'aaaaaaaa-', 'req_abcdef12 ', '(req_abcdef12). ', '"a" ', 'a\n', 'https://x1 ',
    'a@b1c2d3e4f5g6h7 ', '!.!.', ' :', ': ',
  ];
  for (const r of repeats) out.push([`${JSON.stringify(r)} repeated`, fill('', r, size)]);
  // Many distinct candidates: every one is new, so deduplication cannot shortcut.
  let distinct = '';
  for (let i = 0; distinct.length < size; i++) distinct += `req_${i.toString(36).padStart(8, '0')} `;
  out.push(['distinct prefixed ids', distinct.slice(0, size)]);
  let lines = '';
  for (let i = 0; lines.length < size; i++) lines += `${i.toString(36)}q\n`;
  out.push(['distinct one-token lines', lines.slice(0, size)]);
  // Deterministic noise over visible ASCII and whitespace.
  let seed = 42;
  const chars = Array.from({ length: size }, () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const c = seed % 100;
    return c < 10 ? ' ' : String.fromCharCode(0x21 + (c % 94));
  });
  out.push(['visible noise', chars.join('')]);
  return out;
}
