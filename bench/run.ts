// `npm run bench -- [--scale 1m|10m] [--quick]`: every measure of issue 7 against the production build and a
// bare floor, side by side in one run on this machine; writes bench/results/latest.{md,json} and a dated copy.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { alertMeasure, measureAlertTick, type AlertTickRun } from './alerts';
import { allKnownIds, datasetCached, prepareDatasetAsync, type Dataset } from './dataset';
import {
  floorCsv,
  floorInsert,
  floorLookup,
  openBare,
  RAW_SCAN_SQL,
  ROLLUP_SQL,
  timeQuery,
  type AggregateName,
  type FloorInsertResult,
  type LatencySummary,
} from './floor';
import { hostileLookups, type HostileLookups } from './hostile-lookup';
import { behaviourIngestMeasure, runBehaviourIngest, type BehaviourIngestResult } from './behaviour';
import { keepAliveAgent } from './http-client';
import { estimate, parseOptions, type BenchOptions } from './options';
import {
  cliImport,
  csvExport,
  httpIngest,
  idleLookups,
  prepareServerDatabase,
  signIn,
  timeGet,
  timePage,
  type CsvRun,
  type IdleLookups,
  type ImportRun,
  type IngestRun,
  type PageTiming,
} from './product';
import { otlpPhase } from './otlp-phase';
import { findPostgresBin, postgresMeasures, runPostgresPeer, type PostgresPeerResult } from './postgres';
import { findSqliteCli, sqliteCliCsv, sqliteCliMeasure, type CliCsvResult } from './sqlite-cli';
import { markdown, writeResults, type BenchResults, type Measure } from './report';
import { root, startServer, type BenchServer } from './server';
import { compact, mb, ms, round } from './stats';

const started = Date.now();

function log(s: string) {
  const t = ((Date.now() - started) / 1000).toFixed(1).padStart(7);
  process.stdout.write(`[bench ${t}s] ${s}\n`);
}

function loud(s: string) {
  const bar = '!'.repeat(100);
  process.stdout.write(`\n${bar}\n!! ${s}\n${bar}\n\n`);
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

function packageVersion(name: string): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function build(opts: BenchOptions) {
  log(`build: npm run build into ${opts.distDir}`);
  const res = spawnSync('npm', ['run', 'build'], {
    cwd: root,
    env: { ...process.env, NEXT_DIST_DIR: opts.distDir, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  if (res.status !== 0) throw new Error(`npm run build failed (${res.status}):\n${(res.stdout + res.stderr).slice(-4000)}`);
  log('build: done');
}

function hasBuild(distDir: string): boolean {
  return fs.existsSync(path.join(root, distDir, 'BUILD_ID'));
}

function floorDetail(f: FloorInsertResult, lookup_s?: number): string {
  return (
    `${f.insert_s.toFixed(1)} s in transactions (${f.cpu_s.toFixed(1)} CPU-s), ${(f.wall_s - f.insert_s).toFixed(1)} s unzipping and parsing rows off the clock` +
    (lookup_s === undefined ? '' : `, ${lookup_s.toFixed(1)} s of bare lookups`)
  );
}

function removeDb(file: string) {
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
}

// The data spans the 30 days before today 00:00 UTC; the default 30-day retention would reject its first hours.
const BENCH_ENV = { ERRATA_RETENTION_DAYS: '31' };

const iso = (msec: number) => new Date(msec).toISOString();

/** 0, or 3 ("some records were rejected": the data holds bad lines on purpose). */
function importSucceeded(r: ImportRun): boolean {
  return r.exit_code === 0 || r.exit_code === 3;
}

const phases: { phase: string; seconds: number; load_1m_end: number; detail?: string }[] = [];
let phaseStart = Date.now();
/**
 * Wall time and load average per phase, so a ratio taken while the machine was busy can be told apart; `detail`
 * says where the phase's time went (what was measured and what was the harness's own work).
 */
function phaseDone(phase: string, detail?: string) {
  const seconds = round((Date.now() - phaseStart) / 1000, 1);
  phases.push({ phase, seconds, load_1m_end: round(os.loadavg()[0], 2), ...(detail ? { detail } : {}) });
  log(`phase ${phase}: ${seconds} s${detail ? ` (${detail})` : ''}`);
  phaseStart = Date.now();
  checkpoint();
}
let checkpoint = () => {};

interface AggregateResult {
  name: AggregateName;
  product_ms: number;
  raw_scan_ms: number;
  rollup_ms: number;
  product_total: number | null;
  raw_total: number;
  rollup_total: number;
}

/** The request total of a breakdown (its `total` row) or a series (the sum of its buckets); null if neither. */
function totalOf(body: unknown): number | null {
  const b = body as { total?: { requests?: unknown }; buckets?: { requests?: unknown }[] } | null;
  if (b && typeof b.total?.requests === 'number') return b.total.requests;
  if (b && Array.isArray(b.buckets)) return b.buckets.reduce((s, x) => s + (typeof x.requests === 'number' ? x.requests : 0), 0);
  return null;
}

/** Removes the work folder (databases of several GB at 10M) when the run fails or is stopped; set once it exists. */
let cleanupWork = () => {};

// Ctrl+C or a kill: exit through process.exit, so the 'exit' handlers run (they kill the server's process group,
// which a terminal's Ctrl+C does not reach) and the work folder goes.
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(sig, () => {
    process.stdout.write(`\n[bench] ${sig}: stopping (a 1m or 10m run keeps what it measured in bench/results/*.partial.*)\n`);
    cleanupWork();
    process.exit(130);
  });
}

async function main() {
  const opts = parseOptions(process.argv.slice(2));
  cleanupWork = () => {
    if (!opts.keep) fs.rmSync(opts.workDir, { recursive: true, force: true });
  };
  process.env.NEXT_DIST_DIR = opts.distDir;
  process.env.NEXT_TELEMETRY_DISABLED = '1';
  fs.mkdirSync(opts.workDir, { recursive: true });
  const load_start = os.loadavg().map((x) => round(x, 2)).join(' / ');
  log(`scale ${opts.scale}: ${opts.records.toLocaleString('en')} lines, seed ${opts.seed}, dist ${opts.distDir}, work ${opts.workDir}`);
  const notes: string[] = [];
  const random = mulberry32(opts.seed);

  // 1. Data, once: the floor and the product read the same file.
  const dataOpts = { records: opts.records, seed: opts.seed, batchSize: opts.batchSize, cacheDir: opts.dataCacheDir };
  const plan = estimate(opts, hasBuild(opts.distDir), datasetCached(dataOpts));
  log(`estimate: ${plan.text}`);
  if (plan.disk_needed_bytes > 0) {
    let free = Number.NaN;
    try {
      const st = fs.statfsSync(opts.workDir);
      free = st.bavail * st.bsize;
    } catch {
      /* unknown */
    }
    log(`disk: about ${mb(plan.disk_needed_bytes)} needed at a time in ${opts.workDir} (+ ${mb(plan.data_bytes)} for uncached data in ${opts.dataCacheDir}); ${mb(free)} free`);
    if (free < plan.disk_needed_bytes + plan.data_bytes) {
      loud(`LOW DISK: ${mb(free)} free in ${opts.workDir}, the run needs about ${mb(plan.disk_needed_bytes + plan.data_bytes)}`);
    }
  }
  const ds: Dataset = await prepareDatasetAsync({ ...dataOpts, log });
  phaseDone('data', ds.cached ? `cached in ${opts.dataCacheDir} (generated earlier in ${ds.generate_s.toFixed(0)} s)` : `generated in ${ds.generate_s.toFixed(0)} s`);
  log(`data: ${ds.batches.length} batches, ${ds.unique.toLocaleString('en')} distinct records, ${mb(ds.raw_bytes)} NDJSON, ${mb(ds.gzip_bytes)} gzip (${ds.generate_s.toFixed(1)} s)`);

  if (opts.dataOnly) return;

  // 2. The production build.
  if (opts.build) build(opts);
  phaseDone('build', opts.build ? undefined : 'not built: reused');
  const serverAvailable = hasBuild(opts.distDir);
  if (!serverAvailable) {
    loud(`NO PRODUCTION BUILD at ${opts.distDir}: server measures (HTTP ingest, lookups, stats, overview, CSV, RSS) are SKIPPED. Run \`npm run build\` first.`);
    notes.push(`No production build at ${opts.distDir}: server measures were skipped in this run.`);
  }
  const buildId = serverAvailable ? fs.readFileSync(path.join(root, opts.distDir, 'BUILD_ID'), 'utf8').trim() : null;

  // 3. Floor: bare inserts with the same dedupe and rollups, then bare lookups.
  const floorFile = path.join(opts.workDir, 'floor.db');
  log('floor: bare better-sqlite3 insert');
  const floor: FloorInsertResult = await floorInsert(floorFile, ds, (n) => {
    if (n % 500_000 < opts.batchSize) log(`floor: ${n.toLocaleString('en')} lines`);
  });
  log(`floor: ${compact(floor.rows_per_s)} rows/s (${floor.insert_s.toFixed(1)} s in transactions, ${floor.wall_s.toFixed(1)} s with parsing)`);
  if (floor.inserted !== ds.unique) notes.push(`Floor stored ${floor.inserted} rows, the generator reports ${ds.unique} distinct records.`);
  const ids = allKnownIds(ds);
  const lookupT = Date.now();
  const floorLookups: LatencySummary = floorLookup(floorFile, ids, opts.scale === 'quick' ? 2_000 : 20_000, random);
  log(`floor: lookup p50 ${(floorLookups.p50_ms * 1000).toFixed(0)} µs, p99 ${(floorLookups.p99_ms * 1000).toFixed(0)} µs`);
  phaseDone('floor', floorDetail(floor, (Date.now() - lookupT) / 1000));
  // The floor is the machine's speed today: the rest of the run scales with it.
  log(`estimate: ${plan.rescale(floor.wall_s).text}`);
  // Alert evaluation over the floor's file (the product's schema and data; removed right after).
  let alertRun: AlertTickRun | null = null;
  let alertError: string | null = null;
  try {
    alertRun = await measureAlertTick(floorFile);
    log(`alerts: steady tick ${ms(alertRun.steady_median_ms)}, after a restart ${ms(alertRun.cold_ms)}, floor ${ms(alertRun.floor_ms)}`);
  } catch (err) {
    alertError = (err as Error).message.split('\n')[0];
    notes.push(`Alert evaluation not measured: ${alertError}`);
  }
  removeDb(floorFile);
  phaseDone('alerts', alertRun ? `first start ${(alertRun.catchup_ms / 1000).toFixed(1)} s, then ${alertRun.steady_ms.length} steady ticks and one cold` : 'failed');

  let ingest: IngestRun | null = null;
  const aggregates: AggregateResult[] = [];
  let pages: PageTiming[] = [];
  let csv: CsvRun | null = null;
  let csvFloor: ReturnType<typeof floorCsv> | null = null;
  let csvCli: CliCsvResult | null = null;
  /** Lookups while a whole-range CSV export and ingest (resent batches) run together. */
  let busyLookups: { lookups: IngestRun['lookups']; batches: number; csv_s: number } | null = null;
  let busyWhy = 'not measured yet';
  // A missing sqlite3 or PostgreSQL is said in their rows only, not as a note: they are the bench's peers, not
  // something the product needs (CI installs both, for tests/integration/bench-peers.test.ts).
  let csvCliWhy = 'not measured yet';
  let peer: PostgresPeerResult | null = null;
  let peerWhy = 'not measured yet';
  let imported: ImportRun | null = null;
  /** Set once the import phase has run (a partial table says "not yet" before, "failed" after). */
  let importDone = false;
  let behaviourRun: BehaviourIngestResult | null = null;
  let floorAfter: FloorInsertResult | null = null;
  const tableRows: Record<string, number> = {};
  let idle: IdleLookups | null = null;
  let hostile: HostileLookups | null = null;

  // The table, from whatever has been measured so far: a checkpoint after each phase, the results at the end.
  const assemble = (): BenchResults => {
    const records = ds.unique + ds.duplicates;
    // Against the mean of the floors before and after the product phases (before only, until the run ends).
    const floorRate = floorAfter ? (floor.rows_per_s + floorAfter.rows_per_s) / 2 : floor.rows_per_s;
    const floorPerCpu = floorAfter ? (floor.rows + floorAfter.rows) / (floor.cpu_s + floorAfter.cpu_s) : floor.rows / floor.cpu_s;
    const floorText = floorAfter
      ? `${compact(floorRate)} rows/s (mean of ${compact(floor.rows_per_s)} before and ${compact(floorAfter.rows_per_s)} after the product phases)`
      : `${compact(floorRate)} rows/s`;
    const skipped = serverAvailable ? 'not measured (see notes)' : 'SKIPPED: no build';
    const measures: Measure[] = [];
    const ingestRatio = ingest ? ingest.records_per_s / floorRate : null;
    // The lookups run in the same server process: their CPU (measured alone, per lookup) is not ingest work.
    const ingestCpuNoLookups = ingest && idle ? ingest.cpu_s - (idle.cpu_ms_per_lookup * (ingest.lookups.n + ingest.lookups.failed)) / 1000 : null;
    measures.push({
      id: 'http_ingest',
      measure: 'HTTP ingest: gzip NDJSON, 5,000-record batches, 2 concurrent senders, durable answers',
      errata: ingest
        ? `${compact(ingest.records_per_s)} records/s (batch p50 ${ms(ingest.batch_latency.p50_ms)}, p99 ${ms(ingest.batch_latency.p99_ms)}; ${ingest.retries} retries; ${compact(ingest.records / ingest.cpu_s)} records per server CPU-second)`
        : skipped,
      floor: `${floorText}: bare better-sqlite3, same dedupe + rollups, rows pre-parsed; ${compact(floorPerCpu)} per CPU-second`,
      ratio: ingestRatio,
      ratio_text: ingestRatio === null ? '—' : `${round(ingestRatio, 2)}× (CPU-time ${round(ingest!.records / ingest!.cpu_s / floorPerCpu, 2)}×${ingestCpuNoLookups ? `; ${round(ingest!.records / ingestCpuNoLookups / floorPerCpu, 2)}× without the lookups' CPU` : ''})`,
      target: '≥ 0.7× floor',
      met: ingestRatio === null ? null : ingestRatio >= 0.7,
      figures: { ingest, floor, floor_after: floorAfter, floor_rows_per_s: floorRate, server_cpu_s_without_lookups: ingestCpuNoLookups },
    });
    const importRate = imported && importSucceeded(imported) ? records / imported.seconds : null;
    const importRatio = importRate === null ? null : importRate / floorRate;
    const hasProgress = imported ? imported.progress_updates > 0 : false;
    measures.push({
      id: 'import',
      measure: '`errata import` of the file',
      errata:
        importRate === null
          ? importDone
            ? 'failed (see notes)'
            : 'not measured yet'
          : `${compact(importRate)} records/s (${imported!.seconds.toFixed(1)} s incl. start-up; ${compact(records / imported!.cpu_s)} per CPU-second; ${hasProgress ? `${imported!.progress_updates} progress lines` : 'NO progress output'})`,
      floor: `${floorText} (same floor)`,
      ratio: importRatio,
      ratio_text: importRatio === null ? '—' : `${round(importRatio, 2)}× (CPU-time ${round(records / imported!.cpu_s / floorPerCpu, 2)}×)`,
      target: '≥ 0.8× floor, with progress',
      met: importRatio === null ? (importDone ? false : null) : importRatio >= 0.8 && hasProgress,
      figures: { import: imported, records },
    });
    measures.push({
      id: 'lookup',
      measure: 'lookup by request id over HTTP, while ingest runs',
      errata: ingest
        ? `p50 ${ms(ingest.lookups.p50_ms)}, p95 ${ms(ingest.lookups.p95_ms)}, p99 ${ms(ingest.lookups.p99_ms)} (${ingest.lookups.n.toLocaleString('en')} lookups at ${round(ingest.lookups.rate_per_s, 0)}/s, ${ingest.lookups.failed} failed)` +
          (idle ? `; after ingest, alone: p50 ${ms(idle.p50_ms)}, p99 ${ms(idle.p99_ms)}, ${idle.cpu_ms_per_lookup.toFixed(2)} ms server CPU each` : '')
        : skipped,
      floor: `bare indexed lookup p50 ${round(floorLookups.p50_ms * 1000, 0)} µs, p99 ${round(floorLookups.p99_ms * 1000, 0)} µs`,
      ratio: null,
      ratio_text: '—',
      target: 'p99 < 5 ms',
      met: ingest ? ingest.lookups.p99_ms < 5 && ingest.lookups.failed === 0 && ingest.lookups.n > 0 : null,
      figures: { product: ingest?.lookups ?? null, idle, floor: floorLookups },
    });
    measures.push({
      id: 'lookup_during_csv_ingest',
      measure: 'lookup by request id over HTTP while a CSV export of the whole range and ingest (2 senders resending stored batches) run together',
      errata: busyLookups
        ? `p50 ${ms(busyLookups.lookups.p50_ms)}, p95 ${ms(busyLookups.lookups.p95_ms)}, p99 ${ms(busyLookups.lookups.p99_ms)} (${busyLookups.lookups.n.toLocaleString('en')} lookups, ${busyLookups.lookups.failed} failed; ${busyLookups.batches} batches resent while the export ran ${busyLookups.csv_s.toFixed(1)} s)`
        : busyWhy,
      floor: `bare indexed lookup p50 ${round(floorLookups.p50_ms * 1000, 0)} µs, p99 ${round(floorLookups.p99_ms * 1000, 0)} µs`,
      ratio: null,
      ratio_text: '—',
      target: 'p99 < 10 ms',
      met: busyLookups ? busyLookups.lookups.p99_ms < 10 && busyLookups.lookups.failed === 0 && busyLookups.lookups.n > 0 : null,
      figures: { product: busyLookups },
    });
    measures.push({
      id: 'hostile_lookup',
      measure: `lookup of the largest text (1 MB) in ${hostile ? hostile.shapes.length : 'the'} adversarial shapes, /api/v1/health pinged alongside`,
      errata: hostile
        ? `slowest lookup ${ms(hostile.worst_lookup_ms)} (${ms(Math.max(...hostile.shapes.map((s) => s.server_cpu_ms)))} server CPU at most); health during them: max ${ms(hostile.worst_health_ms)}, p50 of the shapes' p50s ${ms(hostile.shapes.map((s) => s.health.p50_ms).sort((a, b) => a - b)[hostile.shapes.length >> 1])}`
        : skipped,
      floor: hostile ? `health with nothing else running: p50 ${ms(hostile.idle_health.p50_ms)}, max ${ms(hostile.idle_health.max_ms)}` : '—',
      ratio: null,
      ratio_text: '—',
      target: 'lookup < 1 s; health < 50 ms throughout',
      met: hostile ? hostile.worst_lookup_ms < 1000 && hostile.worst_health_ms < 50 : null,
      figures: { hostile },
    });
    const aggLabels: Record<AggregateName, string> = {
      breakdown_key: '30-day breakdown by key',
      breakdown_code: '30-day breakdown by code',
      hourly_status_class: '30-day hourly series by status class',
    };
    for (const name of Object.keys(aggLabels) as AggregateName[]) {
      const a = aggregates.find((x) => x.name === name);
      const ratio = a ? a.raw_scan_ms / a.product_ms : null;
      measures.push({
        id: name,
        measure: aggLabels[name],
        errata: a ? `${ms(a.product_ms)} over HTTP` : skipped,
        floor: a ? `raw scan ${ms(a.raw_scan_ms)}; bare rollup query ${ms(a.rollup_ms)}` : '—',
        ratio,
        ratio_text: ratio === null ? '—' : `${round(ratio, 1)}× faster than the scan`,
        target: '≥ 20× faster than the raw scan',
        met: ratio === null ? null : ratio >= 20,
        figures: a ? { ...a, table_rows: tableRows } : {},
      });
      if (a && a.product_total !== null && a.product_total !== a.raw_total) {
        notes.push(`${aggLabels[name]}: errata counts ${a.product_total} requests, the raw scan ${a.raw_total}, the rollup ${a.rollup_total}.`);
      }
    }
    measures.push({
      id: 'overview',
      measure: 'overview page, server render',
      errata: pages.length
      ? pages
          .map(
            (p) =>
              `${p.url.includes('?') ? '30 days' : 'default range (24 h)'}: p50 ${ms(p.p50_ms)}, p95 ${ms(p.p95_ms)}` +
              (p.query_ms.length ? ` (its ${p.query_ms.length} queries: ${ms(p.query_ms.reduce((a, b) => a + b, 0))}, slowest ${ms(Math.max(...p.query_ms))})` : ''),
          )
          .join('; ')
      : skipped,
      floor: '—',
      ratio: null,
      ratio_text: '—',
      target: 'report p50/p95',
      met: null,
      figures: { pages },
    });
    const csvRatio = csv && csvFloor ? csv.rows_per_s / csvFloor.rows_per_s : null;
    const csvGrowth = csv ? csv.rss_peak_bytes - csv.rss_before_bytes : null;
    // "Flat": the export may not hold its rows; growth under 64 MB is buffers and caches, not the result set.
    const csvFlat = csvGrowth !== null && csvGrowth < 64 * 1048576;
    measures.push({
      id: 'csv_export',
      measure: 'CSV export of all requests in range',
      errata: csv ? `${compact(csv.rows_per_s)} rows/s (${csv.rows.toLocaleString('en')} rows, ${mb(csv.bytes)}); server RSS ${mb(csv.rss_before_bytes)} → peak ${mb(csv.rss_peak_bytes)}` : skipped,
      floor: csvFloor ? `${compact(csvFloor.rows_per_s)} rows/s (bare iterate() → minimal CSV → /dev/null)` : '—',
      ratio: csvRatio,
      ratio_text: csvRatio === null ? '—' : `${round(csvRatio, 2)}×`,
      target: '≥ 0.5× floor, RSS flat',
      met: csvRatio === null ? null : csvRatio >= 0.5 && csvFlat,
      figures: { product: csv, floor: csvFloor, rss_growth_bytes: csvGrowth },
    });
    measures.push(sqliteCliMeasure(csv, csvCli, csvCliWhy, csvFlat));
    measures.push(alertMeasure(alertRun, alertError));
    measures.push({
      id: 'server_rss',
      measure: 'server RSS, peak during ingest',
      errata: ingest ? `${mb(ingest.peak_rss_bytes)} (process group, sampled every 100 ms)` : skipped,
      floor: '—',
      ratio: null,
      ratio_text: '—',
      target: '< 400 MB',
      met: ingest ? ingest.peak_rss_bytes < 400 * 1048576 : null,
      figures: { peak_rss_bytes: ingest?.peak_rss_bytes ?? null },
    });
    // Notes of this assembly only: the table is assembled again at every checkpoint.
    const peerNotes: string[] = [];
    const peerQueries: Parameters<typeof postgresMeasures>[2]['queries'] = {};
    for (const a of aggregates) peerQueries[a.name] = { ms: a.product_ms, total: a.product_total };
    measures.push(...postgresMeasures(peer, peerWhy, { http_per_s: ingest ? ingest.records_per_s : null, import_per_s: importRate, queries: peerQueries }, peerNotes));

    const cpus = os.cpus();
    const probe = new Database(':memory:');
    const sqliteVersion = (probe.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
    probe.close();
    const dirty = git(['status', '--porcelain', '--untracked-files=no']) !== '';
    const results: BenchResults = {
      scale: opts.scale,
      date: new Date().toISOString(),
      duration_s: round((Date.now() - started) / 1000, 1),
      machine: {
        cpu: cpus[0]?.model?.trim() ?? 'unknown',
        cores: cpus.length,
        memory_gb: round(os.totalmem() / 1024 ** 3, 1),
        os: `${os.type()} ${os.release()} ${os.arch()}`,
        load_start,
        load_end: os.loadavg().map((x) => round(x, 2)).join(' / '),
      },
      software: {
        node: process.versions.node,
        sqlite: sqliteVersion,
        better_sqlite3: packageVersion('better-sqlite3'),
        next: packageVersion('next'),
        commit: `${git(['rev-parse', '--short', 'HEAD'])}${dirty ? ' (with uncommitted changes)' : ''}`,
        build_id: buildId,
        dist_dir: opts.distDir,
      },
      data: {
        seed: opts.seed,
        lines: ds.lines,
        unique: ds.unique,
        duplicates: ds.duplicates,
        bad: ds.bad,
        errors: ds.errors,
        error_pct: round((100 * ds.errors) / ds.unique, 1),
        keys: ds.keys,
        raw_mb: Math.round(ds.raw_bytes / 1048576),
        gzip_mb: Math.round(ds.gzip_bytes / 1048576),
        start: iso(ds.start_ms),
        end: iso(ds.end_ms),
        generate_s: round(ds.generate_s, 1),
        reused: ds.cached,
      },
      phases,
      measures: [...measures, behaviourIngestMeasure(behaviourRun)],
      notes: [...notes, ...peerNotes],
    };
    return results;
  };
  const partialBase = path.join(opts.outDir, `${new Date(started).toISOString().replace(/[:]/g, '').replace(/\.\d+Z$/, 'Z')}-${opts.scale}.partial`);
  checkpoint = () => {
    if (opts.scale === 'quick') return;
    const r = assemble();
    r.notes = [...r.notes, 'PARTIAL: the run has not finished; measures without figures are still to come.'];
    fs.mkdirSync(opts.outDir, { recursive: true });
    fs.writeFileSync(`${partialBase}.md`, markdown(r));
    fs.writeFileSync(`${partialBase}.json`, JSON.stringify(r, null, 2) + '\n');
  };

  checkpoint();

  // 4. The server: ingest with lookups alongside, then reads against the same database.
  if (serverAvailable) {
    const serverDb = path.join(opts.workDir, 'server.db');
    const creds = await prepareServerDatabase(serverDb);
    log('server: starting the production build');
    const startT = Date.now();
    const server: BenchServer = await startServer({ databasePath: serverDb, distDir: opts.distDir, env: BENCH_ENV });
    const startS = (Date.now() - startT) / 1000;
    const pgid = server.pgid;
    try {
      log(`server: up at ${server.baseUrl}; HTTP ingest with ${opts.senders} senders, lookups at ${opts.lookupRate}/s`);
      ingest = await httpIngest(server.baseUrl, pgid, ds, creds.token, { senders: opts.senders, lookupRate: opts.lookupRate, log });
      log(`http ingest: ${compact(ingest.records_per_s)} records/s, lookup p99 ${ms(ingest.lookups.p99_ms)}, peak RSS ${mb(ingest.peak_rss_bytes)}`);
      phaseDone('http ingest', `server start-up ${startS.toFixed(1)} s, then ${ingest.seconds.toFixed(1)} s posting ${ingest.batches} batches`);
      if (ingest.accepted !== ds.unique) notes.push(`HTTP ingest accepted ${ingest.accepted} records; the generator reports ${ds.unique} distinct records.`);
      if (ingest.rejected !== ds.bad) notes.push(`HTTP ingest rejected ${ingest.rejected} lines; the generator wrote ${ds.bad} bad lines.`);

      try {
        idle = await idleLookups(server.baseUrl, pgid, ids, creds.token, opts.scale === 'quick' ? 200 : 1000, random);
        log(`idle lookups: p50 ${ms(idle.p50_ms)}, p99 ${ms(idle.p99_ms)}, server CPU ${idle.cpu_ms_per_lookup.toFixed(2)} ms per lookup`);
      } catch (err) {
        notes.push(`Idle lookups not measured: ${(err as Error).message.split('\n')[0]}`);
      }
      try {
        hostile = await hostileLookups(server.baseUrl, pgid, creds.token, opts.scale === 'quick' ? 6 : undefined);
        log(`hostile lookups: ${hostile.shapes.length} shapes, slowest ${ms(hostile.worst_lookup_ms)}, health max ${ms(hostile.worst_health_ms)} (idle max ${ms(hostile.idle_health.max_ms)})`);
      } catch (err) {
        notes.push(`Hostile lookups not measured: ${(err as Error).message.split('\n')[0]}`);
      }

      // Aggregates: raw scan and bare rollup query on the server's own file, beside the product's endpoint.
      const agent = keepAliveAgent(1);
      const auth = { Authorization: `Bearer ${creds.token}` };
      const range = `from=${encodeURIComponent(iso(ds.start_ms))}&to=${encodeURIComponent(iso(ds.end_ms))}`;
      const urls: Record<AggregateName, string> = {
        breakdown_key: `${server.baseUrl}/api/v1/stats/breakdown?by=key&${range}`,
        breakdown_code: `${server.baseUrl}/api/v1/stats/breakdown?by=code&${range}`,
        hourly_status_class: `${server.baseUrl}/api/v1/stats/timeseries?interval=hour&by=status_class&${range}`,
      };
      const ro: Database.Database = openBare(serverDb, true);
      // Row counts say how much each rollup shrinks the raw table: the main lever of these reads.
      for (const t of ['requests', 'rollup_minute', 'rollup_code_hour', 'rollup_hour', 'rollup_day', 'rollup_key_hour', 'rollup_key_day']) {
        tableRows[t] = (ro.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
      }
      log(`table rows: ${Object.entries(tableRows).map(([t, n]) => `${t} ${n.toLocaleString('en')}`).join(', ')}`);
      const scanRuns = opts.scale === '10m' ? 3 : 5;
      let productAggMs = 0;
      let scanAggMs = 0;
      for (const name of Object.keys(urls) as AggregateName[]) {
        let product;
        try {
          product = await timeGet(urls[name], auth, 7, agent);
        } catch (err) {
          notes.push(`${name} not measured: ${(err as Error).message.split('\n')[0]}`);
          log(`${name}: FAILED ${(err as Error).message}`);
          continue;
        }
        productAggMs += product.runs_ms.reduce((a, b) => a + b, 0);
        const scanT = Date.now();
        const raw = timeQuery(ro, RAW_SCAN_SQL[name], ds.start_ms, ds.end_ms, scanRuns);
        scanAggMs += Date.now() - scanT;
        const rollup = timeQuery(ro, ROLLUP_SQL[name], ds.start_ms, ds.end_ms, 7);
        aggregates.push({
          name,
          product_ms: product.median_ms,
          raw_scan_ms: raw.median_ms,
          rollup_ms: rollup.median_ms,
          product_total: totalOf(product.body),
          raw_total: raw.total_requests,
          rollup_total: rollup.total_requests,
        });
        log(`${name}: errata ${ms(product.median_ms)}, raw scan ${ms(raw.median_ms)}, bare rollup ${ms(rollup.median_ms)}`);
      }
      ro.close();
      phaseDone('aggregates', `idle lookups, then ${(productAggMs / 1000).toFixed(1)} s in errata's timed requests, ${(scanAggMs / 1000).toFixed(1)} s in the raw scans (${scanRuns} runs each)`);

      // The overview page, server-rendered for a signed-in user.
      try {
        const cookie = await signIn(server.baseUrl, creds.email, creds.password);
        const runs = opts.scale === '1m' ? 20 : 5;
        pages = [
          await timePage(`${server.baseUrl}/`, cookie, runs, agent),
          await timePage(`${server.baseUrl}/?${range}`, cookie, runs, agent),
        ];
        for (const p of pages) log(`overview ${p.url.replace(server.baseUrl, '')}: p50 ${ms(p.p50_ms)}, p95 ${ms(p.p95_ms)}`);
      } catch (err) {
        notes.push(`Overview page not measured: ${(err as Error).message.split('\n')[0]}`);
        log(`overview: FAILED ${(err as Error).message}`);
      }
      agent.destroy();
      phaseDone('overview');

      // CSV export of every request in the range, then the bare iterate() floor over the same file.
      try {
        csv = await csvExport(`${server.baseUrl}/api/v1/export/requests.csv?${range}`, creds.token, pgid);
        log(`csv: ${compact(csv.rows_per_s)} rows/s (${csv.rows.toLocaleString('en')} rows), RSS ${mb(csv.rss_before_bytes)} → peak ${mb(csv.rss_peak_bytes)}`);
        csvFloor = floorCsv(serverDb, csv.columns, ds.start_ms, ds.end_ms);
        log(`csv floor: ${compact(csvFloor.rows_per_s)} rows/s`);
        if (csv.rows !== csvFloor.rows) notes.push(`CSV export wrote ${csv.rows} rows; the floor's iterate() found ${csvFloor.rows}.`);
      } catch (err) {
        notes.push(`CSV export not measured: ${(err as Error).message.split('\n')[0]}`);
        log(`csv: FAILED ${(err as Error).message}`);
      }
      // The sqlite3 shell's CSV mode on the same file, the export's columns (from its header), range and order.
      if (csv) {
        if (!findSqliteCli()) csvCliWhy = 'not measured: no sqlite3 command-line shell on PATH';
        else {
          try {
            csvCli = await sqliteCliCsv(serverDb, csv.columns, ds.start_ms, ds.end_ms);
            log(`csv sqlite3 shell: ${compact(csvCli.rows_per_s)} rows/s (${csvCli.seconds.toFixed(2)} s)`);
            if (csvCli.rows !== csv.rows) notes.push(`CSV export wrote ${csv.rows} rows; the sqlite3 shell's range holds ${csvCli.rows}.`);
          } catch (err) {
            csvCliWhy = `not measured: ${(err as Error).message.split('\n')[0]}`;
            notes.push(`CSV via the sqlite3 shell ${csvCliWhy}`);
          }
        }
      } else csvCliWhy = 'not measured (the export failed)';
      phaseDone(
        'csv',
        csv ? `errata ${csv.seconds.toFixed(1)} s${csvFloor ? `, floor ${csvFloor.seconds.toFixed(1)} s` : ''}${csvCli ? `, sqlite3 shell ${csvCli.seconds.toFixed(1)} s` : ''}` : undefined,
      );

      // Support looks a request up while someone exports everything and the gateway ships: the export and as many
      // resent batches as the first ingest took to store in the export's time, with lookups at the usual rate.
      if (csv && ingest) {
        try {
          const batches = Math.min(ds.batches.length, Math.max(4, Math.ceil((csv.seconds * ingest.records_per_s) / opts.batchSize)));
          const exportRun = csvExport(`${server.baseUrl}/api/v1/export/requests.csv?${range}`, creds.token, pgid);
          const during = await httpIngest(server.baseUrl, pgid, { ...ds, batches: ds.batches.slice(0, batches) }, creds.token, { senders: 2, lookupRate: 50, log });
          const exported = await exportRun;
          busyLookups = { lookups: during.lookups, batches, csv_s: exported.seconds };
          log(`lookups during csv + ingest: p50 ${ms(during.lookups.p50_ms)}, p99 ${ms(during.lookups.p99_ms)} (${during.lookups.n} lookups)`);
        } catch (err) {
          busyWhy = `not measured: ${(err as Error).message.split('\n')[0]}`;
          notes.push(`Lookups during CSV + ingest ${busyWhy}`);
        }
      } else busyWhy = 'not measured (the export or the ingest failed)';
      phaseDone('csv + ingest lookups', busyLookups ? `${busyLookups.batches} batches resent` : undefined);
    } catch (err) {
      // A failed server phase (say an ingest batch that never got its answer) is reported; the import and the
      // second floor still run, so a long run keeps what it can measure.
      const msg = (err as Error).message.split('\n')[0];
      notes.push(`Server phases stopped: ${msg}`);
      loud(`SERVER PHASES STOPPED: ${msg}`);
      process.stdout.write(`server output (last 4000 characters):\n${server.output().slice(-4000)}\n`);
      phaseDone(ingest ? 'server reads' : 'http ingest', `failed: ${msg}`);
    } finally {
      await server.stop();
      log('server: stopped');
    }
    removeDb(serverDb);
  }

  // 5. `errata import` of the same file into a fresh database.
  const importDb = path.join(opts.workDir, 'import.db');
  try {
    imported = await cliImport(ds.file, importDb, BENCH_ENV, log);
    if (!importSucceeded(imported)) notes.push(`errata import exited ${imported.exit_code}: ${imported.output_tail.split('\n').slice(-3).join(' ')}`);
    else if (imported.stored !== ds.unique) notes.push(`errata import stored ${imported.stored} rows; the generator reports ${ds.unique} distinct records.`);
  } catch (err) {
    notes.push(`errata import not measured: ${(err as Error).message.split('\n')[0]}`);
  }
  importDone = true;
  removeDb(importDb);
  phaseDone('import', imported ? `exit ${imported.exit_code}` : 'not run');

  // Client-behaviour ingest (bench/behaviour.ts): fields and classification on vs off, in this process.
  try {
    behaviourRun = await runBehaviourIngest({ records: Math.min(opts.records, 200_000), runs: 3, workDir: opts.workDir, log });
  } catch (err) {
    notes.push(`behaviour ingest not measured: ${(err as Error).message.split('\n')[0]}`);
  }
  phaseDone('behaviour ingest', behaviourRun ? `${behaviourRun.ratio_cpu}× per CPU-second` : 'failed');

  // 5b. OTLP protobuf vs NDJSON ingest and the /metrics scrape cost (bench/otlp-phase.ts).
  if (serverAvailable) {
    notes.push(...otlpPhase(opts, log));
    phaseDone('otlp');
  }

  // 5c. The PostgreSQL peer (bench/postgres.ts): the same file into PostgreSQL, the same 30-day questions.
  if (!findPostgresBin()) {
    peerWhy = 'not measured: no PostgreSQL server binaries (/usr/lib/postgresql/*/bin, pg_config --bindir or $ERRATA_BENCH_PG_BIN)';
    log(`postgres peer: ${peerWhy}`);
    phaseDone('postgres peer', 'not run: no PostgreSQL');
  } else {
    try {
      peer = await runPostgresPeer(ds, { runs: opts.scale === '10m' ? 3 : 5, log });
      if (peer.load.inserted !== ds.unique) notes.push(`The PostgreSQL peer stored ${peer.load.inserted} rows; the generator reports ${ds.unique} distinct records.`);
    } catch (err) {
      peerWhy = `not measured: ${(err as Error).message.split('\n')[0]}`;
      notes.push(`PostgreSQL peer ${peerWhy}`);
      log(`postgres peer: FAILED ${(err as Error).message}`);
    }
    phaseDone(
      'postgres peer',
      peer
        ? `start ${peer.start_s.toFixed(1)} s, ${peer.load.insert_s.toFixed(1)} s in transactions, ${(peer.load.wall_s - peer.load.insert_s).toFixed(1)} s parsing off the clock, VACUUM ANALYZE ${peer.load.vacuum_analyze_s.toFixed(1)} s`
        : 'failed',
    );
  }

  // 6. The floor again: the machine's load drifts during a run, so the product is bracketed by two floors.
  log('floor: bare better-sqlite3 insert, again after the product');
  floorAfter = await floorInsert(floorFile, ds, (n) => {
    if (n % 2_000_000 < opts.batchSize) log(`floor again: ${n.toLocaleString('en')} lines`);
  });
  log(`floor (after): ${compact(floorAfter.rows_per_s)} rows/s (${floorAfter.insert_s.toFixed(1)} s in transactions, ${floorAfter.wall_s.toFixed(1)} s with parsing)`);
  if (floorAfter.inserted !== floor.inserted || floorAfter.rows !== floor.rows) {
    notes.push(`The two floors did different work: ${floor.inserted} / ${floor.rows} rows before, ${floorAfter.inserted} / ${floorAfter.rows} after.`);
  }
  removeDb(floorFile);
  phaseDone('floor again', floorDetail(floorAfter));

  // 7. The table.
  const results = assemble();
  const files = writeResults(opts.outDir, results);
  for (const ext of ['md', 'json']) fs.rmSync(`${partialBase}.${ext}`, { force: true });
  if (!opts.keep) fs.rmSync(opts.workDir, { recursive: true, force: true });
  log(`wrote ${files.join(', ')}`);
  process.stdout.write('\n' + fs.readFileSync(files[0], 'utf8'));
}

// `--store clickhouse`: the ClickHouse store beside the SQLite store (bench/clickhouse.ts), a run of its own.
const argv = process.argv.slice(2);
const storeAt = argv.indexOf('--store');
const run = storeAt >= 0 && argv[storeAt + 1] === 'clickhouse' ? import('./clickhouse').then((m) => m.runClickHouseBench(argv)) : main();
run.catch((err) => {
  console.error(err);
  cleanupWork();
  process.exit(1);
});
