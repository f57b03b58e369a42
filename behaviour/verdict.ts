// Per key and UTC day: the counts of what the key did after errors, and the verdict they add up to.
import type { KeyDayRow } from '@/db/types';
import type { KeyDayVerdict } from '@/lib/api-types';
import { FUTILE_VERDICT_MIN, type Verdict } from '@/lib/behaviour-rules';

export { VERDICTS, VERDICT_LABELS, type Verdict } from '@/lib/behaviour-rules';

/** What the store aggregates per key and day from the facts (never from raw rows). */
export type KeyDayCounts = KeyDayRow;


/** Share of answered limits retried early or immediately above which a key "ignores Retry-After". */
export const IGNORES_SHARE = 0.5;
export const IGNORES_MIN = 3;

/** The counts with their verdicts and score, as the API answers them (lib/wire.ts keyDayVerdictSchema). */
export type { KeyDayVerdict };

/** Every early retry, storm and futile retry counts against the key's score, which orders keys from worst. */
export function verdictOf(c: KeyDayCounts): KeyDayVerdict {
  const verdicts: Verdict[] = [];
  const ignored = c.early + c.immediate;
  const answered = c.honoured + ignored;
  if (ignored >= IGNORES_MIN && ignored >= IGNORES_SHARE * answered) verdicts.push('ignores_retry_after');
  if (c.storms > 0) verdicts.push('retry_storm');
  if (c.futile_retries >= FUTILE_VERDICT_MIN) verdicts.push('futile_retries');
  if (c.idempotency_mismatch > 0) verdicts.push('reuses_idempotency_keys');
  if (verdicts.length === 0) verdicts.push('well_behaved');
  const score = c.immediate * 2 + c.early + c.storms * 5 + c.futile_retries + c.idempotency_mismatch * 3 + c.idempotency_in_progress;
  return { ...c, verdicts, score };
}

/** Adds days up (a key over a range). */
export function sumCounts(days: readonly KeyDayCounts[], key_id: string, day_ms = 0): KeyDayCounts {
  const total: KeyDayCounts = {
    day_ms,
    key_id,
    limited: 0,
    honoured: 0,
    early: 0,
    immediate: 0,
    abandoned: 0,
    pending: 0,
    storms: 0,
    futile_retries: 0,
    idempotency_mismatch: 0,
    idempotency_in_progress: 0,
  };
  for (const d of days) {
    for (const k of COUNT_FIELDS) total[k] += d[k];
  }
  return total;
}

export const COUNT_FIELDS = [
  'limited',
  'honoured',
  'early',
  'immediate',
  'abandoned',
  'pending',
  'storms',
  'futile_retries',
  'idempotency_mismatch',
  'idempotency_in_progress',
] as const satisfies readonly (keyof KeyDayCounts)[];
