// The answer to a pasted email, as facts and sentences: the lookup page renders it and POST /api/v1/requests/lookup
// returns it, so the two never say different things. Pure (no DB, no React).
import type { SupportLookup } from '@/lib/api-types';
import { getCatalogEntry } from '@/lib/catalog';
import type { LookupAnswer } from '@/lib/api-types';
import { combinedReply, formatUtc, insightText } from '@/components/request/details';

export type { LookupAnswer };
export type LookupLine = LookupAnswer['found'][number];

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

function summaryOf(r: SupportLookup): string {
  const n = r.candidates.length;
  const head = n === 0 ? 'No request ids were found in that text.' : `${n} ${plural(n, 'id', 'ids')} in the text: ${r.found.length} found, ${r.missing.length} missing.`;
  const cut = r.truncated ? ` Only the first ${n} ids were looked up.` : '';
  const k = r.not_ids.length;
  const notIds = k ? ` ${k} ${plural(k, 'token is', 'tokens are')} not ${plural(k, 'an id', 'ids')}.` : '';
  return head + cut + notIds;
}

/** What "missing" may mean; `newest` is the newest stored record's time as the caller wants it shown. */
export function storeNote(retention_days: number, newest: string | null): string {
  const kept = `Not stored. errata keeps ${retention_days} ${plural(retention_days, 'day', 'days')} of records`;
  const latest = newest === null ? '; nothing is stored yet' : `; the newest stored record is from ${newest}`;
  return `${kept}${latest}. Check for typos (ids are case-sensitive); an older request is past retention, a newer one not yet shipped by the gateway.`;
}

export function lookupAnswer(r: SupportLookup): LookupAnswer {
  const found = r.found.map(({ request_id, asked, records, main, insight }): LookupLine => {
    const entry = main.code ? getCatalogEntry(main.code) : undefined;
    return {
      request_id,
      asked,
      records,
      status: main.status,
      code: main.code,
      ts: main.ts,
      ts_ms: main.ts_ms,
      key_id: main.key_id,
      line: main.code === null ? 'Succeeded.' : entry ? `${entry.title}: ${entry.cause}` : `Unknown code ${main.code}.`,
      message: main.message,
      insight,
      insight_text: insight ? insightText(insight) : null,
    };
  });
  const missingIds = r.missing.map((m) => m.id);
  return {
    candidates: r.candidates,
    truncated: r.truncated,
    summary: summaryOf(r),
    found,
    missing: r.missing,
    not_ids: r.not_ids,
    store: {
      retention_days: r.retention_days,
      newest_record: r.newest_record_ms === null ? null : new Date(r.newest_record_ms).toISOString(),
      newest_record_ms: r.newest_record_ms,
      note: storeNote(r.retention_days, r.newest_record_ms === null ? null : formatUtc(r.newest_record_ms)),
    },
    reply: r.found.length ? combinedReply(r.found.map((f) => ({ record: f.main, insight: f.insight })), missingIds) : null,
  };
}
