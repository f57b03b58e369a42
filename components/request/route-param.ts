/** A dynamic route segment as the user meant it: Next 16 hands params over still percent-encoded. */
export function decodeRouteParam(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    // A lone "%" is not valid encoding; treat the segment as literal text.
    return raw;
  }
}
