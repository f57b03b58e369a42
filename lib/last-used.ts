// "Last used" of a token, one fact on the tokens page and ingest health: the later of its latest authenticated use
// and its latest ingest call (refused ones included, so a shipper still using a revoked token shows as using it).
export function lastUsedMs(token: { id: number; last_used_ms: number | null }, lastCalls: ReadonlyMap<number, number>): number | null {
  const a = token.last_used_ms;
  const b = lastCalls.get(token.id) ?? null;
  return a === null ? b : b === null ? a : Math.max(a, b);
}
