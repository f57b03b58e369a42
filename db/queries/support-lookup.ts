// The lookup page's answer to a pasted email: every id found (directly or as `REQ_x` → `req_x`), near misses for
// the rest, what the key's history says about each error, and what the store holds (retention, newest record).
// Composes the bounded reads of requests.ts, near-ids.ts and key-history.ts with the pure rules of lib/.
import type { Db } from '../client';
import { getRequestsByIds, type RequestRecord } from './requests';
import { findNearRequestIds, findRequestIdVariants, getNewestRecordMs } from './near-ids';
import { getKeyHistory } from './key-history';
import { getRetentionDays } from './settings';
import type { SupportFound, SupportLookup, SupportMissing } from '@/lib/api-types';
import { explainKeyHistory, type KeyInsight } from '@/lib/key-insight';
import type { LookupPlan } from '@/lib/lookup-tokens';

/** Distinct (key, code) histories read per lookup; further found ids get no history sentence. */
const MAX_INSIGHTS = 20;

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

  const insights = new Map<string, KeyInsight | null>();
  const seen = new Set<string>();
  const found: SupportFound[] = [];
  for (const id of plan.ids) {
    const request_id = byId.has(id) ? id : variants.get(id);
    const records = request_id === undefined ? undefined : (byId.get(request_id) ?? variantRecords.get(request_id));
    if (request_id === undefined || !records || seen.has(request_id)) continue;
    seen.add(request_id);
    const main = records.find((r) => r.code !== null) ?? records[0];
    const k = `${main.key_id}\u0000${main.code}\u0000${main.reason}\u0000${Math.floor(main.ts_ms / 3_600_000)}`;
    if (opts.insights !== false && !insights.has(k) && insights.size < MAX_INSIGHTS) insights.set(k, insightFor(db, main, now_ms));
    found.push({ request_id, asked: request_id === id ? null : id, records, main, insight: insights.get(k) ?? null });
  }
  return {
    candidates: plan.ids,
    truncated: plan.truncated,
    found,
    missing: stillMissing.map((id) => ({ id, did_you_mean: near.get(id) ?? [] })),
    not_ids: [...new Set([...plan.notIds, ...(opts.not_ids ?? [])])].slice(0, 20),
    retention_days: getRetentionDays(db),
    newest_record_ms: getNewestRecordMs(db),
  };
}
