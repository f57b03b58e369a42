// `errata import FILE...`: gateway log files through the same writer as POST /api/v1/ingest (ingest/writer.ts and
// its workers), streamed in line-aligned batches so a file of any size runs in flat memory; gzip is detected by
// magic bytes.
import fs from 'node:fs';
import path from 'node:path';
import type { Readable, TransformOptions } from 'node:stream';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { detectFormat, MAX_RECORDS } from '@/ingest/parse';
import { MAX_DECOMPRESSED_BYTES } from '@/ingest/decode';
import type { IngestResult, RecordError } from '@/ingest/types';
import { resolveWorkerFile, Writer } from '@/ingest/writer';
import { ApiError } from '@/lib/api-error';
import { closeDb, databasePath, EXIT, fmt, openCliDb, parse, UsageError } from '../lib/cli';
import { Progress } from '../lib/progress';

const HELP = `Usage: errata import FILE... [--batch N] [--json] [--quiet]     (FILE '-' reads standard input)

Imports gateway log records (NDJSON, a JSON array, or concatenated JSON objects; gzip-compressed or not,
told by the bytes) into DATABASE_PATH through the same pipeline as POST /api/v1/ingest. Each batch is
committed durably; re-importing a file stores nothing twice (its records count as duplicates).

Options:
  --batch N   lines per committed batch (default ${fmt(20_000)}; max ${fmt(MAX_RECORDS)})
  --json      print the report as JSON on stdout
  --quiet     no progress on stderr

Progress goes to stderr: a bar when stderr is a terminal, otherwise a line every 5 seconds.
Ctrl+C stops after the batches being written (two at most) and reports what was stored (exit 130); run
the same import again to finish: what is already stored counts as duplicates.
Exit code 0 when every record was stored or already present, 3 when some were rejected, 1 on failure.
`;

export const DEFAULT_BATCH_LINES = 20_000;
/** Errors kept per file for the report (the pipeline reports at most 100 per batch). */
const MAX_ERRORS_PER_FILE = 100;
/** A whole-file read (JSON array, pretty-printed objects) is capped like an HTTP body after decompression. */
const MAX_WHOLE_FILE_BYTES = MAX_DECOMPRESSED_BYTES * 4;
/** Flush a batch early when it grows past this many bytes, whatever its line count. */
const MAX_BATCH_BYTES = 16 * 1024 * 1024;
const SNIFF_BYTES = 64 * 1024;
/** Decompressed bytes gunzip may run ahead while this thread is busy committing (it inflates on the thread pool). */
const READ_AHEAD_BYTES = 32 * 1024 * 1024;
// zlib streams pass stream options through to their Transform (Node's types list only the zlib ones).
const GUNZIP_OPTIONS: zlib.ZlibOptions & TransformOptions = {
  chunkSize: 256 * 1024,
  readableHighWaterMark: READ_AHEAD_BYTES,
  writableHighWaterMark: 4 * 1024 * 1024,
};
/** Batches handed to the writer and not yet committed: one written while the next is prepared, as for HTTP. */
const IN_FLIGHT = 2;
const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The writer for an import: the ingest workers of the same build as this CLI (the bundle beside the bundled CLI in
 * `<dist>/errata/`, or the TypeScript source through tsx when the CLI runs from source; either way this file sits
 * two folders down from the project root). No retention runs (the server's writer prunes) and no metrics (nothing
 * serves them here).
 */
function importWriter(databasePath: string): Writer {
  return new Writer({
    databasePath,
    queueLimit: IN_FLIGHT,
    retentionIntervalMs: 0,
    metrics: false,
    worker: resolveWorkerFile(path.resolve(here, '../..'), here),
  });
}

export interface ImportError extends RecordError {
  file: string;
}

export interface FileReport {
  file: string;
  /** How the file was read: NDJSON lines (error `line` is a line number) or whole (a record position). */
  format: 'ndjson' | 'json_array' | 'json_stream' | 'msgpack' | 'empty';
  gzip: boolean;
  records: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  errors: ImportError[];
  /** A problem that stopped this file (unreadable, corrupt gzip, too large); records before it are kept. */
  failure?: string;
  interrupted?: boolean;
}

export interface ImportOptions {
  batchLines?: number;
  token_id?: number | null;
  /** Called after every batch with the file's compressed bytes read so far. */
  onBatch?: (report: FileReport, bytesRead: number) => void;
  /** Checked between batches: true stops the file after the batch just committed (Ctrl+C). */
  stop?: () => boolean;
}

class Interrupted extends Error {
  constructor() {
    super('interrupted: every batch before this point is committed; importing the file again skips them as duplicates');
  }
}

/** Reads the first `n` bytes and puts them back, so the format can be told before choosing a decoder. */
function peek(stream: Readable, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    const done = (b: Buffer) => {
      cleanup();
      if (b.length > 0) stream.unshift(b);
      resolve(b);
    };
    const onReadable = () => {
      const b = stream.read(n) as Buffer | null;
      if (b !== null) done(b);
    };
    const onEnd = () => done(Buffer.alloc(0));
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    stream.on('readable', onReadable);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}

function hasContent(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return true;
  }
  return false;
}

/**
 * Hands a file's batches to the writer, at most IN_FLIGHT at a time (the stream waits meanwhile: backpressure, never
 * a refusal), and adds up their results in order. The prepare worker parses batch N+1 while the writer worker
 * commits batch N and this thread keeps reading and gunzipping, so a large import uses the cores it can.
 */
class Batcher {
  /** Batches handed over and not yet answered; the writer answers in order, so results are added in order. */
  private outstanding = new Set<Promise<void>>();
  private failure: unknown = null;

  constructor(
    private readonly writer: Writer,
    readonly report: FileReport,
    private readonly tokenId: number | null,
  ) {}

  private add(r: IngestResult) {
    const rep = this.report;
    rep.accepted += r.accepted;
    rep.duplicates += r.duplicates;
    rep.rejected += r.rejected;
    rep.records += r.accepted + r.duplicates + r.rejected;
    for (const e of r.errors) {
      if (rep.errors.length >= MAX_ERRORS_PER_FILE) break;
      rep.errors.push({ file: rep.file, ...e });
    }
  }

  /** Hands `body` over once there is room; throws the first failure of a batch handed over before. */
  async run(body: Uint8Array, lineOffset: number): Promise<void> {
    if (this.failure) throw this.failure;
    if (!hasContent(body)) return;
    await this.writer.waitForRoom(IN_FLIGHT);
    if (this.failure) throw this.failure;
    // As on the HTTP endpoint, records older than the retention window are rejected (`expired`), not stored and pruned.
    const ctx = { token_id: this.tokenId, received_ms: Date.now(), line_offset: lineOffset };
    // A batch handed over after one that fails is still written: it is counted, so the report matches the database.
    const done: Promise<void> = this.writer
      .submit(body, ctx, { deadline: false })
      .then(
        (r) => this.add(r),
        (err: unknown) => {
          this.failure ??= err;
        },
      )
      .finally(() => this.outstanding.delete(done));
    this.outstanding.add(done);
  }

  /** Waits for every batch handed over to be committed (or to fail): the report then counts what is stored. */
  async flush(): Promise<void> {
    await Promise.all(this.outstanding);
    if (this.failure) throw this.failure;
  }
}

/** Imports one file through `writer`; throws only for problems before the first byte (missing file). */
export async function importFile(writer: Writer, file: string, opts: ImportOptions = {}): Promise<FileReport> {
  const batchLines = opts.batchLines ?? DEFAULT_BATCH_LINES;
  const report: FileReport = { file, format: 'empty', gzip: false, records: 0, accepted: 0, duplicates: 0, rejected: 0, errors: [] };
  const batcher = new Batcher(writer, report, opts.token_id ?? null);
  const raw: Readable = file === '-' ? process.stdin : fs.createReadStream(file, { highWaterMark: 1024 * 1024 });
  const head = await peek(raw, 2);
  report.gzip = head.length === 2 && head[0] === 0x1f && head[1] === 0x8b;
  const source: Readable = report.gzip ? raw.pipe(zlib.createGunzip(GUNZIP_OPTIONS)) : raw;
  if (report.gzip) raw.on('error', (err) => source.destroy(err));
  const progress = () => {
    opts.onBatch?.(report, raw instanceof fs.ReadStream ? raw.bytesRead : 0);
    if (opts.stop?.()) throw new Interrupted();
  };

  // Pending bytes are kept as slices of the chunks they arrived in: each byte is scanned once and copied once.
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let pendingLines = 0;
  let mode: 'sniff' | 'lines' | 'whole' = 'sniff';
  let lineOffset = 0;
  const take = () => {
    const body = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    return body;
  };
  try {
    for await (let chunk of source as AsyncIterable<Buffer>) {
      if (mode === 'sniff') {
        pending.push(chunk);
        pendingBytes += chunk.length;
        chunk = take();
        const format = hasContent(chunk) ? detectFormat(chunk.subarray(0, Math.min(chunk.length, SNIFF_BYTES))) : null;
        if (format === null) {
          pending.push(chunk);
          pendingBytes = chunk.length;
          continue;
        }
        report.format = format;
        mode = format === 'ndjson' ? 'lines' : 'whole';
      }
      if (mode === 'whole') {
        pending.push(chunk);
        pendingBytes += chunk.length;
        if (pendingBytes > MAX_WHOLE_FILE_BYTES) {
          throw new Error(`a ${report.format} file is read whole and this one is larger than ${fmt(MAX_WHOLE_FILE_BYTES / 1048576)} MiB: convert it to NDJSON`);
        }
        continue;
      }
      let start = 0;
      let pos = 0;
      for (;;) {
        const nl = chunk.indexOf(0x0a, pos);
        if (nl === -1) break;
        pendingLines++;
        pos = nl + 1;
        if (pendingLines >= batchLines || pendingBytes + (pos - start) >= MAX_BATCH_BYTES) {
          pending.push(chunk.subarray(start, pos));
          pendingBytes += pos - start;
          await batcher.run(take(), lineOffset);
          lineOffset += pendingLines;
          pendingLines = 0;
          start = pos;
          progress();
        }
      }
      if (start < chunk.length) {
        pending.push(chunk.subarray(start));
        pendingBytes += chunk.length - start;
      }
      if (pendingBytes > MAX_WHOLE_FILE_BYTES) throw new Error(`line ${lineOffset + pendingLines + 1} is longer than ${fmt(MAX_WHOLE_FILE_BYTES / 1048576)} MiB`);
    }
    if (mode === 'lines') await batcher.run(take(), lineOffset);
    else if (mode === 'whole') await importWhole(batcher, take(), batchLines);
    await batcher.flush();
    progress();
  } catch (err) {
    report.failure = err instanceof Error ? err.message : String(err);
    report.interrupted = err instanceof Interrupted;
    raw.destroy();
    // What was handed over is still committed (at most IN_FLIGHT batches): wait, so the report says what is stored.
    await batcher.flush().catch(() => {});
  }
  return report;
}

/** A JSON array is re-cut into NDJSON batches (positions kept); anything else goes to the pipeline as one body. */
async function importWhole(batcher: Batcher, bytes: Buffer, batchLines: number): Promise<void> {
  if (batcher.report.format === 'json_array') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(bytes.toString('utf8'));
    } catch {
      parsed = undefined; // the pipeline parses element by element and reports which ones are broken
    }
    if (Array.isArray(parsed)) {
      for (let i = 0; i < parsed.length; i += batchLines) {
        const slice = parsed.slice(i, i + batchLines);
        const body = Buffer.from(slice.map((v) => JSON.stringify(v) ?? 'null').join('\n') + '\n');
        await batcher.run(body, i);
      }
      return;
    }
  }
  try {
    await batcher.run(bytes, 0);
    await batcher.flush();
  } catch (err) {
    if (err instanceof ApiError) throw new Error(err.message);
    throw err;
  }
}

const display = (file: string) => (file === '-' ? 'stdin' : file);

function location(e: ImportError, format: FileReport['format']): string {
  return format === 'ndjson' ? `${display(e.file)}:${e.line}` : `${display(e.file)} record ${e.line}`;
}

function printReport(reports: FileReport[], seconds: number): void {
  const out = process.stdout;
  for (const r of reports) {
    const gz = r.gzip ? ', gzip' : '';
    out.write(
      `${display(r.file)} (${r.format}${gz}): ${fmt(r.records)} record${r.records === 1 ? '' : 's'}: ${fmt(r.accepted)} accepted, ${fmt(r.duplicates)} duplicates, ${fmt(r.rejected)} rejected\n`,
    );
    const shown = r.errors.slice(0, 10);
    for (const e of shown) out.write(`  ${location(e, r.format)}  ${e.code}: ${e.message}${e.field ? ` (field ${e.field})` : ''}\n`);
    if (r.rejected > shown.length) out.write(`  … and ${fmt(r.rejected - shown.length)} more rejected (the first ${MAX_ERRORS_PER_FILE} with --json)\n`);
    if (r.failure) out.write(`  stopped: ${r.failure}\n`);
  }
  const t = totals(reports);
  out.write(
    `Total: ${fmt(t.accepted)} accepted, ${fmt(t.duplicates)} duplicates, ${fmt(t.rejected)} rejected of ${fmt(t.records)} records ` +
      `in ${seconds.toFixed(1)} s (${fmt(t.records / Math.max(seconds, 0.001))} records/s) into ${databasePath()}\n`,
  );
}

function totals(reports: FileReport[]) {
  return reports.reduce(
    (a, r) => ({ records: a.records + r.records, accepted: a.accepted + r.accepted, duplicates: a.duplicates + r.duplicates, rejected: a.rejected + r.rejected }),
    { records: 0, accepted: 0, duplicates: 0, rejected: 0 },
  );
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    batch: { type: 'string' },
    json: { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return EXIT.ok;
  }
  if (positionals.length === 0) throw new UsageError('give at least one file');
  const batchLines = values.batch === undefined ? DEFAULT_BATCH_LINES : Number(values.batch);
  if (!Number.isInteger(batchLines) || batchLines < 1 || batchLines > MAX_RECORDS) throw new UsageError(`--batch must be an integer from 1 to ${MAX_RECORDS}`);
  if (positionals.filter((f) => f === '-').length > 1) throw new UsageError('standard input (-) can be read only once');
  for (const f of positionals) {
    if (f === '-') continue;
    let st: fs.Stats;
    try {
      st = fs.statSync(f);
    } catch {
      throw new UsageError(`cannot read ${f}: no such file`);
    }
    if (!st.isFile()) throw new UsageError(`${f} is not a file`);
  }
  // Standard input has no size: progress then shows counts and rates without a percentage.
  const sizes = positionals.map((f) => (f === '-' ? NaN : fs.statSync(f).size));
  const totalBytes = sizes.reduce((a, b) => a + b, 0);
  const progress = new Progress(process.stderr, !values.quiet);
  // Opened (and migrated) here first, so a bad path or a failed migration stops the import with its own message
  // before any worker starts; the writer worker opens its own connection.
  closeDb(openCliDb());
  const writer = importWriter(databasePath());
  const started = performance.now();
  const reports: FileReport[] = [];
  // Ctrl+C stops after the batches in flight commit, then reports what was stored; a second one kills at once.
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
  };
  process.on('SIGINT', onSigint);
  try {
    let doneBytes = 0;
    let doneRecords = 0;
    for (let i = 0; i < positionals.length; i++) {
      const file = positionals[i];
      const label = `import ${file === '-' ? 'stdin' : path.basename(file)}${positionals.length > 1 ? ` (${i + 1}/${positionals.length})` : ''}`;
      const report = await importFile(writer, file, {
        batchLines,
        stop: () => interrupted,
        onBatch: (r, bytesRead) =>
          progress.update({ label, records: doneRecords + r.records, fraction: totalBytes > 0 ? (doneBytes + bytesRead) / totalBytes : null }),
      });
      reports.push(report);
      if (report.interrupted) break;
      doneBytes += sizes[i];
      doneRecords += report.records;
      progress.update({ label, records: doneRecords, fraction: totalBytes > 0 ? doneBytes / totalBytes : null }, true);
    }
  } finally {
    process.off('SIGINT', onSigint);
    progress.done();
    await writer.close();
  }
  const seconds = (performance.now() - started) / 1000;
  if (values.json) {
    process.stdout.write(JSON.stringify({ ...totals(reports), seconds: Math.round(seconds * 1000) / 1000, files: reports }, null, 2) + '\n');
  } else {
    printReport(reports, seconds);
  }
  if (interrupted) return EXIT.interrupted;
  if (reports.some((r) => r.failure)) return EXIT.failure;
  return reports.some((r) => r.rejected > 0) ? EXIT.rejected : EXIT.ok;
}
