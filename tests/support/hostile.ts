// Values that must reach ClickHouse as plain bytes: SQL metacharacters, escapes, control characters, unicode.
export const HOSTILE = [
  "it's",
  "''",
  "\\'",
  'back\\slash\\',
  '\\',
  'new\nline',
  'cr\r\nlf',
  'nul\0byte',
  'tab\tand\bbell\x07',
  "'; DROP TABLE errata.requests; --",
  "') OR 1=1 --",
  '\\x27',
  'ünïcödé_日本語_🙂',
  '\u2028\u2029',
  '\x7f\x1b[31m',
  '',
];
