// What a record's `details` mean for its code, as plain data the request page and the reply both use.
// Pure: no DB, no React, so client components may import it.
import { CAPACITY_REASON_INFO, CAPACITY_REASONS, getCatalogEntry, type CapacityReason, type CatalogEntry } from '@/lib/catalog';

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

/** A reply support staff can paste into their answer, in plain words, with this request's specifics. */
export function suggestedReply(record: RecordLike, meaning: DetailsMeaning = interpretDetails(record), clientAction: string | null = null): string {
  const code = record.code ?? '';
  const entry = getCatalogEntry(code);
  const lines: string[] = ['Hello,', '', `Thank you for including the request id ${record.request_id}; it let us find exactly what happened.`, ''];
  const body: string[] = [];
  if (code === '') {
    body.push(`That request succeeded on our side (status ${record.status}).`);
  } else if (!entry) {
    body.push(
      `That request failed with status ${record.status} and the error code "${code}". We are looking into it and will get back to you shortly.`,
    );
  } else if (meaning.capacity) {
    body.push(meaning.capacity.reply ?? `${entry.reply} We are checking which limit it was and will get back to you.`);
  } else {
    body.push(entry.reply);
  }
  if (meaning.field) body.push(`The field concerned is "${meaning.field}".`);
  if (meaning.usage) body.push(usageSentence(code, meaning.capacity?.known ?? null, meaning.usage));
  if (meaning.limitOnly !== null && code === 'rate_limited') {
    body.push(`The limit for your key is ${formatNumber(meaning.limitOnly)} requests per minute.`);
  }
  if (meaning.retryAfterSec !== null) body.push(`The API asked to wait ${formatDuration(meaning.retryAfterSec)} before retrying.`);
  if (clientAction) body.push(clientAction);
  lines.push(body.join(' '), '', 'Best regards,');
  return lines.join('\n');
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
