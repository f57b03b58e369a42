// Secrets out of rejected-record samples. An accepted record keeps only known fields and its path loses the query
// string; a rejected one is shown as a sample of what arrived, so the same secrets must go from it before it is
// stored or shown: query strings, credential headers and secret-named fields. Over-redacting a sample costs little.

export const REDACTED = '[redacted]';

// Field names (lowercase, letters and digits only) that hold credentials; `…id` names such as key_id are labels.
const SECRET_NAME = /authorization|cookie|apikey|token|secret|passw(?:or)?d|signature|credential|privatekey/;

export function isSecretName(name: string): boolean {
  const n = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  return !n.endsWith('id') && SECRET_NAME.test(n);
}

const DELIMITER = new Set([' ', '\t', '\r', '\n', '"', "'", '`', '<', '>', '#', ',', ';', '}', ']', ')', '\\']);
const SPACE = new Set([' ', '\t', '\r', '\n']);
const NAME_CHAR = /[A-Za-z0-9_-]/;
const SECRET_WORD = /authorization|cookie|api[-_]?key|token|secret|passw(?:or)?d|signature|credential|private[-_]?key|\b(?:bearer|basic)\b/gi;

/**
 * The same for text that did not parse (a broken JSON line, a log line): every `?query`, the value after a
 * secret-named key (`"authorization": "…"`, `api_key=…`) and the token after Bearer/Basic. One pass, linear.
 */
export function redactText(text: string): string {
  const cuts: [number, number][] = [];
  // Query strings: a '?' inside a token up to the next delimiter.
  for (let i = text.indexOf('?'); i >= 0; i = text.indexOf('?', i + 1)) {
    if (i === 0 || DELIMITER.has(text[i - 1]) || text[i - 1] === '?' || text.startsWith(REDACTED, i + 1)) continue;
    let j = i + 1;
    while (j < text.length && !DELIMITER.has(text[j])) j++;
    if (j > i + 1) cuts.push([i + 1, j]);
    i = j - 1;
  }
  const word = new RegExp(SECRET_WORD.source, 'gi');
  let bareEnd = 0;
  for (let m = word.exec(text); m; m = word.exec(text)) {
    let j = m.index + m[0].length;
    if (/^(?:bearer|basic)$/i.test(m[0])) {
      if (text[j] !== ' ') continue;
    } else {
      // The whole name ("x-api-key", "token_id": bounded both ways), a closing quote, spaces, ':' or '=', spaces.
      let start = m.index;
      while (start > 0 && m.index - start < 64 && NAME_CHAR.test(text[start - 1])) start--;
      while (j < text.length && j - m.index < 64 && NAME_CHAR.test(text[j])) j++;
      word.lastIndex = j;
      if (!isSecretName(text.slice(start, j))) continue;
      if (text[j] === '"' || text[j] === "'") j++;
      while (SPACE.has(text[j])) j++;
      if (text[j] !== ':' && text[j] !== '=') continue;
      j++;
    }
    while (SPACE.has(text[j])) j++;
    let end = j;
    if (text[j] === '"' || text[j] === "'") {
      const q = text[j];
      j++;
      end = j;
      while (end < text.length && text[end] !== q) end += text[end] === '\\' ? 2 : 1;
      end = Math.min(end, text.length);
      word.lastIndex = Math.max(word.lastIndex, end);
    } else {
      // An unquoted value ends at the first delimiter; one that starts inside the previous value ends where it
      // does (so "token=token=…" is scanned once). The search resumes inside it: "Authorization: Bearer abc".
      if (text.startsWith(REDACTED, j)) continue;
      if (j < bareEnd) end = bareEnd;
      else while (end < text.length && !DELIMITER.has(text[end]) && text[end] !== '&') end++;
      bareEnd = end;
    }
    if (end > j) cuts.push([j, end]);
  }
  if (cuts.length === 0) return text;
  cuts.sort((a, b) => a[0] - b[0]);
  let out = '';
  let pos = 0;
  for (const [a, b] of cuts) {
    if (b <= pos) continue;
    out += text.slice(pos, Math.max(a, pos)) + (a >= pos ? REDACTED : '');
    pos = b;
  }
  return out + text.slice(pos);
}
