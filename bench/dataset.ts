// Bench data from the project's own seeded generator (demo/traffic.ts): one .ndjson.gz file made of one gzip
// member per batch, so `errata import` reads it whole and the HTTP senders post each member as one body.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { newTrafficStats, trafficLines, type TrafficOptions } from '@/demo/traffic';
import { root } from './server';

const DAY = 86_400_000;
/** Ids kept per batch for lookups: known to be stored once that batch is acknowledged. */
const IDS_PER_BATCH = 24;
const FORMAT = 1;

export interface BatchRef {
  offset: number;
  length: number;
  lines: number;
  /** Request ids of records (not bad lines) in this batch. */
  ids: string[];
}

export interface Dataset {
  file: string;
  options: TrafficOptions;
  start_ms: number;
  end_ms: number;
  lines: number;
  /** Distinct (request_id, code) records: what a fresh database ends up holding. */
  unique: number;
  duplicates: number;
  bad: number;
  errors: number;
  keys: number;
  raw_bytes: number;
  gzip_bytes: number;
  batches: BatchRef[];
  generate_s: number;
  cached: boolean;
}

/** 30 days ending at the start of the current UTC day: the same bytes all day long, and inside the default retention window. */
export function benchRange(now = Date.now()): { start: number; end: number } {
  const end = Math.floor(now / DAY) * DAY;
  return { start: end - 30 * DAY, end };
}

function generatorFingerprint(): string {
  const src = fs.readFileSync(path.join(root, 'demo/traffic.ts'));
  return crypto.createHash('sha256').update(src).digest('hex').slice(0, 12);
}

interface DatasetOptions {
  records: number;
  seed: number;
  batchSize: number;
  cacheDir: string;
  log: (s: string) => void;
}

/** Where the dataset for these options lives, and the dataset itself when it is already cached there. */
function plan(opts: DatasetOptions, quiet = false): { options: TrafficOptions; start: number; end: number; dir: string; indexFile: string; file: string; cached: Dataset | null } {
  const { start, end } = benchRange();
  const options: TrafficOptions = {
    seed: opts.seed,
    count: opts.records,
    start,
    end,
    keys: 1000,
    errorRate: 0.08,
    duplicateFraction: 0.01,
    badLineFraction: 0.001,
  };
  const tag = `v${FORMAT}-${generatorFingerprint()}-s${opts.seed}-n${opts.records}-b${opts.batchSize}-e${end}`;
  const dir = path.join(opts.cacheDir, tag);
  const indexFile = path.join(dir, 'index.json');
  const file = path.join(dir, 'traffic.ndjson.gz');
  let cached: Dataset | null = null;
  if (fs.existsSync(indexFile)) {
    const ds = JSON.parse(fs.readFileSync(indexFile, 'utf8')) as Dataset;
    if (fs.existsSync(ds.file) && fs.statSync(ds.file).size === ds.gzip_bytes) {
      if (!quiet) opts.log(`data: reusing ${ds.file} (${ds.lines.toLocaleString('en')} lines, generated earlier from the same seed)`);
      cached = { ...ds, cached: true };
    }
  }
  return { options, start, end, dir, indexFile, file, cached };
}

/** True when the dataset for these options is already in the cache (the run-time estimate leaves generation out). */
export function datasetCached(opts: Omit<DatasetOptions, 'log'>): boolean {
  return plan({ ...opts, log: () => {} }, true).cached !== null;
}

/** Cuts the generator's lines into batches and keeps the index; the caller gzips each batch text and appends it. */
class Generation {
  readonly stats = newTrafficStats();
  readonly batches: BatchRef[] = [];
  readonly t0 = Date.now();
  offset = 0;
  raw = 0;
  private buf: string[] = [];
  private ids: string[] = [];
  private uniqueBefore = 0;
  private lastLog = Date.now();
  private readonly stride: number;

  constructor(private readonly opts: DatasetOptions) {
    this.stride = Math.max(1, Math.floor(opts.batchSize / IDS_PER_BATCH));
  }

  /** Adds a line; returns a full batch's text (to gzip and append, in order) or null. */
  push(line: string): { text: string; lines: number; ids: string[] } | null {
    this.buf.push(line);
    // Stats count a line before it is yielded: a fresh record (not a duplicate or bad line) bumped `unique`.
    const fresh = this.stats.unique > this.uniqueBefore;
    this.uniqueBefore = this.stats.unique;
    if (fresh && this.buf.length % this.stride === 0) this.ids.push((JSON.parse(line) as { request_id: string }).request_id);
    if (Date.now() - this.lastLog > 15_000) {
      this.lastLog = Date.now();
      this.opts.log(`data: ${this.stats.emitted.toLocaleString('en')} / ${this.opts.records.toLocaleString('en')} lines`);
    }
    return this.buf.length >= this.opts.batchSize ? this.take() : null;
  }

  take(): { text: string; lines: number; ids: string[] } | null {
    if (this.buf.length === 0) return null;
    const text = this.buf.join('\n') + '\n';
    const out = { text, lines: this.buf.length, ids: this.ids };
    this.raw += Buffer.byteLength(text);
    this.buf = [];
    this.ids = [];
    return out;
  }

  /** Records a batch's gzip member, appended at the current offset. */
  appended(batch: { lines: number; ids: string[] }, gzLength: number) {
    this.batches.push({ offset: this.offset, length: gzLength, lines: batch.lines, ids: batch.ids });
    this.offset += gzLength;
  }

  finish(p: ReturnType<typeof plan>): Dataset {
    const ds: Dataset = {
      file: p.file,
      options: p.options,
      start_ms: p.start,
      end_ms: p.end,
      lines: this.stats.emitted,
      unique: this.stats.unique,
      duplicates: this.stats.duplicates,
      bad: this.stats.bad,
      errors: this.stats.errors,
      keys: this.stats.keys.size,
      raw_bytes: this.raw,
      gzip_bytes: this.offset,
      batches: this.batches,
      generate_s: (Date.now() - this.t0) / 1000,
      cached: false,
    };
    fs.renameSync(`${p.file}.part`, p.file);
    fs.writeFileSync(p.indexFile, JSON.stringify(ds));
    return ds;
  }
}

/** Generates (or reuses from cacheDir) the dataset for `records` lines with `seed`; gzips on this thread. */
export function prepareDataset(opts: DatasetOptions): Dataset {
  const p = plan(opts);
  if (p.cached) return p.cached;
  fs.mkdirSync(p.dir, { recursive: true });
  const fd = fs.openSync(`${p.file}.part`, 'w');
  const g = new Generation(opts);
  const append = (batch: { text: string; lines: number; ids: string[] } | null) => {
    if (!batch) return;
    const gz = zlib.gzipSync(batch.text);
    fs.writeSync(fd, gz);
    g.appended(batch, gz.length);
  };
  for (const line of trafficLines(p.options, g.stats)) append(g.push(line));
  append(g.take());
  fs.closeSync(fd);
  return g.finish(p);
}

/**
 * The same bytes as prepareDataset (same gzip level, same order), but each batch is gzipped on libuv's thread
 * pool while this thread generates the next ones: the generator and the compressor use both cores
 * (about 230 s instead of 330 s for 10M lines on the bench machine).
 */
export async function prepareDatasetAsync(opts: DatasetOptions): Promise<Dataset> {
  const p = plan(opts);
  if (p.cached) return p.cached;
  fs.mkdirSync(p.dir, { recursive: true });
  const fd = fs.openSync(`${p.file}.part`, 'w');
  const g = new Generation(opts);
  const inFlight: { batch: { lines: number; ids: string[] }; gz: Promise<Buffer> }[] = [];
  const gzip = (text: string) =>
    new Promise<Buffer>((resolve, reject) => zlib.gzip(text, (err, out) => (err ? reject(err) : resolve(out))));
  const drain = async (keep: number) => {
    while (inFlight.length > keep) {
      const { batch, gz } = inFlight.shift()!;
      const out = await gz;
      fs.writeSync(fd, out);
      g.appended(batch, out.length);
    }
  };
  const queue = async (batch: { text: string; lines: number; ids: string[] } | null) => {
    if (!batch) return;
    inFlight.push({ batch: { lines: batch.lines, ids: batch.ids }, gz: gzip(batch.text) });
    await drain(3);
  };
  try {
    for (const line of trafficLines(p.options, g.stats)) {
      const batch = g.push(line);
      if (batch) await queue(batch);
    }
    await queue(g.take());
    await drain(0);
  } finally {
    fs.closeSync(fd);
  }
  return g.finish(p);
}

let fdCache: { file: string; fd: number } | undefined;

/** The gzip bytes of batch `b`, exactly as a shipper would post them. */
export function readBatchGzip(ds: Dataset, b: number): Buffer {
  if (!fdCache || fdCache.file !== ds.file) {
    if (fdCache) fs.closeSync(fdCache.fd);
    fdCache = { file: ds.file, fd: fs.openSync(ds.file, 'r') };
  }
  const ref = ds.batches[b];
  const buf = Buffer.allocUnsafe(ref.length);
  fs.readSync(fdCache.fd, buf, 0, ref.length, ref.offset);
  return buf;
}

export function readBatchLines(ds: Dataset, b: number): string[] {
  const text = zlib.gunzipSync(readBatchGzip(ds, b)).toString('utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export function allKnownIds(ds: Dataset): string[] {
  return ds.batches.flatMap((b) => b.ids);
}
