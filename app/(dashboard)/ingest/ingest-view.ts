import 'server-only';
import type { RequestStore } from '@/db/store';
import type { IngestHealthFilters } from '@/db/types';
import { lastUsedMs } from '@/lib/last-used';
import { ValidationError } from '@/lib/api-error';
import { parseFilters, type SearchParamsInput } from '@/lib/filters';

const HOUR_MS = 3_600_000;

export interface IngestScope {
  filters: IngestHealthFilters;
  /** The range as the URL wrote it (relative ranges stay relative in links). */
  range: { from: string | null; to: string | null };
}

/** The page's range (the shared from/to rules) and an optional `token` id. */
export function parseIngestScope(input: SearchParamsInput, now = Date.now()): { ok: true; scope: IngestScope } | { ok: false; message: string } {
  try {
    const f = parseFilters(input, { now });
    const q = input instanceof URLSearchParams ? input.get('token') : input.token;
    const raw = Array.isArray(q) ? q[0] : q;
    let token_id: number | undefined;
    if (raw !== undefined && raw !== null && raw !== '') {
      if (!/^\d{1,9}$/.test(raw)) throw new ValidationError('token: must be a token id', 'token');
      token_id = Number(raw);
    }
    return { ok: true, scope: { filters: { from_ms: f.from, to_ms: f.to, token_id }, range: f.range_input } };
  } catch (e) {
    if (e instanceof ValidationError) return { ok: false, message: e.message };
    throw e;
  }
}

export interface HourPoint {
  t: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  refused: number;
}

/** Everything the ingest page shows, hours zero-filled across the range. */
export async function loadIngestHealth(store: RequestStore, f: IngestHealthFilters, tokens: readonly { id: number; last_used_ms: number | null }[]) {
  const len = f.to_ms - f.from_ms;
  const [series, totals, allTotals, reasons, recent, previous] = await Promise.all([
    store.ingestHealthSeries(f),
    store.ingestHealthTotals(f),
    f.token_id === undefined ? null : store.ingestHealthTotals({ ...f, token_id: undefined }),
    store.rejectionReasons(f),
    store.recentRejections({ limit: 1000, token_id: f.token_id }),
    store.ingestHealthTotals({ ...f, from_ms: f.from_ms - len, to_ms: f.from_ms }),
  ]);
  // The writer keeps the newest 1,000 samples; the page shows the newest of those inside the range.
  const rejections = recent.filter((r) => r.received_ms >= f.from_ms && r.received_ms < f.to_ms).slice(0, 50);

  const start = Math.floor(f.from_ms / HOUR_MS) * HOUR_MS;
  const byHour = new Map<number, HourPoint>();
  for (let t = start; t < f.to_ms; t += HOUR_MS) byHour.set(t, { t, accepted: 0, duplicates: 0, rejected: 0, refused: 0 });
  const rejectedByToken = new Map<number, Map<number, number>>();
  for (const p of series) {
    const h = byHour.get(p.bucket_ms);
    if (h) {
      h.accepted += p.accepted;
      h.duplicates += p.duplicates;
      h.rejected += p.rejected;
      h.refused += p.refused;
    }
    if (p.rejected) {
      const m = rejectedByToken.get(p.token_id) ?? new Map<number, number>();
      m.set(p.bucket_ms, (m.get(p.bucket_ms) ?? 0) + p.rejected);
      rejectedByToken.set(p.token_id, m);
    }
  }
  const sumOf = (rows: typeof totals) => {
    const sum = (k: 'accepted' | 'duplicates' | 'rejected' | 'refused' | 'batches') => rows.reduce((n, t) => n + Number(t[k]), 0);
    return { accepted: sum('accepted'), duplicates: sum('duplicates'), rejected: sum('rejected'), refused: sum('refused'), batches: sum('batches') };
  };
  // The same "last used" as the tokens page: the token's latest authenticated use or ingest call, refused ones included.
  const lastCalls = await store.tokenLastCalls();
  const tokenRows = new Map(tokens.map((t) => [t.id, t]));
  const lastUsed = new Map(totals.map((t) => [t.token_id, lastUsedMs(tokenRows.get(t.token_id) ?? { id: t.token_id, last_used_ms: null }, lastCalls)]));
  return {
    hours: [...byHour.values()],
    lastUsed,
    totals,
    allTotals: allTotals ?? totals,
    reasons,
    rejections,
    rejectedByToken,
    sums: sumOf(totals),
    /** The same-length period just before, for the KPI changes. */
    previousSums: sumOf(previous),
  };
}
