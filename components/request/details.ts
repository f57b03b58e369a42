// What a record's `details` mean for its code, as plain data the request page and the reply both use.
// Pure: no DB, no React, so client components may import it.
import { CAPACITY_REASON_INFO, CAPACITY_REASONS, getCatalogEntry, type CapacityReason, type CatalogEntry } from '@/lib/catalog';
import { INSIGHT_LOOKBACK_MS, type KeyInsight } from '@/lib/key-insight';

export interface RecordLike {
  request_id: string;
  /** null (or '') for a success record. */
  code: string | null;
  ts_ms: number;
  status: number;
  message: string | null;
  details: Record<string, unknown> | null;
  reason: string | null;
}

export interface Usage {
  used: number;
  limit: number;
  /** What used/limit count, in words ("submissions in flight"). */
  noun: string;
}

export interface CapacityInfo {
  reason: string;
  known: CapacityReason | null;
  label: string;
  fix: string;
  reply: string | null;
}

export interface DetailsMeaning {
  field: string | null;
  retryAfterSec: number | null;
  usage: Usage | null;
  /** A limit without a `used` (rate_limited carries only `limit`). */
  limitOnly: number | null;
  capacity: CapacityInfo | null;
  /** Keys the catalog does not give a meaning to, rendered as text. */
  other: Array<[string, string]>;
}

const KNOWN_KEYS = new Set(['field', 'retry_after', 'used', 'limit', 'reason']);

function num(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

function str(v: unknown): string | null {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

export function displayValue(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

function usageNoun(code: string, reason: string | null): string {
  switch (code) {
    case 'insufficient_credits':
      return 'credit balance against the negative-balance cap';
    case 'tier_limit_exceeded':
      return "requested value against the tier's cap";
    case 'too_many_active_api_requests':
      return 'API submissions in flight';
    case 'rate_limited':
      return 'requests this minute';
    case 'capacity_exceeded':
      if (reason === 'daily_quota') return 'submissions today';
      if (reason === 'concurrent_submissions') return 'submissions running at once';
      if (reason === 'platform_queue') return 'platform queue slots';
      return 'capacity';
    default:
      return 'used of limit';
  }
}

export function isCapacityReason(v: string | null): v is CapacityReason {
  return v !== null && (CAPACITY_REASONS as readonly string[]).includes(v);
}

export function interpretDetails(record: RecordLike): DetailsMeaning {
  const code = record.code ?? '';
  const d = record.details ?? {};
  const reason = record.reason ?? str(d.reason);
  const used = num(d.used);
  const limit = num(d.limit);
  let capacity: CapacityInfo | null = null;
  if (code === 'capacity_exceeded') {
    if (isCapacityReason(reason)) {
      const info = CAPACITY_REASON_INFO[reason];
      capacity = { reason, known: reason, label: info.label, fix: info.fix, reply: info.reply };
    } else {
      capacity = {
        reason: reason ?? '',
        known: null,
        label: reason ? `Unrecognised reason "${reason}"` : 'No reason given',
        fix: 'The record does not say which of the three capacity limits was hit (daily quota, concurrent submissions, platform queue).',
        reply: null,
      };
    }
  }
  const other = Object.entries(d)
    .filter(([k]) => !KNOWN_KEYS.has(k))
    .map(([k, v]) => [k, displayValue(v)] as [string, string]);
  // A details key with a known name but an unusable value is still shown, as text.
  for (const k of ['used', 'limit', 'retry_after'] as const) {
    if (k in d && num(d[k]) === null) other.push([k, displayValue(d[k])]);
  }
  return {
    field: str(d.field),
    retryAfterSec: num(d.retry_after),
    usage: used !== null && limit !== null ? { used, limit, noun: usageNoun(code, reason) } : null,
    limitOnly: used === null && limit !== null ? limit : null,
    capacity,
    other,
  };
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} second${s === 1 ? '' : 's'}`;
  const m = Math.floor(s / 60);
  const rest = s % 60;
  if (m < 60) return rest ? `${m} min ${rest} s` : `${m} minute${m === 1 ? '' : 's'}`;
  const h = Math.floor(m / 60);
  const rm = m % 60;
  return rm ? `${h} h ${rm} min` : `${h} hour${h === 1 ? '' : 's'}`;
}

/** "2026-11-25 08:46:12 UTC" — support staff compare against customer emails, so UTC and seconds. */
export function formatUtc(ts_ms: number, withMs = false): string {
  const iso = new Date(ts_ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, withMs ? 23 : 19)} UTC`;
}

export function formatNumber(n: number): string {
  return Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

/** The fix to show: the capacity reason's own fix when known, else the catalog's. */
export function fixFor(entry: CatalogEntry | undefined, meaning: DetailsMeaning): string | null {
  if (meaning.capacity?.known) return meaning.capacity.fix;
  return entry?.fix ?? null;
}

export const REPLY_GREETING = 'Hello,';
/** Codes whose reply the key's history replaces (it says the same, more precisely), rather than adds to. */
const HISTORY_REPLACES = new Set(['invalid_credentials', 'account_disabled', 'insufficient_credits']);
export const REPLY_SIGN_OFF = 'Best regards,';

/** What to tell the customer about one record, without greeting or sign-off (a reply may cover several requests). */
export function replyBody(
  record: RecordLike,
  meaning: DetailsMeaning = interpretDetails(record),
  insight: KeyInsight | null = null,
  clientAction: string | null = null,
): string {
  const code = record.code ?? '';
  const entry = getCatalogEntry(code);
  const body: string[] = [];
  if (code === '') {
    body.push(`That request succeeded on our side (status ${record.status}).`);
  } else if (!entry) {
    body.push(
      `That request failed with status ${record.status} and the error code "${code}". We are looking into it and will get back to you shortly.`,
    );
  } else if (meaning.capacity) {
    body.push(meaning.capacity.reply ?? `${entry.reply} We are checking which limit it was and will get back to you.`);
  } else if (!(insight?.kind === 'run' && HISTORY_REPLACES.has(code) && insightReply(insight))) {
    body.push(entry.reply);
  }
  if (meaning.field) body.push(`The field concerned is "${meaning.field}".`);
  if (meaning.usage) body.push(usageSentence(code, meaning.capacity?.known ?? null, meaning.usage));
  if (meaning.limitOnly !== null && code === 'rate_limited') {
    body.push(`The limit for your key is ${formatNumber(meaning.limitOnly)} requests per minute.`);
  }
  if (meaning.retryAfterSec !== null) body.push(`The API asked to wait ${formatDuration(meaning.retryAfterSec)} before retrying.`);
  const history = insight ? insightReply(insight) : null;
  if (history) body.push(history);
  // What the client did after this answer (behaviour/): retries, waits, idempotency reuse.
  if (clientAction) body.push(clientAction);
  return body.join(' ');
}

/** One greeting, the paragraphs, one sign-off. */
export function composeReply(paragraphs: readonly string[]): string {
  return [REPLY_GREETING, '', ...paragraphs.flatMap((p, i) => (i ? ['', p] : [p])), '', REPLY_SIGN_OFF].join('\n');
}

/** A reply support staff can paste into their answer, in plain words, with this request's specifics. */
export function suggestedReply(
  record: RecordLike,
  meaning: DetailsMeaning = interpretDetails(record),
  insight: KeyInsight | null = null,
  clientAction: string | null = null,
): string {
  return composeReply([
    `Thank you for including the request id ${record.request_id}; it let us find exactly what happened.`,
    replyBody(record, meaning, insight, clientAction),
  ]);
}

export interface ReplyItem {
  record: RecordLike;
  insight?: KeyInsight | null;
}

/**
 * One answer to an email that quotes several ids: a paragraph per request (in the email's order), one for ids we
 * could not find, and a single greeting and sign-off.
 */
export function combinedReply(items: readonly ReplyItem[], missing: readonly string[] = []): string {
  if (items.length === 1 && missing.length === 0) return suggestedReply(items[0].record, undefined, items[0].insight ?? null);
  const paragraphs: string[] = [];
  const total = items.length + missing.length;
  if (total > 1) paragraphs.push(`Thank you for including the request ids; they let us find exactly what happened.`);
  for (const { record, insight } of items) {
    paragraphs.push(`About ${record.request_id} (${formatUtc(record.ts_ms)}): ${replyBody(record, undefined, insight ?? null)}`);
  }
  if (missing.length) {
    const list = missing.join(', ');
    paragraphs.push(
      missing.length === 1
        ? `We could not find ${list} in our records. Could you check the id, or send the full response headers of that request?`
        : `We could not find ${list} in our records. Could you check these ids, or send the full response headers of those requests?`,
    );
  }
  return composeReply(paragraphs);
}

const shortUtc = (ms: number) => formatUtc(ms).slice(0, 16) + ' UTC';

/** What errata knows from the key's history, for support staff (the request and lookup pages). */
export function insightText(i: KeyInsight): string {
  const since = i.kind === 'repeated' ? '' : i.exact ? formatUtc(i.since_ms) : `about ${shortUtc(i.since_ms)}`;
  const n = (x: number) => formatNumber(x);
  switch (i.kind) {
    case 'run': {
      const all = `all ${n(i.count)} of its requests since then failed with ${i.code}`;
      const tail = i.ongoing ? '' : ', though it has made other requests after this one';
      if (i.before === 0) return `This key has failed with ${i.code} on every request since it first appeared in errata's records (${since}): ${n(i.count)} requests${tail}.`;
      const worked = `, after ${n(i.before)} that did not in the ${Math.round(INSIGHT_LOOKBACK_MS / 86_400_000)} days before`;
      switch (i.code) {
        case 'invalid_credentials':
          return i.ongoing ? `This key looks revoked since ${since}: ${all}${worked}.` : `This key failed with invalid_credentials from ${since} (${n(i.count)} requests)${tail}.`;
        case 'account_disabled':
          return `This key's account looks disabled since ${since}: ${all}${worked}${tail}.`;
        case 'insufficient_credits':
          return `This key's account has been out of credits since ${since}: ${all}${worked}${tail}.`;
        default:
          return `Every request of this key since ${since} failed with ${i.code} (${n(i.count)} requests${worked})${tail}.`;
      }
    }
    case 'quota':
      return `This key's daily quota has been used up since ${since}: ${n(i.count)} submissions were refused that day. It resets at 00:00 UTC.`;
    case 'repeated': {
      const what = i.reason ? `${i.code} (${i.reason})` : i.code;
      const share = i.total ? ` (${Math.round((i.count / i.total) * 100)} % of its ${n(i.total)} requests)` : '';
      return `This key got ${n(i.count)} ${what} errors between ${shortUtc(i.from_ms)} and ${formatUtc(i.to_ms).slice(11, 16)} UTC${share}.`;
    }
  }
}

/** The same fact in words for the customer, or null when it adds nothing to the catalog reply. */
export function insightReply(i: KeyInsight): string | null {
  const since = i.kind === 'repeated' ? '' : i.exact ? formatUtc(i.since_ms) : `about ${shortUtc(i.since_ms)}`;
  switch (i.kind) {
    case 'run':
      if (!i.ongoing || i.before === 0) return null;
      switch (i.code) {
        case 'invalid_credentials':
          return `The API key used looks revoked since ${since}: every request made with it since then has been refused as not valid. Please create a new key in your dashboard and update your integration with it.`;
        case 'account_disabled':
          return `The account that owns this key appears to have been disabled (or not yet verified) since ${since}: every request since then has been refused. Signing in to the website will show the warning to resolve.`;
        case 'insufficient_credits':
          return `Your credit balance has been at the negative-balance cap since ${since}: every request since then has been refused. Topping up credits resumes service immediately.`;
        default:
          return `Every request made with this key since ${since} has failed the same way.`;
      }
    case 'quota':
      return `Your daily quota ran out at ${since}; the ${formatNumber(i.count)} submissions after that were refused until the reset at 00:00 UTC.`;
    case 'repeated':
      if (i.code === 'rate_limited') {
        return `Your key hit the rate limit ${formatNumber(i.count)} times between ${shortUtc(i.from_ms)} and ${formatUtc(i.to_ms).slice(11, 16)} UTC: spreading requests out and waiting for Retry-After before retrying avoids this.`;
      }
      return `This happened ${formatNumber(i.count)} times between ${shortUtc(i.from_ms)} and ${formatUtc(i.to_ms).slice(11, 16)} UTC.`;
  }
}

function usageSentence(code: string, reason: CapacityReason | null, u: Usage): string {
  const used = formatNumber(u.used);
  const limit = formatNumber(u.limit);
  switch (code) {
    case 'tier_limit_exceeded':
      return `The value sent was ${used}; your tier allows up to ${limit}.`;
    case 'too_many_active_api_requests':
      return `At that moment ${used} of your ${limit} allowed API submissions were in flight.`;
    case 'insufficient_credits':
      return `The balance stood at ${used} against a cap of ${limit}.`;
    case 'capacity_exceeded':
      if (reason === 'daily_quota') return `You had used ${used} of your ${limit} daily submissions.`;
      if (reason === 'concurrent_submissions') return `${used} of your ${limit} allowed submissions were running at once.`;
      return `Usage was ${used} against a limit of ${limit}.`;
    default:
      return `Usage was ${used} against a limit of ${limit}.`;
  }
}
