// The requests CSV export: positional rows from `.raw().iterate()` straight into ~64 KiB CSV chunks, produced only
// when the response pulls (backpressure), so memory stays flat at any row count.
import { and, desc, gte, is, lte, Placeholder, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { requests } from '../schema';
import { kindOf } from '@/lib/catalog';
import { csvLine, csvNumber, csvText, REQUEST_CSV_COLUMNS, type RequestCsvColumn } from '@/lib/csv';
import type { Filters } from '@/lib/filters';
import { dimensionConditions, RAW_COLUMNS, rawFilterConditions } from './filter-sql';

/** A stored record as SELECTed for the export (REQUEST_CSV_COLUMNS' sources, then the keyset's id). */
export type ExportRow = [
  request_id: string,
  ts_ms: number,
  status: number,
  code: string,
  method: string | null,
  route: string | null,
  path: string | null,
  latency_ms: number | null,
  key_id: string | null,
  account_id: string | null,
  tier: string | null,
  reason: string | null,
  message: string | null,
  details: string | null,
  unknown_code: 0 | 1,
  status_mismatch: 0 | 1,
  idempotency_key: string | null,
  request_fingerprint: string | null,
  idempotent_replayed: 0 | 1 | null,
  user_agent: string | null,
  id: number,
];

const FIELDS = {
  request_id: requests.request_id,
  ts_ms: requests.ts_ms,
  status: requests.status,
  code: requests.code,
  method: requests.method,
  route: requests.route,
  path: requests.path,
  latency_ms: requests.latency_ms,
  key_id: requests.key_id,
  account_id: requests.account_id,
  tier: requests.tier,
  reason: requests.reason,
  message: requests.message,
  details: requests.details,
  unknown_code: requests.unknown_code,
  status_mismatch: requests.status_mismatch,
  idempotency_key: requests.idempotency_key,
  request_fingerprint: requests.request_fingerprint,
  idempotent_replayed: requests.idempotent_replayed,
  user_agent: requests.user_agent,
  id: requests.id,
};

const text = (v: string | null) => (v === null ? '' : csvText(v));

/**
 * One CSV line (REQUEST_CSV_COLUMNS, CRLF) of a row: the same cells as requestCsvRow of the API's record, without building them.
 * `details` is the stored JSON object text (anything else, e.g. a bare string, is left out as the API does).
 */
export function requestExportLine(r: ExportRow): string {
  const code = r[3];
  const details = r[13] !== null && r[13].startsWith('{') ? csvText(r[13]) : '';
  return (
    `${csvText(r[0])},${new Date(r[1]).toISOString()},${r[1]},${r[2]},${csvText(code)},${kindOf(code) ?? ''},` +
    `${text(r[4])},${text(r[5])},${text(r[6])},${csvNumber(r[7])},${text(r[8])},${text(r[9])},${text(r[10])},` +
    `${text(r[11])},${text(r[12])},${details},${r[14] === 1},${r[15] === 1},` +
    `${text(r[16])},${text(r[17])},${r[18] === null ? '' : r[18] === 1},${text(r[19])}\r\n`
  );
}

const CELLS: Record<RequestCsvColumn, (r: ExportRow) => string> = {
  request_id: (r) => csvText(r[0]),
  ts: (r) => new Date(r[1]).toISOString(),
  ts_ms: (r) => String(r[1]),
  status: (r) => String(r[2]),
  code: (r) => csvText(r[3]),
  kind: (r) => kindOf(r[3]) ?? '',
  method: (r) => text(r[4]),
  route: (r) => text(r[5]),
  path: (r) => text(r[6]),
  latency_ms: (r) => csvNumber(r[7]),
  key_id: (r) => text(r[8]),
  account_id: (r) => text(r[9]),
  tier: (r) => text(r[10]),
  reason: (r) => text(r[11]),
  message: (r) => text(r[12]),
  details: (r) => (r[13] !== null && r[13].startsWith('{') ? csvText(r[13]) : ''),
  unknown_code: (r) => String(r[14] === 1),
  status_mismatch: (r) => String(r[15] === 1),
  idempotency_key: (r) => text(r[16]),
  request_fingerprint: (r) => text(r[17]),
  idempotent_replayed: (r) => (r[18] === null ? '' : String(r[18] === 1)),
  user_agent: (r) => text(r[19]),
};

/** The line writer for some columns, in the order given: every column is requestExportLine, which is kept as one expression for speed. */
export function requestExportLineOf(columns: readonly RequestCsvColumn[] | null): (r: ExportRow) => string {
  if (!columns) return requestExportLine;
  const cells = columns.map((c) => CELLS[c]);
  return (r) => {
    let line = cells[0](r);
    for (let i = 1; i < cells.length; i++) line += ',' + cells[i](r);
    return line + '\r\n';
  };
}

/** Rows per keyset query at most. */
export const EXPORT_PAGE_ROWS = 5000;

/**
 * Every matching record, newest first, as CSV bytes in chunks of at most `chunkBytes` (a longer line goes alone). Each pull runs one keyset query
 * on (ts_ms, id) and iterates it until the page ends or 16 chunks are queued, then closes it: the shared connection
 * is never held between pulls (other requests keep running during an export), memory is bounded by those 16 chunks
 * (~1 MiB) whatever the row sizes, and a query whose plan must sort (filters on several keys) runs once per ~1 MiB.
 */
export function requestsCsvStream(
  db: Db,
  filters: Filters,
  opts: { chunkBytes?: number; columns?: readonly RequestCsvColumn[] | null } = {},
): ReadableStream<Uint8Array> {
  const chunkBytes = opts.chunkBytes ?? 65_536;
  const columns = opts.columns ?? null;
  const lineOf = requestExportLineOf(columns);
  const build = (keyset: boolean) => {
    // One upper bound on ts_ms only: given both `ts_ms < to` and the keyset's, SQLite ranges the index on the first
    // and filters the other row by row, re-reading everything newer than the keyset on every page.
    const conds = keyset
      ? [
          gte(requests.ts_ms, filters.from),
          lte(requests.ts_ms, sql.placeholder('ts')),
          sql`(${requests.ts_ms}, ${requests.id}) < (${sql.placeholder('ts')}, ${sql.placeholder('id')})`,
          ...dimensionConditions(RAW_COLUMNS, filters),
        ]
      : rawFilterConditions(filters);
    const q = db
      .select(FIELDS)
      .from(requests)
      .where(and(...conds))
      .orderBy(desc(requests.ts_ms), desc(requests.id))
      .limit(EXPORT_PAGE_ROWS)
      .toSQL();
    return { stmt: db.$client.prepare(q.sql).raw(true), params: q.params };
  };
  const first = build(false);
  const next = build(true);
  let after: { ts: number; id: number } | null = null;
  let headerSent = false;
  let done = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        // Back to the event loop before each page: a fast client never makes the response push back, so without
        // this the whole export ran as one chain of microtasks and every other request (lookups, ingest answers)
        // waited for its end (a health check waited 4.7 s behind a 1M-row export).
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (done) return;
        // Lines are written into the chunk's bytes as they are made: no string of a whole chunk is ever built, so
        // each line is garbage at once (a rope of a chunk's lines outlived young-generation GCs and grew the heap).
        let chunk = Buffer.allocUnsafe(chunkBytes);
        let used = 0;
        let chunks = 0;
        const flush = () => {
          if (used === 0) return;
          controller.enqueue(chunk.subarray(0, used));
          chunk = Buffer.allocUnsafe(chunkBytes);
          used = 0;
          chunks++;
        };
        const put = (line: string) => {
          // At most 3 UTF-8 bytes per UTF-16 unit.
          if (used + line.length * 3 > chunkBytes) {
            flush();
            if (line.length * 3 > chunkBytes) {
              controller.enqueue(Buffer.from(line, 'utf8'));
              chunks++;
              return;
            }
          }
          used += chunk.write(line, used, 'utf8');
        };
        if (!headerSent) {
          headerSent = true;
          put(csvLine([...(columns ?? REQUEST_CSV_COLUMNS)]));
        }
        try {
          const q = after ? next : first;
          const a = after;
          const params = a ? q.params.map((p) => (is(p, Placeholder) ? (p.name === 'ts' ? a.ts : a.id) : p)) : q.params;
          let n = 0;
          let last: ExportRow | null = null;
          for (const r of q.stmt.iterate(...params) as IterableIterator<ExportRow>) {
            put(lineOf(r));
            n++;
            last = r;
            if (chunks >= 16) break; // closes the statement: nothing stays open between pulls
          }
          if (last) after = { ts: last[1], id: last[20] };
          if (chunks < 16 && n < EXPORT_PAGE_ROWS) done = true;
        } catch (err) {
          done = true;
          controller.error(err);
          return;
        }
        flush();
        if (done) controller.close();
      },
      cancel() {
        done = true;
      },
    },
    { highWaterMark: 2 },
  );
}
