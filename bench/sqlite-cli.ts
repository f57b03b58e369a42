// The CSV export's peer (issue 17): the `sqlite3` command-line shell's CSV mode on the same database file, the same
// columns in the same order, the same 30-day WHERE and order, written to /dev/null. What a user who skips errata runs
// to get the same file. Registered in bench/run.ts; alone: `npx tsx bench/sqlite-cli.ts [records=200000]` (fills a
// floor database from the bench data, checks the shell's CSV against the product's export line by line, then times
// the product's export stream in process, the bare iterate() floor and the shell).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CATALOG } from '@/lib/catalog';
import type { Measure } from './report';
import { compact, elapsedMs, mb, nowNs, round } from './stats';

/** The shell: $ERRATA_BENCH_SQLITE3, else `sqlite3` on PATH; null if there is none. */
export function findSqliteCli(): string | null {
  const candidates = [process.env.ERRATA_BENCH_SQLITE3, ...(process.env.PATH ?? '').split(':').filter(Boolean).map((d) => path.join(d, 'sqlite3'))];
  for (const c of candidates) {
    if (!c) continue;
    try {
      fs.accessSync(c, fs.constants.X_OK);
      return c;
    } catch {
      /* not here */
    }
  }
  return null;
}

const sqlText = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * The export's columns as SQL the shell can print as they are: `ts` as ISO 8601 with milliseconds (what
 * Date#toISOString prints), `kind` from the catalog as a CASE, the flags as true/false, the rest as stored.
 * Numbers keep SQLite's own formatting (a latency of 12 prints 12.0): the cells hold the same values.
 */
export function cliColumnSql(columns: readonly string[], known: ReadonlySet<string>): string[] {
  const flag = (c: string) => `CASE WHEN ${c} IS NULL THEN NULL WHEN ${c} THEN 'true' ELSE 'false' END AS ${c}`;
  return columns.map((c) => {
    if (c === 'ts') return `strftime('%Y-%m-%dT%H:%M:%fZ', ts_ms / 1000.0, 'unixepoch') AS ts`;
    if (c === 'kind') {
      const whens = CATALOG.map((e) => `WHEN ${sqlText(e.code)} THEN ${sqlText(e.kind)}`).join(' ');
      return `CASE code WHEN '' THEN NULL ${whens} ELSE 'unknown' END AS kind`;
    }
    if (c === 'unknown_code' || c === 'status_mismatch' || c === 'idempotent_replayed') return flag(c);
    return known.has(c) ? c : `NULL AS ${c}`;
  });
}

/** The whole statement: the export's range (ts_ms in [from, to)) and order (newest first, id breaking ties). */
export function cliExportSql(columns: readonly string[], known: ReadonlySet<string>, from: number, to: number): string {
  return `SELECT ${cliColumnSql(columns, known).join(', ')} FROM requests WHERE ts_ms >= ${Math.trunc(from)} AND ts_ms < ${Math.trunc(to)} ORDER BY ts_ms DESC, id DESC;`;
}

export interface CliCsvResult {
  cli: string;
  version: string;
  /** Rows in the range (counted apart, off the clock: the output goes to /dev/null). */
  rows: number;
  /** The shell's wall time, start-up and open included (a few milliseconds). */
  seconds: number;
  rows_per_s: number;
}

/**
 * `sqlite3 -readonly -csv -header FILE SQL > out` timed from spawn to exit. `rows` is the range's count, asked of
 * the shell apart and off the clock, so nothing reads the output. The timed run is awaited, not spawnSync: a long
 * export must not keep a Ctrl+C from reaching the bench's handlers (they stop the server).
 */
export async function sqliteCliCsv(file: string, columns: readonly string[], from: number, to: number, opts: { out?: string; cli?: string } = {}): Promise<CliCsvResult> {
  const cli = opts.cli ?? findSqliteCli();
  if (!cli) throw new Error('no sqlite3 command-line shell on PATH (set ERRATA_BENCH_SQLITE3)');
  const version = (spawnSync(cli, ['-version'], { encoding: 'utf8' }).stdout ?? '').trim().split(' ')[0];
  const info = spawnSync(cli, ['-readonly', '-list', file, "SELECT name FROM pragma_table_info('requests');"], { encoding: 'utf8' });
  if (info.status !== 0) throw new Error(`sqlite3 could not read ${file}: ${(info.stderr || String(info.error)).trim().slice(0, 300)}`);
  const known = new Set(info.stdout.split('\n').filter(Boolean));
  const count = spawnSync(cli, ['-readonly', '-list', file, `SELECT count(*) FROM requests WHERE ts_ms >= ${Math.trunc(from)} AND ts_ms < ${Math.trunc(to)};`], { encoding: 'utf8' });
  const rows = Number(count.stdout.trim());
  const fd = fs.openSync(opts.out ?? '/dev/null', 'w');
  try {
    const t = nowNs();
    const child = spawn(cli, ['-readonly', '-csv', '-header', file, cliExportSql(columns, known, from, to)], { stdio: ['ignore', fd, 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString('utf8')).slice(-2000)));
    const status = await new Promise<string | number>((resolve) => {
      child.once('error', (err) => resolve(err.message));
      child.once('close', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    });
    const seconds = elapsedMs(t) / 1000;
    if (status !== 0) throw new Error(`sqlite3 -csv exited ${status}: ${stderr.trim().slice(0, 300)}`);
    return { cli, version, rows, seconds, rows_per_s: rows / seconds };
  } finally {
    fs.closeSync(fd);
  }
}

export interface CsvRunFigures {
  rows_per_s: number;
  rows: number;
  rss_before_bytes: number;
  rss_peak_bytes: number;
}

/** The export's row against the shell: errata's HTTP rate ÷ the shell's, with the RSS condition of the floor's row. */
export function sqliteCliMeasure(csv: CsvRunFigures | null, cli: CliCsvResult | null, why: string, flat: boolean): Measure {
  const ratio = csv && cli ? csv.rows_per_s / cli.rows_per_s : null;
  return {
    id: 'csv_export_vs_sqlite3',
    measure: 'CSV export of all requests in range vs the sqlite3 shell (-csv -header, same columns, range and order, to /dev/null)',
    errata: csv ? `${compact(csv.rows_per_s)} rows/s over HTTP; server RSS ${mb(csv.rss_before_bytes)} → peak ${mb(csv.rss_peak_bytes)}` : 'not measured (see the export row)',
    floor: cli ? `${compact(cli.rows_per_s)} rows/s (sqlite3 ${cli.version}, ${cli.rows.toLocaleString('en')} rows in ${cli.seconds.toFixed(2)} s)` : why,
    ratio,
    ratio_text: ratio === null ? '—' : `${round(ratio, 2)}×`,
    target: '≥ 1.0× the sqlite3 shell, RSS flat',
    met: ratio === null ? null : ratio >= 1.0 && flat,
    figures: { cli, errata_rows_per_s: csv?.rows_per_s ?? null },
  };
}

// Alone: a floor database from the bench data, the shell's CSV checked against the product's, then the timings.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const records = Number(process.argv[2] ?? 200_000);
  const log = (s: string) => console.log(`[sqlite3 ${new Date().toISOString().slice(11, 19)}] ${s}`);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(sig, () => process.exit(130));
  (async () => {
    const { prepareDatasetAsync } = await import('./dataset');
    const { floorCsv, floorInsert } = await import('./floor');
    const { openDatabase } = await import('@/db/client');
    const { requestsCsvStream } = await import('@/db/queries/export');
    const { REQUEST_CSV_COLUMNS } = await import('@/lib/csv');
    const { parseFilters } = await import('@/lib/filters');
    const ds = await prepareDatasetAsync({ records, seed: 7, batchSize: 5000, cacheDir: path.join(os.tmpdir(), 'errata-bench-data'), log });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'errata-sqlite3-csv-'));
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    try {
      const file = path.join(dir, 'floor.db');
      await floorInsert(file, ds);
      const columns = [...REQUEST_CSV_COLUMNS];
      const filters = parseFilters(new URLSearchParams(`from=${new Date(ds.start_ms).toISOString()}&to=${new Date(ds.end_ms).toISOString()}`));
      const db = openDatabase(file, { migrate: false });
      const product = async (out: string | null) => {
        const fd = out ? fs.openSync(out, 'w') : -1;
        const reader = requestsCsvStream(db, filters).getReader();
        const t = nowNs();
        let lines = 0;
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          for (let i = value.indexOf(10); i !== -1; i = value.indexOf(10, i + 1)) lines++;
          if (fd >= 0) fs.writeSync(fd, value);
        }
        const seconds = elapsedMs(t) / 1000;
        if (fd >= 0) fs.closeSync(fd);
        return { rows: lines - 1, seconds, rows_per_s: (lines - 1) / seconds };
      };
      // The check: both files parsed as CSV, cell by cell, with SQLite's number formatting (12.0) read as JS's (12)
      // and the product's formula guard (a leading ' before = + - @) set aside. The shell ends lines with LF and quotes
      // more (empty strings, spaces): its own CSV, the same cells.
      await product(path.join(dir, 'product.csv'));
      await sqliteCliCsv(file, columns, ds.start_ms, ds.end_ms, { out: path.join(dir, 'cli.csv') });
      const { parse } = await import('csv-parse/sync');
      const read = (f: string) => parse(fs.readFileSync(path.join(dir, f), 'utf8').replace(/^\uFEFF/, ''), { relax_column_count: true }) as string[][];
      const cell = (v: string) => v.replace(/^(-?\d+)\.0$/, '$1').replace(/^'(?=[=+\-@])/, '');
      const a = read('product.csv');
      const b = read('cli.csv');
      let same = 0;
      let firstDiff = -1;
      for (let i = 0; i < Math.max(a.length, b.length); i++) {
        const x = a[i]?.map(cell).join('\u0001');
        if (x !== undefined && x === b[i]?.map(cell).join('\u0001')) same++;
        else if (firstDiff < 0) firstDiff = i;
      }
      log(`check: ${a.length - 1} product rows, ${b.length - 1} shell rows, ${same} of ${Math.max(a.length, b.length)} lines with the same cells`);
      if (firstDiff >= 0) log(`first difference at line ${firstDiff + 1}:\n  product: ${a[firstDiff]?.join(',')}\n  sqlite3: ${b[firstDiff]?.join(',')}`);
      // The timings, each twice (the first warms the page cache), the second kept.
      let p = await product(null);
      p = await product(null);
      let f = floorCsv(file, columns, ds.start_ms, ds.end_ms);
      f = floorCsv(file, columns, ds.start_ms, ds.end_ms);
      let c = await sqliteCliCsv(file, columns, ds.start_ms, ds.end_ms);
      c = await sqliteCliCsv(file, columns, ds.start_ms, ds.end_ms);
      db.$client.close();
      console.log(
        JSON.stringify(
          {
            rows: c.rows,
            product_stream_rows_per_s: Math.round(p.rows_per_s),
            floor_iterate_rows_per_s: Math.round(f.rows_per_s),
            sqlite3_cli_rows_per_s: Math.round(c.rows_per_s),
            product_vs_cli: round(p.rows_per_s / c.rows_per_s, 2),
            floor_vs_cli: round(f.rows_per_s / c.rows_per_s, 2),
          },
          null,
          2,
        ),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  })().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
