// The lookup path (request_index, migration 5) and the in-memory fingerprint set of the dedupe check, on one
// ClickHouse 18.16 server: fingerprints equal the server's, lookups find every record among many parts, a
// resend after the set is loaded is counted exactly, and records pruned away are stored again when resent (dedupe
// covers the retention window, as in SQLite).
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ClickHouseRequestStore } from '@/db/clickhouse/store';
import { pairFingerprint } from '@/db/clickhouse/seen';
import { sql } from '@/db/clickhouse/sql';
import type { RequestRow } from '@/db/types';
import { startClickHouse, stopAndRemove, type ClickHouseServer } from '../support/clickhouse';
import { HOSTILE } from '../support/hostile';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 9, 1);
let ch: ClickHouseServer;
let client: ClickHouseClient;

beforeAll(async () => {
  ch = await startClickHouse();
  client = createClient({ url: `http://127.0.0.1:${ch.http_port}`, clickhouse_settings: { output_format_json_quote_64bit_integers: 0 } });
}, 60_000);
afterAll(async () => {
  await client?.close();
  if (ch) await stopAndRemove(ch);
});

const q = async <T>(text: string) => (await (await client.query({ query: text, format: 'JSONEachRow' })).json()) as T[];

const row = (id: string, ts: number, code = ''): RequestRow => [id, code, ts, code ? 503 : 200, 'GET', '/v1/x', '/v1/x', 3, 'key_1', null, null, null, null, null, 0, 0, null, 0, null, null, null, null];

test('the fingerprint of a pair is the one ClickHouse computes, hostile values included', async () => {
  for (const s of HOSTILE) {
    const [r] = await q<{ hi: number; lo: number }>(
      sql`SELECT bitShiftRight(halfMD5(concat(${s}, '\\0', ${s})), 32) AS hi, bitAnd(halfMD5(concat(${s}, '\\0', ${s})), 4294967295) AS lo`.text,
    );
    expect([Number(r.hi), Number(r.lo)], JSON.stringify(s)).toEqual(pairFingerprint(s, s));
  }
});

test('lookups through request_index; resends after the set is loaded; pruned records stored again', async () => {
  const store = await ClickHouseRequestStore.open({ url: `${ch.url}/errata_lookup` });
  try {
    // 20 days, 4 batches a day: many parts in many partitions, as history has.
    const batches: RequestRow[][] = [];
    for (let d = 0; d < 20; d++) {
      for (let b = 0; b < 4; b++) {
        batches.push(Array.from({ length: 250 }, (_, i) => row(`req_${d}_${b}_${i}`, T0 + d * DAY + b * 3_600_000 + i, i % 10 === 0 ? 'service_unavailable' : '')));
      }
    }
    for (const b of batches) expect(await store.writeBatch(b, { token_id: 1, received_ms: T0 + 25 * DAY })).toEqual({ accepted: 250, duplicates: 0 });
    expect(await store.fingerprintsLoaded()).toBe(20 * 4 * 250);

    // A resend (whole, and mixed with new records) now that the set decides which pairs are read back.
    const again = [...batches[7].map((r) => [...r] as RequestRow), row('req_new_1', T0 + 7 * DAY), row('req_new_1', T0 + 7 * DAY, 'rate_limited')];
    expect(await store.writeBatch(again, { token_id: 1, received_ms: T0 + 25 * DAY })).toEqual({ accepted: 2, duplicates: 250 });
    expect((await store.counts()).requests).toBe(20_002);

    // Lookups find every record of a request among many parts.
    const detail = await store.getRequest('req_new_1');
    expect(detail?.records.map((r) => r.code)).toEqual([null, 'rate_limited']);
    const many = await store.getRequests(['req_3_1_7', 'req_19_3_249', 'req_missing']);
    expect([...many.keys()].sort()).toEqual(['req_19_3_249', 'req_3_1_7']);
    const [parts] = await q<{ n: number }>("SELECT count() AS n FROM system.parts WHERE database = 'errata_lookup' AND table = 'requests' AND active");
    expect(Number(parts.n)).toBeGreaterThan(20);

    // Retention: drop the first 10 days; a resend of their records is stored again, as SQLite does.
    await store.prune({ days: 15, now_ms: T0 + 25 * DAY });
    expect((await store.counts()).requests).toBe(10 * 4 * 250 + 0);
    const old = batches[0].map((r) => [...r] as RequestRow);
    expect(await store.writeBatch(old, { token_id: 1, received_ms: T0 + 25 * DAY })).toEqual({ accepted: 250, duplicates: 0 });
    expect((await store.getRequest('req_0_0_3'))?.records).toHaveLength(1);
    // And a resend of kept records is still a duplicate after the set is rebuilt.
    expect(await store.writeBatch(batches[60].map((r) => [...r] as RequestRow), { token_id: 1, received_ms: T0 + 25 * DAY })).toEqual({ accepted: 0, duplicates: 250 });
  } finally {
    await store.close();
  }
}, 300_000);
