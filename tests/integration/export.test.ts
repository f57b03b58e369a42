// The requests CSV export stream (db/queries/export.ts) against a real migrated SQLite, records written through ingest.
import { parse } from 'csv-parse/sync';
import { beforeEach, describe, expect, test } from 'vitest';
import { openDatabase, type Db } from '@/db/client';
import { EXPORT_PAGE_ROWS, requestsCsvStream } from '@/db/queries/export';
import { iterateRequests, listRequests } from '@/db/queries/requests';
import { csvLine, REQUEST_CSV_COLUMNS, requestCsvRow } from '@/lib/csv';
import { parseFilters } from '@/lib/filters';
import { insertRecords, makeRecord } from '../support/factories';

const M = 60_000;
const H = 60 * M;
const NOW = Date.UTC(2026, 10, 25, 9, 17, 42);

let db: Db;
beforeEach(() => {
  db = openDatabase(':memory:');
});

// Six hours back: every seeded record (the default range is shorter).
const filters = (q = '') => parseFilters(new URLSearchParams(q.startsWith('from=') ? q : `from=${NOW - 6 * H}&${q}`), { now: NOW });

function seed() {
  const tricky = ['=cmd|" /C calc"!A0', 'a,b', 'say "hi"', 'line1\nline2', 'cr\ronly', '+1', '-2', '@x', '\tt', 'ünïcødé ✓ 😀', ''];
  const recs = Array.from({ length: 420 }, (_, i) =>
    makeRecord({
      // Three records per minute, many sharing a ts_ms: the keyset must break ties on id.
      ts_ms: NOW - 5 * H + Math.floor(i / 3) * M,
      ...(i % 4 === 0 ? { code: 'rate_limited' } : i % 7 === 0 ? { code: 'new_code_v9', status: 503 } : {}),
      key_id: i % 5 === 0 ? null : `key_${i % 3}`,
      tier: i % 2 ? 'pro' : 'free',
      latency_ms: i % 9 === 0 ? null : i * 1.5,
      message: tricky[i % tricky.length] || null,
      details: i % 6 === 0 ? { note: tricky[i % tricky.length], n: i } : null,
    }),
  );
  insertRecords(db, recs);
  return recs;
}

async function exportText(q = '', chunkBytes?: number) {
  return new Response(requestsCsvStream(db, filters(q), { chunkBytes })).text();
}

describe('requestsCsvStream', () => {
  test('header then every matching record newest first, cell for cell the JSON records, in any chunk size', async () => {
    seed();
    for (const q of ['', 'tier=free&status=4xx', 'key=key_1', 'code=new_code_v9']) {
      const expected = csvLine([...REQUEST_CSV_COLUMNS]) + [...iterateRequests(db, filters(q))].flat().map((r) => csvLine(requestCsvRow(r))).join('');
      expect(parse(expected).length).toBeGreaterThan(q ? 10 : 400);
      // 300 bytes: a chunk per line and a keyset query every 16 lines; the default 64 KiB: everything in one.
      expect(await exportText(q, 300)).toBe(expected);
      expect(await exportText(q)).toBe(expected);
    }
    const parsed = parse(await exportText('', 300));
    expect(parsed[0]).toEqual([...REQUEST_CSV_COLUMNS]);
    expect(parsed.length - 1).toBe(420);
    expect(new Set(parsed.slice(1).map((r: string[]) => r[0])).size).toBe(420);
    expect(parsed.some((r: string[]) => r[14] === `'=cmd|" /C calc"!A0`)).toBe(true);
  });

  test('chosen columns: exactly those cells of the full export, in the order asked', async () => {
    seed();
    const all = parse(await exportText('', 300), { columns: true }) as Record<string, string>[];
    for (const columns of [['ts', 'request_id', 'status', 'code', 'route', 'key_id', 'tier', 'message'], ['details', 'unknown_code', 'latency_ms', 'kind'], ['message']] as const) {
      const text = await new Response(requestsCsvStream(db, filters(), { chunkBytes: 300, columns })).text();
      expect(text.split('\r\n')[0]).toBe(columns.join(','));
      const some = parse(text, { columns: true }) as Record<string, string>[];
      expect(some).toEqual(all.map((r) => Object.fromEntries(columns.map((c) => [c, r[c]]))));
    }
  });

  test('more rows than one keyset page: the next page starts after the last row, ties on ts_ms included', async () => {
    const n = EXPORT_PAGE_ROWS + 7;
    insertRecords(db, Array.from({ length: n }, (_, i) => makeRecord({ ts_ms: NOW - 3 * H + Math.floor(i / 10) * 1000 })));
    // One chunk per page: each pull reads a whole page of EXPORT_PAGE_ROWS rows.
    const rows = parse(await exportText('', 4 * 1048576));
    expect(rows).toHaveLength(1 + n);
    expect(new Set(rows.slice(1).map((r: string[]) => r[0])).size).toBe(n);
  });

  test('a range with no records is the header alone', async () => {
    seed();
    expect(await exportText(`from=${NOW - 100 * H}&to=${NOW - 99 * H}`)).toBe(csvLine([...REQUEST_CSV_COLUMNS]));
  });

  test('reads only what the client pulls, and leaves the connection free between pulls', async () => {
    seed();
    const reader = requestsCsvStream(db, filters(), { chunkBytes: 1000 }).getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    const text = new TextDecoder().decode(first.value);
    expect(text.length).toBeLessThan(3000);
    // Other requests run while the export is paused (no statement left open), and new records do not disturb it.
    expect(listRequests(db, filters(), { limit: 5 }).records).toHaveLength(5);
    insertRecords(db, [makeRecord({ ts_ms: NOW - M })]);
    let rest = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += new TextDecoder().decode(value);
    }
    expect(parse(text + rest)).toHaveLength(1 + 420);
  });

  test('cancel stops the export', async () => {
    seed();
    const reader = requestsCsvStream(db, filters(), { chunkBytes: 500 }).getReader();
    await reader.read();
    await reader.cancel();
    expect((await reader.closed.catch(() => 'x')) ?? 'closed').toBe('closed');
    expect(listRequests(db, filters(), { limit: 1 }).records).toHaveLength(1);
  });
});
