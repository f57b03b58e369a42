// Integers written by a client (path ids, query and form fields): decimal digits only. Number() and z.coerce also
// take "1e0", "0x1", " 1 ", "1.0" and "" (0), so two spellings would name the same row.
import { z } from 'zod';
import { ValidationError } from './api-error';

const DIGITS = /^(?:0|[1-9][0-9]{0,15})$/;

/** The integer `raw` spells in plain decimal, or null (also past Number.MAX_SAFE_INTEGER). */
export function parseIntStrict(raw: string | null | undefined): number | null {
  if (raw == null || !DIGITS.test(raw)) return null;
  const n = Number(raw);
  return Number.isSafeInteger(n) ? n : null;
}

/** A row id from a route segment: a positive plain-decimal integer, else 400 invalid_parameter. */
export function parseIdParam(raw: string, field = 'id'): number {
  const n = parseIntStrict(raw);
  if (n === null || n < 1) throw new ValidationError(`${field}: must be a positive integer such as 12`, field);
  return n;
}

/** zod: an integer given as a JSON number or as a plain-decimal string (a query or form field). */
export const intField = z.union([
  z.number().int(),
  z
    .string()
    .transform((s) => parseIntStrict(s))
    .pipe(z.number({ error: 'must be an integer' })),
]);
