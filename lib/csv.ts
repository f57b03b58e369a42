// CSV for exports: RFC 4180 (CRLF line ends; a cell with a quote, comma, CR or LF quoted, quotes doubled), spreadsheet-safe
// cells, streamed with backpressure. The escaper is hand-written (csvText/csvLine) so the requests export can write a
// row's cells straight into its line, with no per-row cell arrays or library call per row (db/queries/export.ts).
// The export layouts take the API's answers (lib/api-types.ts): a CSV has the same fields as the JSON.
import type { Breakdown, RequestRecord, Timeseries } from './api-types';
import { ValidationError } from './api-error';
import { errorRate, shownRows } from './error-rate';
import { filtersToQueryString, LIST_FILTER_FIELDS, statusFilterToString, type BreakdownDimension, type Filters, type StatsBreakdownDimension } from './filters';
import { OTHER_GROUP } from './groups';
import { percentNumber } from './percent';
import { nearestParam } from './param-names';

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

/** One filename-safe piece: letters, digits, dot and underscore; anything else (/, spaces, quotes, {}) becomes a dash. */
function slug(v: string): string {
  return v.replace(/[^A-Za-z0-9._]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'x';
}

/** "code-internal_error_tier-free+pro": the active filters, filename-safe, at most ~120 characters. */
export function filtersSlug(filters: Partial<Pick<Filters, 'status' | (typeof LIST_FILTER_FIELDS)[number]>>): string {
  const parts: string[] = [];
  if (filters.status?.length) parts.push(`status-${filters.status.map((s) => slug(statusFilterToString(s))).join('+')}`);
  for (const f of LIST_FILTER_FIELDS) {
    const values = filters[f];
    if (values?.length) parts.push(`${f}-${values.map(slug).join('+')}`);
  }
  const out = parts.join('_');
  return out.length > 120 ? `${out.slice(0, 119).replace(/[_+-]+$/, '')}~` : out;
}

/** `errata-<what>[_<filters>]_<from>_<to>.csv`, the range in UTC. */
export function csvFilename(what: string, from: number, to: number, filters?: Parameters<typeof filtersSlug>[0]): string {
  const f = filters ? filtersSlug(filters) : '';
  return `errata-${what}${f ? `_${f}` : ''}_${stamp(from)}_${stamp(to)}.csv`;
}

/** Download headers: the filename carries the filters and range, X-Errata-Filters the exact filters (absolute range). */
export function csvHeaders(what: string, filters: Filters, requestId: string): Headers {
  return new Headers({
    'Content-Type': CSV_CONTENT_TYPE,
    'Content-Disposition': `attachment; filename="${csvFilename(what, filters.from, filters.to, filters)}"`,
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
  'idempotency_key',
  'request_fingerprint',
  'idempotent_replayed',
  'user_agent',
] as const;

export type RequestCsvColumn = (typeof REQUEST_CSV_COLUMNS)[number];

/** `cols=ts,request_id,…` → those columns in that order (each once); absent → null, every column. */
export function parseRequestCsvColumns(cols: string | undefined): RequestCsvColumn[] | null {
  if (cols === undefined || cols === '') return null;
  const all: readonly string[] = REQUEST_CSV_COLUMNS;
  const out: RequestCsvColumn[] = [];
  for (const c of cols.split(',')) {
    if (!all.includes(c)) {
      const near = nearestParam(c, all);
      throw new ValidationError(`cols: ${c.slice(0, 64)} is not a column${near ? `; did you mean ${near}?` : ''}`, 'cols', { column: c.slice(0, 64), did_you_mean: near, allowed: all });
    }
    if (!out.includes(c as RequestCsvColumn)) out.push(c as RequestCsvColumn);
  }
  return out;
}

export function requestCsvRow(r: RequestRecord): CsvCell[] {
  return REQUEST_CSV_COLUMNS.map((c) => (c === 'details' ? (r.details === null ? null : JSON.stringify(r.details)) : r[c]));
}

/** The worst-keys view (behaviour/ listWorstKeys): counts over the range and the verdicts, `;`-separated. */
export const BEHAVIOUR_KEYS_CSV_COLUMNS = [
  'key_id',
  'verdicts',
  'score',
  'limited',
  'honoured',
  'early',
  'immediate',
  'abandoned',
  'pending',
  'storms',
  'futile_retries',
  'idempotency_mismatch',
  'idempotency_in_progress',
] as const;

export function behaviourKeyCsvRow(v: { verdicts: readonly string[] } & Record<(typeof BEHAVIOUR_KEYS_CSV_COLUMNS)[number], unknown>): CsvCell[] {
  return BEHAVIOUR_KEYS_CSV_COLUMNS.map((c) => (c === 'verdicts' ? v.verdicts.join(';') : (v[c] as CsvCell)));
}

/** Every limit and what the key did next (db/queries/behaviour LimitRecord). */
export const RETRIES_CSV_COLUMNS = [
  'request_id',
  'ts',
  'ts_ms',
  'key_id',
  'status',
  'code',
  'route',
  'retry_after_ms',
  'retry_class',
  'next_request_id',
  'next_gap_ms',
  'retry_class_same_route',
  'next_same_route_request_id',
  'next_same_route_gap_ms',
  'requests_before',
  'requests_after',
  'storm',
] as const;

export function retryCsvRow(r: Record<Exclude<(typeof RETRIES_CSV_COLUMNS)[number], 'ts'>, CsvCell>): CsvCell[] {
  return RETRIES_CSV_COLUMNS.map((c) => (c === 'ts' ? new Date(r.ts_ms as number).toISOString() : r[c]));
}

/**
 * A breakdown's columns: the dimension by its own name (`key`, `code`, …), the counts, the error rate and the share of
 * errors each as the screen rounds them (`_pct`, lib/percent.ts) and exact, then the matching records.
 */
export function breakdownCsvColumns(by: StatsBreakdownDimension): string[] {
  return [by, 'requests', 'errors', 'error_rate_pct', 'error_rate', 'share_pct', 'share', 'records'];
}

/** The rows the screen shows (lib/error-rate.ts shownRows), then everything beyond the limit as "(other)". */
export function breakdownCsvRows(b: Breakdown): CsvCell[][] {
  const rows = shownRows(b.by, b.rows);
  const other = b.other && shownRows(b.by, [{ ...b.other, value: OTHER_GROUP }]);
  return [...rows, ...(other ?? [])].map((r) => [r.value, r.requests, r.errors, percentNumber(r.error_rate), r.error_rate, percentNumber(r.share), r.share, r.records]);
}

/** Long format: one row per bucket, or per bucket and group with `by`, the group column named after it. */
export function timeseriesCsvColumns(by: BreakdownDimension | null): string[] {
  return ['ts', 'ts_ms', by ?? 'group', 'requests', 'errors', 'error_rate_pct', 'error_rate', 'no_totals'];
}

/** Groups follow the rule of lib/error-rate.ts as the API gives them; a bucket without totals has no rate in any group. */
export function timeseriesCsvRows(t: Timeseries): CsvCell[][] {
  if (!t.by) return t.buckets.map((b) => [b.ts, b.ts_ms, null, b.requests, b.errors, percentNumber(b.error_rate), b.error_rate, b.no_totals]);
  return t.buckets.flatMap((b) =>
    t.groups.map((g) => {
      const c = b.groups?.[g.key] ?? { requests: 0, errors: 0 };
      const rate = b.no_totals ? null : errorRate(c);
      return [b.ts, b.ts_ms, g.key, c.requests, c.errors, percentNumber(rate), rate, b.no_totals];
    }),
  );
}
