// A validated record in the request store's column order (RequestRow): what the prepare worker hands the writer.
import type { RequestRow } from '@/db/types';
import type { GatewayRecord } from './types';

/** token_id and received_ms are placeholders here: the write sets them from its context. */
export function toRow(r: GatewayRecord): RequestRow {
  return [
    r.request_id,
    r.code,
    r.ts_ms,
    r.status,
    r.method,
    r.path,
    r.route,
    r.latency_ms,
    r.key_id,
    r.account_id,
    r.tier,
    r.message,
    r.details === null ? null : JSON.stringify(r.details),
    r.reason,
    r.unknown_code ? 1 : 0,
    r.status_mismatch ? 1 : 0,
    null,
    0,
  ];
}
