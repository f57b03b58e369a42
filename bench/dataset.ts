// Bench data from the project's own seeded generator (lib/traffic.ts): one .ndjson.gz file made of one gzip
// member per batch, so `errata import` reads it whole and the HTTP senders post each member as one body.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { newTrafficStats, trafficLines, type TrafficOptions } from '@/lib/traffic';
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
  const src = fs.readFileSync(path.join(root, 'lib/traffic.ts'));
  return crypto.createHash('sha256').update(src).digest('hex').slice(0, 12);
}

/** Generates (or reuses from cacheDir) the dataset for `records` lines with `seed`. */
export function prepareDataset(opts: { records: number; seed: number; batchSize: number; cacheDir: string; log: (s: string) => void }): Dataset {
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
  if (fs.existsSync(indexFile)) {
    const ds = JSON.parse(fs.readFileSync(indexFile, 'utf8')) as Dataset;
    if (fs.existsSync(ds.file) && fs.statSync(ds.file).size === ds.gzip_bytes) {
      opts.log(`data: reusing ${ds.file} (${ds.lines.toLocaleString('en')} lines, generated earlier from the same seed)`);
      return { ...ds, cached: true };
    }
  }
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'traffic.ndjson.gz');
  const fd = fs.openSync(`${file}.part`, 'w');
  const stats = newTrafficStats();
  const batches: BatchRef[] = [];
  const t0 = Date.now();
  let offset = 0;
  let raw = 0;
  let buf: string[] = [];
  let ids: string[] = [];
  const stride = Math.max(1, Math.floor(opts.batchSize / IDS_PER_BATCH));
  const flush = () => {
    if (buf.length === 0) return;
    const text = buf.join('\n') + '\n';
    raw += Buffer.byteLength(text);
    const gz = zlib.gzipSync(text);
    fs.writeSync(fd, gz);
    batches.push({ offset, length: gz.length, lines: buf.length, ids });
    offset += gz.length;
    buf = [];
    ids = [];
  };
  let lastLog = Date.now();
  let uniqueBefore = 0;
  for (const line of trafficLines(options, stats)) {
    buf.push(line);
    // Stats count a line before it is yielded: a fresh record (not a duplicate or bad line) bumped `unique`.
    const fresh = stats.unique > uniqueBefore;
    uniqueBefore = stats.unique;
    if (fresh && buf.length % stride === 0) ids.push((JSON.parse(line) as { request_id: string }).request_id);
    if (buf.length >= opts.batchSize) flush();
    if (Date.now() - lastLog > 15_000) {
      lastLog = Date.now();
      opts.log(`data: ${stats.emitted.toLocaleString('en')} / ${opts.records.toLocaleString('en')} lines`);
    }
  }
  flush();
  fs.closeSync(fd);
  fs.renameSync(`${file}.part`, file);
  const ds: Dataset = {
    file,
    options,
    start_ms: start,
    end_ms: end,
    lines: stats.emitted,
    unique: stats.unique,
    duplicates: stats.duplicates,
    bad: stats.bad,
    errors: stats.errors,
    keys: stats.keys.size,
    raw_bytes: raw,
    gzip_bytes: offset,
    batches,
    generate_s: (Date.now() - t0) / 1000,
    cached: false,
  };
  fs.writeFileSync(indexFile, JSON.stringify(ds));
  return ds;
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
