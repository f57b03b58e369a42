// Ingest health counts calls refused at the door per token, and "last used" is one fact for both pages.
import { expect, test } from 'vitest';
import { openDatabase } from '@/db/client';
import { getIngestHealthTotals, getTokenLastCalls, lastUsedMs, listRecentRejections, UNKNOWN_TOKEN_NAME } from '@/db/queries/ingest-health';
import { createToken, listTokens, revokeToken } from '@/db/queries/tokens';
import { recordRefusedCalls, UNKNOWN_TOKEN_ID } from '@/ingest/write';

const H = 3_600_000;
const T = Date.UTC(2026, 11, 1, 10, 0, 0);

test('refused calls of a revoked token and of unknown tokens show per token, with the latest call as "last used"', () => {
  const db = openDatabase(':memory:');
  const { id } = createToken(db, { name: 'old shipper', scopes: ['ingest'] });
  revokeToken(db, id);
  recordRefusedCalls(
    db,
    [
      { token_id: id, hour_ms: T, count: 40, last_ms: T + 20 * 60_000 },
      { token_id: id, hour_ms: T + H, count: 2, last_ms: T + H + 5_000 },
      { token_id: UNKNOWN_TOKEN_ID, hour_ms: T, count: 3, last_ms: T + 1_000 },
    ],
    [{ token_id: id, received_ms: T + 5_000, code: 'invalid_credentials', message: 'The token was revoked.' }],
  );
  recordRefusedCalls(db, [{ token_id: id, hour_ms: T + H, count: 1, last_ms: T + H + 1_000 }], []);
  const totals = getIngestHealthTotals(db, { from_ms: T - H, to_ms: T + 2 * H });
  expect(totals.map((t) => [t.token_name, t.revoked, t.batches, t.accepted, t.refused, t.last_ms])).toEqual([
    ['old shipper', true, 0, 0, 43, T + H + 5_000],
    [UNKNOWN_TOKEN_NAME, false, 0, 0, 3, T + 1_000],
  ]);
  expect(listRecentRejections(db)[0]).toMatchObject({ token_name: 'old shipper', code: 'invalid_credentials', line: 0 });
  const token = listTokens(db).find((t) => t.id === id)!;
  expect(token.last_used_ms).toBeNull();
  expect(lastUsedMs(token, getTokenLastCalls(db))).toBe(T + H + 5_000);
});
