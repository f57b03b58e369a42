// Test records with unique request ids, stored through ingest/write.ts so rollups are filled the real way.
import { randomBytes } from 'node:crypto';
import type { Db } from '@/db/client';
import type { GatewayRecord } from '@/ingest/types';
import { writeRecords } from '@/ingest/write';
import { getCatalogEntry, isStatusMismatch } from '@/lib/catalog';

const run = randomBytes(4).toString('hex');
let seq = 0;

export function uniqueRequestId(prefix = 'req_'): string {
  seq += 1;
  return `${prefix}${run}${seq.toString(16).padStart(8, '0')}`;
}

/** A success record unless `code` is given; an error code takes its catalog status unless `status` is given. */
export function makeRecord(overrides: Partial<GatewayRecord> = {}): GatewayRecord {
  const code = overrides.code ?? '';
  const entry = code ? getCatalogEntry(code) : undefined;
  const status = overrides.status ?? (code ? (entry?.status ?? 500) : 200);
  return {
    request_id: uniqueRequestId(),
    code,
    ts_ms: Date.now(),
    status,
    method: 'POST',
    path: '/v1/submissions',
    route: '/v1/submissions',
    latency_ms: 42,
    key_id: 'key_test',
    account_id: 'acct_test',
    tier: 'free',
    message: code ? `${code} happened` : null,
    details: null,
    reason: null,
    unknown_code: code !== '' && !entry,
    status_mismatch: code !== '' && isStatusMismatch(code, status),
    ...overrides,
  };
}

export function insertRecords(db: Db, records: readonly GatewayRecord[], received_ms = Date.now()) {
  return writeRecords(db, records, { token_id: null, received_ms });
}
