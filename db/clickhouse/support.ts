// The support reads of the ClickHouse store: the lookup page's answer to pasted text, a key's history behind an error,
// and the key summary. The same composition as db/queries/support-lookup.ts, key-history.ts and near-ids.ts over the
// same pure rules (lib/lookup-tokens.ts, lib/near-ids.ts, lib/key-insight.ts); only the bounded reads differ:
// - ids and their variants: point reads of `requests` (sorted by request id);
// - near misses by prefix: a range of the request_id sort key with a LIMIT (each day partition reads its granules);
// - a key's hours from rollup_key_hour (sorted by key first), its latest records from requests_by_key (key, ts_ms),
//   the reasons of those records by point reads (requests_by_key keeps light columns only).
import { edgeHourFor, explainKeyHistory, HOUR_MS, INSIGHT_LOOKBACK_MS, type EdgeRow, type InsightAnchor, type KeyHistory, type KeyHourCount, type KeyInsight } from '@/lib/key-insight';
import { planLookupAsync } from '@/lib/lookup-tokens';
import { confusableVariants, NEAR_ID_LIMITS, prefixVariants, rangePrefixes, withinOneEdit } from '@/lib/near-ids';
import type { KeySummary } from '../queries/key-history';
import { foundIds, insightsToRead, supportAnswer, type SupportLookup } from '../queries/support-lookup';
import type { KeySummaryInput, SupportLookupOptions } from '../store';
import type { RequestRecord } from '../types';
import { and, join, raw, sql, type Sql } from './sql';

type Json = Record<string, unknown>;

export interface SupportReads {
  rows<T = Json>(q: Sql): Promise<T[]>;
  /** Table names to read (Distributed on a cluster). */
  requests: string;
  rollupKeyHour: string;
  rollupKeyDay: string;
  requestsByKey: string;
  getRequests(ids: readonly string[]): Promise<Map<string, RequestRecord[]>>;
  retentionDays(): number | Promise<number>;
}

/** Distinct (key, code) histories read per lookup (as db/queries/support-lookup.ts). */
const EDGE_ROWS = 5000;
const RECENT_SCAN = 2000;

const orNull = (v: unknown) => (v === '' || v === null || v === undefined ? null : String(v));
const n = (v: unknown) => Number(v);
const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
const inList = (values: readonly string[]) => join(values.map((v) => sql`${v}`), ', ');

export class ClickHouseSupport {
  constructor(private readonly r: SupportReads) {}

  private async existing(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.r.rows<{ request_id: string }>(sql`SELECT DISTINCT request_id FROM ${raw(this.r.requests)} WHERE request_id IN (${inList(ids)})`);
    return new Set(rows.map((x) => x.request_id));
  }

  private async variants(ids: readonly string[]): Promise<Map<string, string>> {
    const wanted = new Map<string, string[]>();
    for (const id of ids) wanted.set(id, prefixVariants(id));
    const stored = await this.existing([...new Set([...wanted.values()].flat())]);
    const out = new Map<string, string>();
    for (const [id, vs] of wanted) {
      const hit = vs.find((v) => stored.has(v));
      if (hit) out.set(id, hit);
    }
    return out;
  }

  private async near(missing: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    for (const id of missing.slice(0, NEAR_ID_LIMITS.idsPerLookup)) {
      const found = await this.existing(confusableVariants(id));
      let budget = NEAR_ID_LIMITS.rangeRowsPerId;
      for (const prefix of rangePrefixes(id)) {
        if (found.size >= NEAR_ID_LIMITS.suggestionsPerId || budget <= 0) break;
        const limit = Math.min(NEAR_ID_LIMITS.rowsPerRange, budget);
        // Byte order on both engines: SQLite's BINARY collation compares UTF-8 bytes as ClickHouse does.
        const rows = await this.r.rows<{ request_id: string }>(
          sql`SELECT DISTINCT request_id FROM ${raw(this.r.requests)} WHERE request_id >= ${prefix} AND request_id < ${`${prefix}\u{10FFFF}`}
              ORDER BY request_id LIMIT ${limit + 1}`,
        );
        budget -= rows.length;
        for (const x of rows) if (x.request_id !== id && withinOneEdit(id, x.request_id)) found.add(x.request_id);
        if (rows.length > limit) break;
      }
      found.delete(id);
      if (found.size) out.set(id, [...found].sort().slice(0, NEAR_ID_LIMITS.suggestionsPerId));
    }
    return out;
  }

  private async keyHours(key_id: string, from_ms: number, to_ms: number) {
    return this.r.rows<Json>(
      sql`SELECT bucket_ms AS hour_ms, code, reason, sum(count) AS count FROM ${raw(this.r.rollupKeyHour)}
          WHERE ${and([sql`key_id = ${key_id}`, sql`bucket_ms >= ${from_ms}`, sql`bucket_ms < ${to_ms}`])} GROUP BY hour_ms, code, reason ORDER BY hour_ms, code, reason`,
    );
  }

  async keyHistory(key_id: string, anchor: InsightAnchor, now_ms: number): Promise<KeyHistory> {
    const from_ms = Math.floor((anchor.ts_ms - INSIGHT_LOOKBACK_MS) / HOUR_MS) * HOUR_MS;
    const to_ms = Math.max(now_ms, anchor.ts_ms + 1);
    const hours: KeyHourCount[] = (await this.keyHours(key_id, from_ms, to_ms)).map((h) => ({
      hour_ms: n(h.hour_ms),
      code: orNull(h.code),
      reason: orNull(h.reason),
      count: n(h.count),
    }));
    const edge = edgeHourFor(hours, anchor);
    let edge_rows: EdgeRow[] = [];
    let edge_truncated = false;
    if (edge !== null) {
      // One hour of one key: the day partition of `requests`, filtered (requests_by_key has no reason).
      const rows = await this.r.rows<Json>(
        sql`SELECT ts_ms, code, reason FROM ${raw(this.r.requests)} WHERE ${and([sql`key_id = ${key_id}`, sql`ts_ms >= ${edge}`, sql`ts_ms < ${edge + HOUR_MS}`])}
            ORDER BY ts_ms, id LIMIT ${EDGE_ROWS + 1}`,
      );
      edge_truncated = rows.length > EDGE_ROWS;
      edge_rows = rows.slice(0, EDGE_ROWS).map((x) => ({ ts_ms: n(x.ts_ms), code: orNull(x.code), reason: orNull(x.reason) }));
    }
    return { key_id, from_ms, to_ms, hours, edge_rows, edge_truncated };
  }

  async keyInsight(record: Pick<RequestRecord, 'key_id' | 'code' | 'reason' | 'ts_ms'>, now_ms: number): Promise<KeyInsight | null> {
    if (record.key_id === null || record.code === null) return null;
    const anchor = { code: record.code, reason: record.reason, ts_ms: record.ts_ms };
    return explainKeyHistory(await this.keyHistory(record.key_id, anchor, now_ms), anchor);
  }

  async supportLookup(text: string, opts: SupportLookupOptions = {}): Promise<SupportLookup> {
    const now_ms = opts.now_ms ?? Date.now();
    const plan = await planLookupAsync(text);
    const byId = await this.r.getRequests(plan.ids);
    const unresolved = plan.ids.filter((id) => !byId.has(id));
    const variants = await this.variants(unresolved);
    const variantRecords = await this.r.getRequests([...new Set(variants.values())]);
    const stillMissing = unresolved.filter((id) => !variants.has(id));
    const near = await this.near(stillMissing);

    const found = foundIds(plan.ids, byId, variants, variantRecords);
    const insights = new Map<string, KeyInsight | null>();
    for (const [k, main] of insightsToRead(found, opts.insights !== false)) insights.set(k, await this.keyInsight(main, now_ms));
    const [newest] = await this.r.rows<Json>(sql`SELECT count() AS c, max(ts_ms) AS t FROM ${raw(this.r.requests)}`);
    return supportAnswer(
      plan,
      found,
      insights,
      { ids: stillMissing, near },
      { not_ids: opts.not_ids, retention_days: await this.r.retentionDays(), newest_record_ms: newest && n(newest.c) > 0 ? n(newest.t) : null },
    );
  }

  /**
   * The key's owner as SQLite answers it: of the key's latest day in rollup_key_day, the group (account, tier, status,
   * code, reason) that appeared last, i.e. whose first record was stored last (ids follow the order of storing).
   */
  private async owner(K: Sql): Promise<Json[]> {
    const [day] = await this.r.rows<Json>(sql`SELECT count() AS c, max(bucket_ms) AS d FROM ${raw(this.r.rollupKeyDay)} WHERE key_id = ${K}`);
    if (!day || n(day.c) === 0) return [];
    const d = n(day.d);
    return this.r.rows<Json>(
      sql`SELECT ifNull(account_id, '') AS account_id, ifNull(tier, '') AS tier, status, code, ifNull(reason, '') AS reason, min(id) AS first
          FROM ${raw(this.r.requests)} WHERE ${and([sql`key_id = ${K}`, sql`ts_ms >= ${d}`, sql`ts_ms < ${d + 86_400_000}`])}
          GROUP BY account_id, tier, status, code, reason ORDER BY first DESC LIMIT 1`,
    );
  }

  async keySummary(input: KeySummaryInput): Promise<KeySummary> {
    const from_ms = Math.floor(input.from_ms / HOUR_MS) * HOUR_MS;
    const to_ms = input.to_ms;
    const counts = new Map<string, number>();
    for (const h of await this.keyHours(input.key_id, from_ms, to_ms)) counts.set(String(h.code), (counts.get(String(h.code)) ?? 0) + n(h.count));
    const by_code = [...counts]
      .map(([code, count]) => ({ code: orNull(code), count }))
      .sort((a, b) => b.count - a.count || String(a.code).localeCompare(String(b.code)));
    const requests = by_code.reduce((a, c) => a + c.count, 0);
    const K = sql`${input.key_id}`;
    const [owners, latest, recent] = await Promise.all([
      this.owner(K),
      this.r.rows<Json>(sql`SELECT ts_ms FROM ${raw(this.r.requestsByKey)} WHERE key_value = ${K} ORDER BY ts_ms DESC LIMIT 1`),
      this.r.rows<Json>(
        sql`SELECT request_id, code, status, ts_ms, id, route, path, method FROM
              (SELECT request_id, code, status, ts_ms, id, route, path, method FROM ${raw(this.r.requestsByKey)} WHERE key_value = ${K} ORDER BY ts_ms DESC, id DESC LIMIT ${RECENT_SCAN})
            WHERE code != '' ORDER BY ts_ms DESC, id DESC LIMIT ${input.failures ?? 10}`,
      ),
    ]);
    // requests_by_key keeps light columns: the failures' reasons by point reads of their ids.
    const full = await this.r.getRequests([...new Set(recent.map((x) => String(x.request_id)))]);
    const reasonOf = (id: string, code: string) => full.get(id)?.find((x) => x.code === code)?.reason ?? null;
    const owner = owners[0];
    return {
      key_id: input.key_id,
      account_id: orNull(owner?.account_id ?? null),
      tier: orNull(owner?.tier ?? null),
      from_ms,
      to_ms,
      requests,
      errors: by_code.filter((c) => c.code !== null).reduce((a, c) => a + c.count, 0),
      by_code,
      latest_ms: latest[0] ? n(latest[0].ts_ms) : null,
      recent_failures: recent.map((x) => ({
        request_id: String(x.request_id),
        code: String(x.code),
        reason: reasonOf(String(x.request_id), String(x.code)),
        status: n(x.status),
        ts_ms: n(x.ts_ms),
        method: str(x.method),
        endpoint: str(x.route) ?? str(x.path),
      })),
    };
  }
}
