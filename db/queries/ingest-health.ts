// Reads for the ingest health page: what each token sent per hour, and the latest rejected records with reasons.
// Token 0 / NULL is ingest without a token (the CLI's import and demo).
import { and, desc, eq, gte, lt, sql } from 'drizzle-orm';
import { redactText } from '@/lib/redact';
import type { Db } from '../client';
import { ingestHealthHour, ingestRejections, tokens } from '../schema';

export const NO_TOKEN_NAME = 'CLI (no token)';

export interface IngestHealthFilters {
  from_ms: number;
  to_ms: number;
  token_id?: number;
}

export interface IngestHealthPoint {
  bucket_ms: number;
  token_id: number;
  token_name: string;
  batches: number;
  accepted: number;
  duplicates: number;
  rejected: number;
}

const tokenName = sql<string>`coalesce(${tokens.name}, ${NO_TOKEN_NAME})`;

function healthWhere(f: IngestHealthFilters) {
  return and(
    gte(ingestHealthHour.bucket_ms, Math.floor(f.from_ms / 3_600_000) * 3_600_000),
    lt(ingestHealthHour.bucket_ms, f.to_ms),
    f.token_id === undefined ? undefined : eq(ingestHealthHour.token_id, f.token_id),
  );
}

/** One row per token and hour that saw a batch, oldest first (hours without batches are absent: zero-fill in the caller's range). */
export function getIngestHealthSeries(db: Db, f: IngestHealthFilters): IngestHealthPoint[] {
  return db
    .select({
      bucket_ms: ingestHealthHour.bucket_ms,
      token_id: ingestHealthHour.token_id,
      token_name: tokenName,
      batches: ingestHealthHour.batches,
      accepted: ingestHealthHour.accepted,
      duplicates: ingestHealthHour.duplicates,
      rejected: ingestHealthHour.rejected,
    })
    .from(ingestHealthHour)
    .leftJoin(tokens, eq(tokens.id, ingestHealthHour.token_id))
    .where(healthWhere(f))
    .orderBy(ingestHealthHour.bucket_ms, ingestHealthHour.token_id)
    .all();
}

export interface IngestHealthTotal {
  token_id: number;
  token_name: string;
  token_prefix: string | null;
  revoked: boolean;
  batches: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** Start of the latest hour with a batch. */
  last_bucket_ms: number;
}

/** Totals per token over the range, the busiest first. */
export function getIngestHealthTotals(db: Db, f: IngestHealthFilters): IngestHealthTotal[] {
  const rows = db
    .select({
      token_id: ingestHealthHour.token_id,
      token_name: tokenName,
      token_prefix: tokens.token_prefix,
      revoked_ms: tokens.revoked_ms,
      batches: sql<number>`sum(${ingestHealthHour.batches})`,
      accepted: sql<number>`sum(${ingestHealthHour.accepted})`,
      duplicates: sql<number>`sum(${ingestHealthHour.duplicates})`,
      rejected: sql<number>`sum(${ingestHealthHour.rejected})`,
      last_bucket_ms: sql<number>`max(${ingestHealthHour.bucket_ms})`,
    })
    .from(ingestHealthHour)
    .leftJoin(tokens, eq(tokens.id, ingestHealthHour.token_id))
    .where(healthWhere(f))
    .groupBy(ingestHealthHour.token_id)
    .orderBy(desc(sql`sum(${ingestHealthHour.accepted}) + sum(${ingestHealthHour.rejected})`))
    .all();
  return rows.map(({ revoked_ms, ...r }) => ({ ...r, revoked: revoked_ms !== null }));
}

export interface RejectionRow {
  id: number;
  token_id: number | null;
  token_name: string;
  received_ms: number;
  line: number;
  code: string;
  message: string;
  field: string | null;
  sample: string | null;
}

/** The most recent rejected records (the writer keeps the newest 1,000), newest first. */
export function listRecentRejections(db: Db, opts: { limit?: number; token_id?: number } = {}): RejectionRow[] {
  return db
    .select({
      id: ingestRejections.id,
      token_id: ingestRejections.token_id,
      token_name: tokenName,
      received_ms: ingestRejections.received_ms,
      line: ingestRejections.line,
      code: ingestRejections.code,
      message: ingestRejections.message,
      field: ingestRejections.field,
      sample: ingestRejections.sample,
    })
    .from(ingestRejections)
    .leftJoin(tokens, eq(tokens.id, ingestRejections.token_id))
    .where(opts.token_id === undefined ? undefined : eq(ingestRejections.token_id, opts.token_id))
    .orderBy(desc(ingestRejections.id))
    .limit(Math.min(Math.max(opts.limit ?? 100, 1), 1000))
    .all()
    // Samples are redacted when stored; this covers rows an older version stored verbatim.
    .map((r) => (r.sample ? { ...r, sample: redactText(r.sample) } : r));
}

/** Rejections per code over the range, for "why was it rejected" at a glance. */
export function getRejectionReasons(db: Db, f: Omit<IngestHealthFilters, 'token_id'> & { token_id?: number }) {
  return db
    .select({ code: ingestRejections.code, count: sql<number>`count(*)`, last_ms: sql<number>`max(${ingestRejections.received_ms})` })
    .from(ingestRejections)
    .where(
      and(
        gte(ingestRejections.received_ms, f.from_ms),
        lt(ingestRejections.received_ms, f.to_ms),
        f.token_id === undefined ? undefined : eq(ingestRejections.token_id, f.token_id),
      ),
    )
    .groupBy(ingestRejections.code)
    .orderBy(desc(sql`count(*)`))
    .all();
}
