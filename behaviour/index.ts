// Client behaviour as the pages, the API and the CLI read it: a key's verdicts and worst examples, the keys that
// behave worst, an idempotency key's chain, and what the client did around one request (for support replies).
// Store-neutral: every read goes through BehaviourReads (db/store.ts), whichever store keeps the facts.
import type { BehaviourReads } from '@/db/store';
import type { KeyDayRow } from '@/db/types';
import type { IdempotencyChain, KeyBehaviour, KeyDayVerdict } from '@/lib/api-types';
import { dayRange, isFutileCode } from '@/lib/behaviour-rules';
import { formatGap, readChain } from './chain';
import { sumCounts, verdictOf } from './verdict';

export interface Range {
  from: number;
  to: number;
  now: number;
}

const EXAMPLES = 10;

export async function getKeyBehaviour(store: BehaviourReads, key_id: string, range: Range): Promise<KeyBehaviour> {
  const { from, to } = dayRange(range.from, range.to);
  const q = { from, to, now: range.now, keys: [key_id] };
  const [keyDays, worst_retries, storms, futile_retries] = await Promise.all([
    store.behaviourKeyDays(q),
    store.behaviourLimits({ ...q, retry_class: ['immediate', 'early'], order: 'fastest', limit: EXAMPLES }),
    store.behaviourLimits({ ...q, storm_only: true, order: 'largest_storm', limit: 5 }),
    store.futileRepeats({ ...q, limit: EXAMPLES }),
  ]);
  const days = keyDays.map(verdictOf);
  return { key_id, from_ms: from, to_ms: to, total: verdictOf(sumCounts(days, key_id, from)), days, worst_retries, storms, futile_retries };
}

/** Keys over the range with a verdict other than well_behaved, worst first. */
export async function listWorstKeys(store: BehaviourReads, range: Range, limit = 50): Promise<KeyDayVerdict[]> {
  const { from, to } = dayRange(range.from, range.to);
  const byKey = new Map<string, KeyDayRow[]>();
  for (const d of await store.behaviourKeyDays({ from, to, now: range.now })) {
    const list = byKey.get(d.key_id);
    if (list) list.push(d);
    else byKey.set(d.key_id, [d]);
  }
  return [...byKey]
    .map(([key_id, days]) => verdictOf(sumCounts(days, key_id, from)))
    .filter((v) => !v.verdicts.includes('well_behaved'))
    .sort((a, b) => b.score - a.score || (a.key_id < b.key_id ? -1 : 1))
    .slice(0, limit);
}

export async function getIdempotencyKeyChain(store: BehaviourReads, idempotency_key: string): Promise<IdempotencyChain | null> {
  const { rows, truncated } = await store.idempotencyChain(idempotency_key);
  if (rows.length === 0) return null;
  return { idempotency_key, truncated, ...readChain(rows) };
}

const seconds = (ms: number) => {
  const s = ms / 1000;
  return Number.isInteger(s) ? `${s}` : s.toFixed(1);
};
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export interface RequestForReply {
  request_id: string;
  code: string | null;
  status: number;
  ts_ms: number;
  key_id: string | null;
  idempotency_key: string | null;
}

/**
 * What the client actually did around this request, in words support can send: a 429/503 against its Retry-After,
 * a futile code repeated, an idempotency key's chain. Null when there is nothing to add.
 */
export async function describeClientAction(store: BehaviourReads, r: RequestForReply, now = Date.now()): Promise<string | null> {
  const code = r.code ?? '';
  if (r.key_id !== null && (r.status === 429 || r.status >= 500)) {
    const l = await store.behaviourLimit(r.request_id, code, now);
    if (l) {
      const wait = seconds(l.retry_after_ms);
      if (l.retry_class === 'honoured') return `Your integration waited ${formatGap(l.next_gap_ms!)} before its next request, as asked (${wait} s).`;
      if (l.retry_class === 'abandoned') return `Your integration sent no further request within the hour after being asked to wait ${wait} s.`;
      if (l.retry_class === 'pending') return null;
      const n = await store.countKeyRequestsBetween(l.key_id, l.ts_ms, l.ts_ms + l.retry_after_ms - 1);
      let text = `Your integration sent ${plural(n, 'request')} during the ${wait} seconds it was asked to wait (Retry-After: ${wait}); the first came ${formatGap(l.next_gap_ms!)} after the limit.`;
      if (l.storm) text += ` Its request rate jumped from ${l.requests_before} to ${l.requests_after} requests a minute right after the limit.`;
      return text + ' Honouring Retry-After avoids further limits.';
    }
  }
  if ((code === 'idempotency_key_mismatch' || code === 'idempotency_key_in_progress') && r.idempotency_key !== null) {
    const chain = await getIdempotencyKeyChain(store, r.idempotency_key);
    if (chain) return `The Idempotency-Key ${r.idempotency_key} was ${chain.summary.charAt(0).toLowerCase()}${chain.summary.slice(1)}`;
  }
  if (r.key_id !== null && isFutileCode(code)) {
    const n = await store.countFutileRepeats(r.key_id, code, r.ts_ms - 3_600_000, r.ts_ms + 3_600_000);
    if (n > 0) return `Your integration repeated this request ${plural(n + 1, 'time')} within the same hour and got ${code} each time; retrying cannot succeed until the cause is fixed.`;
  }
  return null;
}
