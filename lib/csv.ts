// CSV for exports: RFC 4180 (CRLF line ends; a cell with a quote, comma, CR or LF quoted, quotes doubled), spreadsheet-safe
// cells, streamed with backpressure. The escaper is hand-written (csvText/csvLine) so the requests export can write a
// row's cells straight into its line, with no per-row cell arrays or library call per row (db/queries/export.ts).
// Exports: neutralizeCell, csvText, csvNumber, csvLine, toCsv, csvStream, csvFilename, csvHeaders, CSV_CONTENT_TYPE,
// REQUEST_CSV_COLUMNS, requestCsvRow, BREAKDOWN_CSV_COLUMNS, breakdownCsvRows, TIMESERIES_CSV_COLUMNS,
// timeseriesCsvRows, type CsvCell.
import type { RequestRecord } from '@/db/types';
import type { Breakdown, Timeseries } from '@/db/types';
import { filtersToQueryString, type Filters } from './filters';

export type CsvCell = string | number | boolean | null | undefined;

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8; header=present';

// Spreadsheets run a cell starting with these as a formula (OWASP "CSV injection"); a leading ' shows it as text.
const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell as text: numbers as JS prints them, booleans as true/false, null as empty, formula-looking text defused. */
export function neutralizeCell(v: CsvCell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return FORMULA_START.test(v) ? `'${v}` : v;
}

// A cell needs quotes when it holds the delimiter, a quote or a line break (CR or LF alone count: spreadsheets split on either).
const NEEDS_QUOTES = /[",\r\n]/;

/** One text cell as it goes in the file: formula-looking text defused, then quoted if needed (RFC 4180). */
export function csvText(v: string): string {
  if (v.length === 0) return v;
  const c = v.charCodeAt(0);
  // = + - @ TAB CR: the FORMULA_START characters, checked without a regex on the hot path.
  if (c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13) v = `'${v}`;
  return NEEDS_QUOTES.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** A number cell: as JS prints it; null (and NaN/Infinity) empty. Never defused: -1 is a number, not a formula. */
export function csvNumber(v: number | null): string {
  return v === null || !Number.isFinite(v) ? '' : String(v);
}

/** One record line (with its CRLF) of any cells. */
export function csvLine(cells: readonly CsvCell[]): string {
  let line = '';
  for (let i = 0; i < cells.length; i++) {
    if (i > 0) line += ',';
    const v = cells[i];
    line += typeof v === 'string' ? csvText(v) : typeof v === 'number' ? csvNumber(v) : neutralizeCell(v);
  }
  return line + '\r\n';
}

/** RFC 4180 text (CRLF line ends, quotes where needed) of rows, cells neutralized. */
export function toCsv(rows: readonly CsvCell[][]): string {
  let out = '';
  for (const r of rows) out += csvLine(r);
  return out;
}

/**
 * A byte stream of the header then every page's rows. Pages are pulled only when the consumer wants more
 * (ReadableStream backpressure), so memory stays flat whatever the row count; cancel stops the source.
 */
export function csvStream(header: readonly string[], pages: Iterator<CsvCell[][]>): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  let headerSent = false;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (!headerSent) {
          headerSent = true;
          controller.enqueue(enc.encode(toCsv([[...header]])));
          return;
        }
        try {
          // A pull that enqueues nothing is never repeated: skip empty pages until there is a row or the end.
          for (;;) {
            const next = pages.next();
            if (next.done) return controller.close();
            if (next.value.length === 0) continue;
            return controller.enqueue(enc.encode(toCsv(next.value)));
          }
        } catch (err) {
          controller.error(err);
        }
      },
      cancel() {
        pages.return?.();
      },
    },
    { highWaterMark: 2 },
  );
}

function stamp(ms: number): string {
  // 2026-11-24T08:50:13.000Z → 20261124T0850Z: sortable, and safe in a filename.
  return new Date(ms).toISOString().slice(0, 16).replace(/[-:]/g, '') + 'Z';
}

/** `errata-<what>_<from>_<to>.csv`, the range in UTC. */
export function csvFilename(what: string, from: number, to: number): string {
  return `errata-${what}_${stamp(from)}_${stamp(to)}.csv`;
}

/** Download headers: the filename carries the range, X-Errata-Filters the exact filters (absolute range). */
export function csvHeaders(what: string, filters: Filters, requestId: string): Headers {
  return new Headers({
    'Content-Type': CSV_CONTENT_TYPE,
    'Content-Disposition': `attachment; filename="${csvFilename(what, filters.from, filters.to)}"`,
    'X-Errata-Filters': filtersToQueryString(filters, { absoluteRange: true }),
    'X-Request-Id': requestId,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
}

// ---------------------------------------------------------------- export layouts (same fields as the JSON answers)


export const REQUEST_CSV_COLUMNS = [
  'request_id',
  'ts',
  'ts_ms',
  'status',
  'code',
  'kind',
  'method',
  'route',
  'path',
  'latency_ms',
  'key_id',
  'account_id',
  'tier',
  'reason',
  'message',
  'details',
  'unknown_code',
  'status_mismatch',
] as const;

export function requestCsvRow(r: RequestRecord): CsvCell[] {
  return REQUEST_CSV_COLUMNS.map((c) => (c === 'details' ? (r.details === null ? null : JSON.stringify(r.details)) : r[c]));
}

export const BREAKDOWN_CSV_COLUMNS = ['value', 'requests', 'errors', 'error_rate'] as const;

/** The rows, then everything beyond the limit as "(other)". */
export function breakdownCsvRows(b: Breakdown): CsvCell[][] {
  const rows = b.other ? [...b.rows, { ...b.other, value: '(other)' }] : b.rows;
  return rows.map((r) => [r.value, r.requests, r.errors, r.error_rate]);
}

export const TIMESERIES_CSV_COLUMNS = ['ts', 'ts_ms', 'group', 'requests', 'errors', 'error_rate', 'no_totals'] as const;

/** Long format: one row per bucket, or per bucket and group with `by` (group empty = missing value). */
export function timeseriesCsvRows(t: Timeseries): CsvCell[][] {
  if (!t.by) return t.buckets.map((b) => [b.ts, b.ts_ms, null, b.requests, b.errors, b.error_rate, b.no_totals]);
  return t.buckets.flatMap((b) =>
    t.groups.map((g) => {
      const c = b.groups?.[g.key] ?? { requests: 0, errors: 0 };
      const rate = c.requests > 0 ? c.errors / c.requests : null;
      return [b.ts, b.ts_ms, g.key, c.requests, c.errors, rate, c.errors > 0 && c.errors === c.requests];
    }),
  );
}
