// What a key's recent history says about one of its errors: "looks revoked since …" for a key that has failed with
// invalid_credentials ever since a given moment, "daily quota used up since …", "rate-limited 80 times in these
// hours". Pure: the history comes from db/queries/key-history.ts (hourly counts plus the records of one hour).
import type { KeyInsight } from './api-types';

export const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** How far back a key's history is read: long enough to see the key working before it broke. */
export const INSIGHT_LOOKBACK_MS = 14 * DAY_MS;
/** Failures needed before errata claims a pattern. */
const MIN_RUN = 3;
const MIN_REPEATED = 3;

export interface KeyHourCount {
  hour_ms: number;
  /** null for success records. */
  code: string | null;
  reason: string | null;
  count: number;
}

/** One record of the key inside the edge hour (the hour where a run began), oldest first. */
export interface EdgeRow {
  ts_ms: number;
  code: string | null;
  reason: string | null;
}

export interface KeyHistory {
  key_id: string;
  from_ms: number;
  to_ms: number;
  /** Hourly counts of the key by code and reason, oldest first. */
  hours: KeyHourCount[];
  /** The records of the hour `edgeHourFor` chose (empty when it chose none), oldest first. */
  edge_rows: EdgeRow[];
  /** true when edge_rows was cut at its limit. */
  edge_truncated: boolean;
}

export interface InsightAnchor {
  code: string | null;
  reason: string | null;
  ts_ms: number;
}

/** What the history says, as the API answers it (lib/wire.ts keyInsightSchema): a run, a used-up daily quota, or repeats. */
export type { KeyInsight };

/** Codes that fail only some requests (the key keeps working otherwise): never a run, counted instead. */
const PARTIAL_CODES = new Set(['rate_limited', 'capacity_exceeded', 'too_many_active_api_requests', 'tier_limit_exceeded']);

const hourOf = (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS;
const same = (h: { code: string | null; reason: string | null }, a: InsightAnchor, withReason: boolean) =>
  h.code === a.code && (!withReason || h.reason === a.reason);

interface HourSummary {
  hour_ms: number;
  total: number;
  matching: number;
}

function byHour(hours: readonly KeyHourCount[], a: InsightAnchor, withReason: boolean): HourSummary[] {
  const m = new Map<number, HourSummary>();
  for (const h of hours) {
    let s = m.get(h.hour_ms);
    if (!s) m.set(h.hour_ms, (s = { hour_ms: h.hour_ms, total: 0, matching: 0 }));
    s.total += h.count;
    if (same(h, a, withReason)) s.matching += h.count;
  }
  return [...m.values()].sort((x, y) => x.hour_ms - y.hour_ms);
}

function isQuota(a: InsightAnchor): boolean {
  return a.code === 'capacity_exceeded' && a.reason === 'daily_quota';
}

/** Where the run containing the anchor began, by hour: the latest mixed hour at or before the anchor's, else the first hour. */
function runBounds(hours: HourSummary[], anchorHour: number): { startIdx: number; mixedStart: boolean; endIdx: number; ongoing: boolean } | null {
  const ai = hours.findIndex((h) => h.hour_ms === anchorHour);
  if (ai < 0) return null;
  let s = ai;
  // The anchor's own hour may be mixed (the run began inside it); earlier hours must be pure to extend the run.
  if (hours[ai].matching === hours[ai].total) {
    while (s > 0 && hours[s - 1].matching === hours[s - 1].total) s--;
    if (s > 0) s--;
  }
  // An hour with none of the code before the run: the run begins at the next hour's first record.
  if (s < ai && hours[s].matching === 0) s++;
  const mixedStart = hours[s].matching !== hours[s].total;
  let e = ai;
  while (e + 1 < hours.length && hours[e + 1].matching === hours[e + 1].total) e++;
  return { startIdx: s, mixedStart, endIdx: e, ongoing: e === hours.length - 1 };
}

/**
 * The hour whose records the query should read to place the start exactly: the mixed hour where the anchor's run
 * began, or the first hour of a daily-quota day. null when the counts alone decide.
 */
export function edgeHourFor(hours: readonly KeyHourCount[], a: InsightAnchor): number | null {
  if (a.code === null) return null;
  const anchorHour = hourOf(a.ts_ms);
  if (isQuota(a)) {
    const day = Math.floor(a.ts_ms / DAY_MS) * DAY_MS;
    const first = hours.find((h) => h.hour_ms >= day && h.hour_ms <= anchorHour && same(h, a, true));
    return first ? first.hour_ms : null;
  }
  if (PARTIAL_CODES.has(a.code)) return null;
  const hs = byHour(hours, a, false);
  const run = runBounds(hs, anchorHour);
  // A pure first hour with history before it: read it for the first record's exact time.
  return run && (run.mixedStart || run.startIdx > 0) ? hs[run.startIdx].hour_ms : null;
}

/** What the key's history says about the anchor's error, or null when it says nothing worth a sentence. */
export function explainKeyHistory(history: KeyHistory, a: InsightAnchor): KeyInsight | null {
  if (a.code === null) return null;
  const code = a.code;
  const anchorHour = hourOf(a.ts_ms);
  const edgeHour = edgeHourFor(history.hours, a);
  const rows = history.edge_truncated ? [] : history.edge_rows;

  if (isQuota(a)) {
    const day_ms = Math.floor(a.ts_ms / DAY_MS) * DAY_MS;
    const inDay = history.hours.filter((h) => h.hour_ms >= day_ms && h.hour_ms < day_ms + DAY_MS && same(h, a, true));
    const count = inDay.reduce((n, h) => n + h.count, 0);
    if (count < MIN_RUN || edgeHour === null) return null;
    const first = rows.find((r) => same(r, a, true));
    return { kind: 'quota', code, since_ms: first?.ts_ms ?? edgeHour, exact: first !== undefined, count, day_ms };
  }

  if (!PARTIAL_CODES.has(code)) {
    const hs = byHour(history.hours, a, false);
    const run = runBounds(hs, anchorHour);
    if (run) {
      let since_ms = hs[run.startIdx].hour_ms;
      let exact = false;
      let count = 0;
      let before = 0;
      let broken = false;
      for (let i = 0; i < hs.length; i++) {
        if (i < run.startIdx) before += hs[i].total;
        else if (i > run.startIdx && i <= run.endIdx) count += hs[i].matching;
      }
      if (run.mixedStart) {
        // Place the start inside the mixed hour: after the last other record at or before the anchor.
        if (rows.length && edgeHour === hs[run.startIdx].hour_ms) {
          let lastOther = -1;
          for (let i = 0; i < rows.length; i++) if (rows[i].code !== code && rows[i].ts_ms <= a.ts_ms) lastOther = i;
          const tail = rows.slice(lastOther + 1);
          // Another code after the anchor inside the same hour: the key works again, so no run.
          if (tail.some((r) => r.code !== code)) broken = true;
          before += lastOther + 1;
          count += tail.length;
          if (tail.length) {
            since_ms = tail[0].ts_ms;
            exact = true;
          }
        } else {
          // Without the hour's records: count only whole pure hours, from the next one.
          before += hs[run.startIdx].total;
          since_ms = hs[run.startIdx].hour_ms + HOUR_MS;
          if (run.startIdx === hs.findIndex((h) => h.hour_ms === anchorHour)) broken = true;
        }
      } else {
        count += hs[run.startIdx].matching;
        if (rows.length && edgeHour === hs[run.startIdx].hour_ms) {
          since_ms = rows[0].ts_ms;
          exact = true;
        }
      }
      if (!broken && count >= MIN_RUN) {
        return { kind: 'run', code, since_ms, exact, count, before, ongoing: run.ongoing, latest_ms: hs[run.endIdx].hour_ms };
      }
    }
  }

  // Counted around the anchor: its hour and the one either side.
  const from_ms = anchorHour - HOUR_MS;
  const to_ms = anchorHour + 2 * HOUR_MS;
  let count = 0;
  let total = 0;
  for (const h of history.hours) {
    if (h.hour_ms < from_ms || h.hour_ms >= to_ms) continue;
    total += h.count;
    if (same(h, a, code === 'capacity_exceeded')) count += h.count;
  }
  if (count < (PARTIAL_CODES.has(code) ? MIN_REPEATED : MIN_REPEATED + 2)) return null;
  return { kind: 'repeated', code, reason: code === 'capacity_exceeded' ? a.reason : null, from_ms, to_ms, count, total };
}

/** What support may see of a key (RequestStore.keySummary): who owns it, what it did over the window, its latest failures. */
export interface KeySummary {
  key_id: string;
  account_id: string | null;
  tier: string | null;
  from_ms: number;
  to_ms: number;
  requests: number;
  errors: number;
  /** Records by code over the window (null = success), most frequent first. */
  by_code: { code: string | null; count: number }[];
  latest_ms: number | null;
  /** The key's latest failures (found among its latest records), newest first. */
  recent_failures: { request_id: string; code: string; reason: string | null; status: number; ts_ms: number; method: string | null; endpoint: string | null }[];
}
