// The one way a value reaches ClickHouse SQL text: `sql` tagged templates render every interpolated value through
// literal() (ClickHouse 18.16 has no server-side query parameters, so the client's `query_params` cannot be used
// on both engines). Identifiers are never interpolated as values: raw() takes only text written in this code.

/** A fragment of SQL text that is already safe (built by `sql`, or a constant passed to raw()). */
export class Sql {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type SqlValue = string | number | boolean | null | Sql | readonly SqlValue[];

/** Constant SQL text written in our code (identifiers, keywords); never user input. */
export function raw(text: string): Sql {
  return new Sql(text);
}

// Every byte ClickHouse's quoted-string parser treats specially, plus the control characters (a NUL or a newline in
// a literal is legal, but escaped they keep queries one line in logs and errors).
const ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '\0': '\\0',
  '\b': '\\b',
  '\f': '\\f',
  '\r': '\\r',
  '\n': '\\n',
  '\t': '\\t',
};

/** A ClickHouse literal for a value: strings quoted and escaped, numbers checked finite, arrays as [a, b]. */
export function literal(v: SqlValue): string {
  if (v === null) return 'NULL';
  if (v instanceof Sql) return v.text;
  if (typeof v === 'string') {
    // Linear: one pass over the string, one class of characters.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: escaping control characters is the point of this class.
    return `'${v.replace(/[\\'\0\b\f\r\n\t\x01-\x07\x0b\x0e-\x1f\x7f]/g, (c) => ESCAPES[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}'`;
  }
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new TypeError(`SQL literal: not a finite number: ${v}`);
    // Integers print without exponent up to 2^53; anything else as a Float64 literal.
    return Number.isInteger(v) && Math.abs(v) <= Number.MAX_SAFE_INTEGER ? String(v) : v.toPrecision(17);
  }
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (Array.isArray(v)) return `[${v.map(literal).join(', ')}]`;
  throw new TypeError(`SQL literal: unsupported value of type ${typeof v}`);
}

/** SQL text with every `${value}` rendered by literal(); nested `sql` fragments are inserted as they are. */
export function sql(strings: TemplateStringsArray, ...values: SqlValue[]): Sql {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += literal(values[i]) + strings[i + 1];
  return new Sql(out);
}

/** Fragments joined by a separator (constant text). */
export function join(parts: readonly Sql[], sep: string): Sql {
  return new Sql(parts.map((p) => p.text).join(sep));
}

/** `a AND b AND …`, or `1` when there is nothing to check. */
export function and(parts: readonly (Sql | undefined)[]): Sql {
  const kept = parts.filter((p): p is Sql => p !== undefined);
  return kept.length ? new Sql(kept.map((p) => `(${p.text})`).join(' AND ')) : new Sql('1');
}
