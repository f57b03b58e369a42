// The lookup page's answer to a pasted email: every id found (directly or as `REQ_x` → `req_x`), near misses for
// the rest, what the key's history says about each error, and what the store holds (retention, newest record).
// Composes the bounded reads of requests.ts, near-ids.ts and key-history.ts with the pure rules of lib/.
import type { Db } from '../client';
import { getRequestsByIds } from './requests';
import { findNearRequestIds, findRequestIdVariants, getNewestRecordMs } from './near-ids';
import { getKeyHistory } from './key-history';
import { getRetentionDays } from './settings';
import type { RequestRecord, SupportFound, SupportLookup, SupportMissing } from '@/lib/api-types';
import { explainKeyHistory, type KeyInsight } from '@/lib/key-insight';
import type { LookupPlan } from '@/lib/lookup-tokens';

/** Distinct (key, code) histories read per lookup; further found ids get no history sentence. */
export const MAX_INSIGHTS = 20;

/** A found id before its key's history is read. */
export type FoundId = Omit<SupportFound, 'insight'>;

/**
 * The ids of the text that are stored (as written, or as a prefix variant), in the text's order and each once, with
 * the record the answer is about: its error, else its only record. The same on every store.
 */
export function foundIds(
  ids: readonly string[],
  byId: Map<string, RequestRecord[]>,
  variants: Map<string, string>,
  variantRecords: Map<string, RequestRecord[]>,
): FoundId[] {
  const seen = new Set<string>();
  const found: FoundId[] = [];
  for (const id of ids) {
    const request_id = byId.has(id) ? id : variants.get(id);
    const records = request_id === undefined ? undefined : (byId.get(request_id) ?? variantRecords.get(request_id));
    if (request_id === undefined || !records || seen.has(request_id)) continue;
    seen.add(request_id);
    found.push({ request_id, asked: request_id === id ? null : id, records, main: records.find((r) => r.code !== null) ?? records[0] });
  }
  return found;
}

/** Found ids whose key history is told once: same key, code, reason and hour. */
export function insightKey(main: RequestRecord): string {
  return `${main.key_id}\u0000${main.code}\u0000${main.reason}\u0000${Math.floor(main.ts_ms / 3_600_000)}`;
}

/** The distinct histories to read for these found ids, at most MAX_INSIGHTS, in the text's order. */
export function insightsToRead(found: readonly FoundId[], wanted = true): Map<string, RequestRecord> {
  const out = new Map<string, RequestRecord>();
  if (!wanted) return out;
  for (const f of found) {
    if (out.size >= MAX_INSIGHTS) break;
    const k = insightKey(f.main);
    if (!out.has(k)) out.set(k, f.main);
  }
  return out;
}

/** The lookup's answer from a store's reads: found ids with their history sentence, missing ids with near misses. */
export function supportAnswer(
  plan: LookupPlan,
  found: readonly FoundId[],
  insights: Map<string, KeyInsight | null>,
  missing: { ids: readonly string[]; near: Map<string, string[]> },
  store: { not_ids?: readonly string[]; retention_days: number; newest_record_ms: number | null },
): SupportLookup {
  return {
    candidates: plan.ids,
    truncated: plan.truncated,
    found: found.map((f) => ({ ...f, insight: insights.get(insightKey(f.main)) ?? null })),
    missing: missing.ids.map((id) => ({ id, did_you_mean: missing.near.get(id) ?? [] })),
    not_ids: [...new Set([...plan.notIds, ...(store.not_ids ?? [])])].slice(0, 20),
    retention_days: store.retention_days,
    newest_record_ms: store.newest_record_ms,
  };
}

export type { SupportFound, SupportLookup, SupportMissing };

/** What the key's history says about this record (null without a key or an error). */
export function insightFor(db: Db, record: Pick<RequestRecord, 'key_id' | 'code' | 'reason' | 'ts_ms'>, now_ms: number): KeyInsight | null {
  if (record.key_id === null || record.code === null) return null;
  const anchor = { code: record.code, reason: record.reason, ts_ms: record.ts_ms };
  return explainKeyHistory(getKeyHistory(db, { key_id: record.key_id, anchor, now_ms }), anchor);
}

/** `plan`: the pasted text's ids (planLookupAsync, sliced so other requests are answered while a 1 MB text is read). */
export function lookupForSupport(db: Db, plan: LookupPlan, opts: { now_ms?: number; not_ids?: readonly string[]; insights?: boolean } = {}): SupportLookup {
  const now_ms = opts.now_ms ?? Date.now();
  const byId = getRequestsByIds(db, plan.ids);
  const unresolved = plan.ids.filter((id) => !byId.has(id));
  const variants = findRequestIdVariants(db, unresolved);
  const variantRecords = getRequestsByIds(db, [...new Set(variants.values())]);
  const stillMissing = unresolved.filter((id) => !variants.has(id));
  const near = findNearRequestIds(db, stillMissing);

  const found = foundIds(plan.ids, byId, variants, variantRecords);
  const insights = new Map<string, KeyInsight | null>();
  for (const [k, main] of insightsToRead(found, opts.insights !== false)) insights.set(k, insightFor(db, main, now_ms));
  return supportAnswer(plan, found, insights, { ids: stillMissing, near }, { not_ids: opts.not_ids, retention_days: getRetentionDays(db), newest_record_ms: getNewestRecordMs(db) });
}
