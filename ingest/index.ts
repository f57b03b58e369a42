// The ingest pipeline: decoded bytes → parse → normalize → validate → one write through the request store.
// The HTTP route (through the writer worker), `errata import` and `errata demo` all call processBatch.
import type { RequestStore } from '@/db/store';
import { normalize } from './normalize';
import { parseBody, type ParseOptions } from './parse';
import { DeadlineExceeded, MAX_REPORTED_ERRORS, type GatewayRecord, type IngestResult, type RecordError } from './types';
import { validate } from './validate';
import { toRow } from './rows';
import type { RejectionSample } from '@/db/types';

export type { GatewayRecord, IngestResult, RecordError } from './types';
export { MAX_RECORDS, MAX_RECORD_BYTES } from './parse';
export { MAX_BODY_BYTES, MAX_DECOMPRESSED_BYTES } from './decode';

export interface BatchContext {
  token_id: number | null;
  received_ms?: number;
  /** Added to every line number (the CLI imports a large file in chunks). */
  line_offset?: number;
  /** Informational only: the body's form is read from its bytes. */
  content_type?: string;
  /** Records older than this (the retention cutoff) are rejected as `expired`: they would be pruned within the hour. */
  min_ts_ms?: number;
}

/** Rejected records sampled per batch for the ingest page (write.ts keeps the newest 1,000 overall). */
export const SAMPLES_PER_BATCH = 20;
const SAMPLE_CHARS = 300;

export interface PreparedBatch {
  records: GatewayRecord[];
  errors: RecordError[];
  samples: RejectionSample[];
}

/** Everything but the write: the stages that may run anywhere (tests, the worker). */
export function prepareBatch(
  body: Uint8Array,
  ctx: Pick<BatchContext, 'line_offset' | 'min_ts_ms'> & { deadline_ms?: number | null } = {},
  options: ParseOptions = {},
): PreparedBatch {
  const deadline = ctx.deadline_ms ?? null;
  const offset = ctx.line_offset ?? 0;
  const { items } = parseBody(body, options);
  const records: GatewayRecord[] = [];
  const errors: RecordError[] = [];
  const samples: RejectionSample[] = [];
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const reject = (line: number, start: number, end: number, code: string, message: string, field?: string) => {
    const e: RecordError = field === undefined ? { line: line + offset, code, message } : { line: line + offset, code, message, field };
    errors.push(e);
    if (samples.length < SAMPLES_PER_BATCH) {
      const sample = buf.toString('utf8', start, Math.min(end, start + SAMPLE_CHARS * 4)).slice(0, SAMPLE_CHARS);
      samples.push({ ...e, sample });
    }
  };
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (deadline !== null && (i & 1023) === 0 && Date.now() > deadline) throw new DeadlineExceeded();
    if (item.error) {
      reject(item.line, item.start, item.end, item.error.code, item.error.message);
      continue;
    }
    const n = normalize(item.value, item.event_ms);
    if (!n.ok) {
      reject(item.line, item.start, item.end, n.code, n.message, n.field);
      continue;
    }
    const v = validate(n.candidate);
    if (!v.ok) {
      reject(item.line, item.start, item.end, v.code, v.message, v.field);
      continue;
    }
    if (ctx.min_ts_ms !== undefined && v.record.ts_ms < ctx.min_ts_ms) {
      const cutoff = new Date(ctx.min_ts_ms).toISOString();
      reject(item.line, item.start, item.end, 'expired', `timestamp is older than the retention window (${cutoff}).`, 'timestamp');
      continue;
    }
    records.push(v.record);
  }
  return { records, errors, samples };
}

/**
 * Parses, normalizes and validates a decoded body, then stores the good records in one durable write (writeBatch).
 * Throws ApiError for whole-batch problems (invalid_body when empty, too_many_records); bad records are
 * reported one by one in the result and the good ones are kept.
 */
export async function processBatch(store: RequestStore, body: Uint8Array, ctx: BatchContext): Promise<IngestResult> {
  const received_ms = ctx.received_ms ?? Date.now();
  const { records, errors, samples } = prepareBatch(body, ctx);
  const { accepted, duplicates } = await store.writeBatch(records.map(toRow), {
    token_id: ctx.token_id,
    received_ms,
    rejected: errors.length,
    rejections: samples,
  });
  return { accepted, duplicates, rejected: errors.length, errors: errors.slice(0, MAX_REPORTED_ERRORS) };
}
