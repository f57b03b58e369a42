// Candidate fields → GatewayRecord, or the first reason the record cannot be stored.
import { z } from 'zod';
import { retryAfterHeaderSeconds } from '@/lib/behaviour-rules';
import { getCatalogEntry, isStatusMismatch } from '@/lib/catalog';
import type { Candidate } from './normalize';
import type { GatewayRecord } from './types';

/** Stored times must fall in this window: outside it a unit was almost surely misread. */
export const MIN_TS_MS = Date.UTC(2000, 0, 1);
export const MAX_TS_MS = Date.UTC(2100, 0, 1);

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysInMonth = (y: number, m: number) => (m === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : MONTH_DAYS[m - 1]);

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;

/**
 * RFC 3339 (fraction of any length, truncated to ms; offset required), or epoch seconds / milliseconds /
 * microseconds / nanoseconds as a number or digit string, told apart by magnitude. Returns UTC ms or an error text.
 */
export function parseTimestamp(v: unknown): number | string {
  if (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v.trim())) v = Number(v.trim());
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v <= 0) return 'must be a positive epoch time';
    let ms: number;
    if (v < 1e11) ms = v * 1000;
    else if (v < 1e14) ms = v;
    else if (v < 1e17) ms = v / 1e3;
    else ms = v / 1e6;
    ms = Math.floor(ms);
    return ms >= MIN_TS_MS && ms < MAX_TS_MS ? ms : 'epoch time is outside 2000–2100';
  }
  if (typeof v !== 'string') return 'must be an RFC 3339 string or epoch seconds/milliseconds';
  const m = RFC3339.exec(v.trim());
  if (!m) return `"${v.slice(0, 40)}" is not an RFC 3339 time`;
  const [, y, mo, d, h, mi, s, frac, z, sign, oh, om] = m;
  if (!z && !sign) return `"${v.slice(0, 40)}" has no UTC offset (add Z or ±hh:mm)`;
  const year = +y;
  const month = +mo;
  const day = +d;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || +h > 23 || +mi > 59 || +s > 60) {
    return `"${v.slice(0, 40)}" is not a valid date and time`;
  }
  const millis = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0;
  let ms = Date.UTC(year, month - 1, day, +h, +mi, Math.min(+s, 59), millis);
  if (sign) ms -= (sign === '-' ? -1 : 1) * (+oh * 60 + +om) * 60_000;
  return ms >= MIN_TS_MS && ms < MAX_TS_MS ? ms : 'time is outside 2000–2100';
}

const VISIBLE_ASCII = /^[\x21-\x7e]{1,128}$/;

const optionalText = (max: number) =>
  z
    .union([z.string(), z.number().transform(String)])
    .optional()
    .transform((s) => (s === undefined ? null : s.trim() || null))
    .refine((s) => s === null || s.length <= max, { message: `must be at most ${max} characters` });

const optionalNumber = z
  .union([z.number(), z.string().regex(/^\s*\d+(\.\d+)?\s*$/).transform(Number)])
  .optional()
  .transform((n) => (n === undefined ? null : n))
  .refine((n) => n === null || (Number.isFinite(n) && n >= 0), { message: 'must be a number ≥ 0' });

/** A boolean as gateways log it: true/false, 1/0, or their text ("true", "1"). */
export function parseFlag(v: unknown): boolean | null | undefined {
  if (v === undefined) return null;
  if (typeof v === 'boolean') return v;
  if (v === 1 || v === 0) return v === 1;
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (t === 'true' || t === '1') return true;
    if (t === 'false' || t === '0') return false;
  }
  return undefined;
}

/** A user agent longer than this is cut rather than the record refused: it is context, not a key. */
export const MAX_USER_AGENT = 512;

const schema = z.object({
  request_id: z
    .union([z.string(), z.number().int().nonnegative().transform(String)], { error: 'must be a string' })
    .refine((s) => VISIBLE_ASCII.test(s), { message: 'must be 1–128 visible ASCII characters' }),
  timestamp: z.unknown().transform((v, ctx) => {
    const ms = parseTimestamp(v);
    if (typeof ms === 'string') {
      ctx.addIssue({ code: 'custom', message: ms });
      return z.NEVER;
    }
    return ms;
  }),
  status: z
    .union([z.number(), z.string().regex(/^\s*\d{3}\s*$/).transform(Number)], { error: 'must be an integer' })
    .refine((n) => Number.isInteger(n) && n >= 100 && n <= 599, { message: 'must be an integer from 100 to 599' }),
  method: optionalText(16).transform((s) => (s === null ? null : s.toUpperCase())),
  path: optionalText(2048),
  route: optionalText(512),
  latency_ms: optionalNumber,
  key_id: optionalText(256),
  account_id: optionalText(256),
  tier: optionalText(64),
  code: optionalText(128).refine((s) => s === null || VISIBLE_ASCII.test(s), { message: 'must be visible ASCII' }),
  message: z
    .unknown()
    .transform((m) => (m === undefined || m === null ? null : typeof m === 'string' ? m.slice(0, 4096) : JSON.stringify(m).slice(0, 4096))),
  details: z
    .record(z.string(), z.unknown(), { error: 'must be an object' })
    .optional()
    .transform((d) => d ?? null),
  idempotency_key: optionalText(255),
  request_fingerprint: optionalText(256),
  idempotent_replayed: z.unknown().optional().transform((v, ctx) => {
    const b = parseFlag(v);
    if (b === undefined) {
      ctx.addIssue({ code: 'custom', message: 'must be a boolean' });
      return z.NEVER;
    }
    return b;
  }),
  user_agent: z
    .union([z.string(), z.number().transform(String)])
    .optional()
    .transform((s) => (s === undefined ? null : s.trim().slice(0, MAX_USER_AGENT) || null)),
});

/** The envelope fields are reported under their path in the record. */
const FIELD_NAMES: Record<string, string> = { code: 'error.code', message: 'error.message', details: 'error.details' };

export type ValidateOutcome =
  | { ok: true; record: GatewayRecord }
  | { ok: false; code: 'missing_field' | 'invalid_field'; message: string; field: string };

/** Envelopes nest a few levels; far deeper ones would overflow JSON.stringify's stack and fail the whole batch. */
export const MAX_NESTING = 64;

/** True when `v` nests objects or arrays more than `max` levels deep (iterative: safe at any depth). */
export function nestsDeeperThan(v: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[v, 0]];
  while (stack.length > 0) {
    const [x, depth] = stack.pop()!;
    if (typeof x !== 'object' || x === null) continue;
    if (depth >= max) return true;
    for (const child of Object.values(x)) if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return false;
}

export function validate(c: Candidate): ValidateOutcome {
  for (const key of ['details', 'message'] as const) {
    if (nestsDeeperThan(c[key], MAX_NESTING)) {
      const field = FIELD_NAMES[key];
      return { ok: false, code: 'invalid_field', message: `${field} is nested more than ${MAX_NESTING} levels deep.`, field };
    }
  }
  const fast = fastValidate(c);
  const out: ValidateOutcome = fast ? { ok: true, record: fast } : schemaValidate(c);
  if (out.ok && c.retry_after_header !== undefined) withHeaderRetryAfter(out.record, c.retry_after_header);
  return out;
}

/**
 * A 429/5xx whose envelope details lack retry_after but whose response carried a Retry-After header: the header's
 * wait becomes details.retry_after (seconds), so every store classifies what the client did next from one place.
 */
export function withHeaderRetryAfter(record: GatewayRecord, header: unknown): void {
  if (record.details !== null && record.details.retry_after !== undefined) return;
  const seconds = retryAfterHeaderSeconds(header, record.ts_ms);
  if (seconds === null) return;
  record.details = { ...(record.details ?? {}), retry_after: seconds };
}

/** The schema's verdict with its first issue as a record error: the contract, used for every record the fast path declines. */
export function schemaValidate(c: Candidate): ValidateOutcome {
  const parsed = schema.safeParse(c);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue.path[0] ?? '');
    const field = FIELD_NAMES[key] ?? key;
    const missing = (c as unknown as Record<string, unknown>)[key] === undefined;
    if (missing) return { ok: false, code: 'missing_field', message: `${field} is required.`, field };
    return { ok: false, code: 'invalid_field', message: `${field} ${issue.message.replace(/^Invalid input: /, '')}.`, field };
  }
  return { ok: true, record: toRecord(parsed.data) };
}

type Valid = z.output<typeof schema>;

const nativeToWellFormed = (String.prototype as unknown as { toWellFormed?: () => string }).toWellFormed;
const ANY_SURROGATE = /[\ud800-\udfff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Lone UTF-16 surrogates (JSON allows "\ud800"; cutting a message at 4096 may split a pair) have no UTF-8 form:
 * SQLite would store invalid bytes. They become U+FFFD, as TextDecoder does with invalid UTF-8.
 */
export function wellFormed(s: string): string;
export function wellFormed(s: string | null): string | null;
export function wellFormed(s: string | null): string | null {
  if (s === null) return null;
  // Fast path: no surrogate at all (almost every string).
  if (!ANY_SURROGATE.test(s)) return s;
  return nativeToWellFormed ? nativeToWellFormed.call(s) : s.replace(LONE_SURROGATE, '\ufffd');
}

function toRecord(v: Valid): GatewayRecord {
  // A success record has the empty code; an error without an envelope keeps it too rather than being dropped.
  const code = v.code ?? '';
  const reason = v.details && typeof v.details.reason === 'string' ? wellFormed(v.details.reason) : null;
  return {
    request_id: v.request_id,
    code,
    ts_ms: v.timestamp,
    status: v.status,
    method: wellFormed(v.method),
    path: wellFormed(v.path),
    route: wellFormed(v.route),
    latency_ms: v.latency_ms,
    key_id: wellFormed(v.key_id),
    account_id: wellFormed(v.account_id),
    tier: wellFormed(v.tier),
    message: wellFormed(v.message),
    details: v.details,
    reason,
    unknown_code: code !== '' && getCatalogEntry(code) === undefined,
    status_mismatch: code !== '' && isStatusMismatch(code, v.status),
    idempotency_key: wellFormed(v.idempotency_key),
    request_fingerprint: wellFormed(v.request_fingerprint),
    idempotent_replayed: v.idempotent_replayed,
    user_agent: wellFormed(v.user_agent),
  };
}

// zod costs several µs per record, as much as a third of the SQLite insert: records whose fields already have
// the right types take this path, which accepts a strict subset of what the schema accepts (tests check both agree).
const NO = Symbol('decline');
function text(v: unknown, max: number): string | null | typeof NO {
  if (v === undefined) return null;
  if (typeof v !== 'string') return NO;
  const t = v.trim();
  if (t === '') return null;
  return t.length <= max ? t : NO;
}

export function fastValidate(c: Candidate): GatewayRecord | null {
  if (typeof c.request_id !== 'string' || !VISIBLE_ASCII.test(c.request_id)) return null;
  const status = c.status;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) return null;
  const ts = parseTimestamp(c.timestamp);
  if (typeof ts !== 'number') return null;
  const method = text(c.method, 16);
  const path = text(c.path, 2048);
  const route = text(c.route, 512);
  const key_id = text(c.key_id, 256);
  const account_id = text(c.account_id, 256);
  const tier = text(c.tier, 64);
  const code = text(c.code, 128);
  if (method === NO || path === NO || route === NO || key_id === NO || account_id === NO || tier === NO || code === NO) return null;
  if (code !== null && !VISIBLE_ASCII.test(code)) return null;
  const latency = c.latency_ms;
  if (latency !== undefined && (typeof latency !== 'number' || !Number.isFinite(latency) || latency < 0)) return null;
  const message = c.message;
  if (message !== undefined && message !== null && typeof message !== 'string') return null;
  const details = c.details;
  if (details !== undefined && (typeof details !== 'object' || details === null || Array.isArray(details))) return null;
  const idempotency_key = text(c.idempotency_key, 255);
  const request_fingerprint = text(c.request_fingerprint, 256);
  const ua = c.user_agent;
  if (idempotency_key === NO || request_fingerprint === NO || (ua !== undefined && typeof ua !== 'string')) return null;
  const idempotent_replayed = parseFlag(c.idempotent_replayed);
  if (idempotent_replayed === undefined) return null;
  return toRecord({
    request_id: c.request_id,
    timestamp: ts,
    status,
    method: method === null ? null : method.toUpperCase(),
    path,
    route,
    latency_ms: latency ?? null,
    key_id,
    account_id,
    tier,
    code,
    message: typeof message === 'string' ? message.slice(0, 4096) : null,
    details: (details as Record<string, unknown> | undefined) ?? null,
    idempotency_key,
    request_fingerprint,
    idempotent_replayed,
    user_agent: ua === undefined ? null : ua.trim().slice(0, MAX_USER_AGENT) || null,
  });
}
