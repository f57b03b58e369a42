// OTLP ingest and /metrics overhead, side by side with the NDJSON path on the same data, same build, same machine:
//
//   npx tsx bench/otlp.ts                    # 100k lines of the standard data, 2 rounds, the build in .next
//   npx tsx bench/otlp.ts --records 1000000 --rounds 3 --dist .next-bench
//
// 1. OTLP protobuf vs NDJSON: each 5,000-line batch of the bench data (demo/traffic.ts, seed 7) is posted gzipped
//    as NDJSON to /api/v1/ingest, and as an ExportLogsServiceRequest built by the OpenTelemetry JS SDK (one log
//    record per line, the line as a string body: the Collector's filelog receiver) to /api/v1/otlp/v1/logs.
// 2. /metrics every second: the NDJSON ingest again, with and without a scraper reading /metrics once a second.
// Each run gets a fresh database and server; the order alternates within a round, and ratios use the medians of
// the rounds, because the machine's load drifts. Results: bench/results/tmp/otlp-<date>.{json,md}.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { prepareDatasetAsync, readBatchGzip, readBatchLines, type Dataset } from './dataset';
import { keepAliveAgent, request } from './http-client';
import { prepareServerDatabase } from './product';
import { groupCpuSeconds } from './rss';
import { root, startServer } from './server';
import { elapsedMs, median, nowNs, round, sleep } from './stats';
import { openDatabase } from '@/db/client';
import { createToken } from '@/db/queries/tokens';
import { otlpExport } from '../tests/support/otlp';

interface Args {
  records: number;
  rounds: number;
  dist: string;
  senders: number;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { records: 100_000, rounds: 2, dist: process.env.NEXT_DIST_DIR ?? '.next', senders: 2 };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    if (argv[i] === '--records') a.records = Number(v);
    else if (argv[i] === '--rounds') a.rounds = Number(v);
    else if (argv[i] === '--dist') a.dist = v;
    else if (argv[i] === '--senders') a.senders = Number(v);
    else continue;
    i++;
  }
  return a;
}

interface Body {
  bytes: Buffer;
  lines: number;
}

interface Run {
  kind: string;
  records: number;
  rejected: number;
  seconds: number;
  records_per_s: number;
  /** Server process group CPU per 1,000 records, ms. */
  cpu_ms_per_1k: number;
  retries: number;
  scrapes?: number;
}

const log = (s: string) => console.log(`[otlp bench ${new Date().toISOString().slice(11, 19)}] ${s}`);

/** The NDJSON batch as a filelog receiver would export it: one log record per line, the line as its body. */
function otlpBodies(ds: Dataset): { bodies: Body[]; encode_s: number } {
  const t = nowNs();
  const bodies = ds.batches.map((_, b) => {
    const lines = readBatchLines(ds, b);
    const observed = ds.end_ms;
    const proto = otlpExport(
      lines.map((l) => ({ body: l, timestamp: observed })),
      'protobuf',
    );
    return { bytes: zlib.gzipSync(proto), lines: lines.length };
  });
  return { bodies, encode_s: elapsedMs(t) / 1000 };
}

async function ingestRun(kind: string, dist: string, bodies: Body[], path_: string, contentType: string, senders: number, scrapeEveryMs: number | null): Promise<Run> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'errata-otlp-bench-'));
  const databasePath = path.join(dir, 'errata.db');
  const creds = await prepareServerDatabase(databasePath);
  const db = openDatabase(databasePath);
  const metricsToken = createToken(db, { name: 'prometheus', scopes: ['metrics'] }).token;
  db.$client.close();
  const server = await startServer({ databasePath, distDir: dist, env: { ERRATA_RETENTION_DAYS: '31' } });
  const agent = keepAliveAgent(senders);
  let next = 0;
  let records = 0;
  let rejected = 0;
  let retries = 0;
  let scrapes = 0;
  let done = false;
  try {
    // Warm the route and the workers with the first batch, outside the clock (both paths pay the same start-up).
    const post = async (b: number) => {
      for (;;) {
        const res = await request(`${server.baseUrl}${path_}`, {
          method: 'POST',
          agent,
          body: bodies[b].bytes,
          headers: { Authorization: `Bearer ${creds.token}`, 'Content-Type': contentType, 'Content-Encoding': 'gzip', 'Content-Length': String(bodies[b].bytes.length) },
        });
        if (res.status === 429 || res.status === 503) {
          retries++;
          await sleep(Math.min(1000, Math.max(50, Number(res.headers['retry-after'] ?? '1') * 1000)));
          continue;
        }
        if (res.status !== 200) throw new Error(`${kind} batch ${b}: HTTP ${res.status} ${res.body.toString().slice(0, 300)}`);
        if (contentType === 'application/x-ndjson') rejected += (JSON.parse(res.body.toString()) as { rejected: number }).rejected;
        else {
          // ExportLogsServiceResponse: field 1 partial_success { field 1 rejected_log_records } — read by the SDK's own deserializer.
          const { ProtobufLogsSerializer } = await import('otlp-transformer-current');
          const r = ProtobufLogsSerializer.deserializeResponse(new Uint8Array(res.body)) as { partialSuccess?: { rejectedLogRecords?: number } };
          rejected += Number(r.partialSuccess?.rejectedLogRecords ?? 0);
        }
        records += bodies[b].lines;
        return;
      }
    };
    await post(0);
    records = 0;
    rejected = 0;
    next = 1;
    const scraper = async () => {
      if (scrapeEveryMs === null) return;
      const scrapeAgent = keepAliveAgent(1);
      while (!done) {
        const res = await request(`${server.baseUrl}/metrics`, { agent: scrapeAgent, headers: { Authorization: `Bearer ${metricsToken}` } });
        if (res.status !== 200) throw new Error(`/metrics: HTTP ${res.status}`);
        scrapes++;
        await sleep(scrapeEveryMs);
      }
      scrapeAgent.destroy();
    };
    const cpu0 = groupCpuSeconds(server.pgid);
    const t0 = nowNs();
    const scraping = scraper();
    await Promise.all(
      Array.from({ length: senders }, async () => {
        for (;;) {
          const b = next++;
          if (b >= bodies.length) return;
          await post(b);
        }
      }),
    );
    const seconds = elapsedMs(t0) / 1000;
    const cpu = groupCpuSeconds(server.pgid) - cpu0;
    done = true;
    await scraping;
    const run: Run = {
      kind,
      records,
      rejected,
      seconds: round(seconds, 2),
      records_per_s: Math.round(records / seconds),
      cpu_ms_per_1k: round((cpu * 1000 * 1000) / records, 1),
      retries,
      ...(scrapeEveryMs !== null ? { scrapes } : {}),
    };
    log(`${kind}: ${run.records_per_s.toLocaleString('en')} records/s, ${run.cpu_ms_per_1k} ms CPU per 1k, ${run.seconds} s, rejected ${rejected}, retries ${retries}${scrapeEveryMs !== null ? `, ${scrapes} scrapes` : ''}`);
    return run;
  } finally {
    done = true;
    agent.destroy();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Server CPU per /metrics scrape, measured directly: an idle server with the ingested database, 40 scrapes back to
 * back, its process group's CPU divided by the count. A 2 % effect on throughput drowns in this machine's noise;
 * this figure does not (at one scrape a second it is the share of one core the scraper costs).
 */
async function scrapeCpu(dist: string, bodies: Body[]): Promise<{ scrapes: number; cpu_ms_per_scrape: number; wall_ms_per_scrape: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'errata-otlp-bench-'));
  const databasePath = path.join(dir, 'errata.db');
  const creds = await prepareServerDatabase(databasePath);
  const db = openDatabase(databasePath);
  const metricsToken = createToken(db, { name: 'prometheus', scopes: ['metrics'] }).token;
  db.$client.close();
  const server = await startServer({ databasePath, distDir: dist, env: { ERRATA_RETENTION_DAYS: '31' } });
  const agent = keepAliveAgent(1);
  try {
    // A few batches first, so the counters and histograms have series to print.
    for (const b of bodies.slice(0, 4)) {
      const res = await request(`${server.baseUrl}/api/v1/ingest`, {
        method: 'POST',
        agent,
        body: b.bytes,
        headers: { Authorization: `Bearer ${creds.token}`, 'Content-Type': 'application/x-ndjson', 'Content-Encoding': 'gzip', 'Content-Length': String(b.bytes.length) },
      });
      if (res.status !== 200) throw new Error(`warm-up ingest: HTTP ${res.status}`);
    }
    const scrape = async () => {
      const res = await request(`${server.baseUrl}/metrics`, { agent, headers: { Authorization: `Bearer ${metricsToken}` } });
      if (res.status !== 200) throw new Error(`/metrics: HTTP ${res.status}`);
    };
    for (let i = 0; i < 5; i++) await scrape();
    await sleep(500);
    const n = 40;
    const cpu0 = groupCpuSeconds(server.pgid);
    const t0 = nowNs();
    for (let i = 0; i < n; i++) await scrape();
    const wall = elapsedMs(t0);
    const cpu = groupCpuSeconds(server.pgid) - cpu0;
    const r = { scrapes: n, cpu_ms_per_scrape: round((cpu * 1000) / n, 2), wall_ms_per_scrape: round(wall / n, 2) };
    log(`/metrics: ${r.cpu_ms_per_scrape} ms server CPU per scrape (${r.wall_ms_per_scrape} ms wall), ${n} scrapes on an idle server`);
    return r;
  } finally {
    agent.destroy();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const load0 = os.loadavg()[0];
  log(`${args.records.toLocaleString('en')} lines, ${args.rounds} rounds, build ${args.dist}, load ${load0.toFixed(2)}`);
  const ds = await prepareDatasetAsync({ records: args.records, seed: 7, batchSize: 5_000, cacheDir: path.join(os.tmpdir(), 'errata-bench-data'), log });
  const ndjson: Body[] = ds.batches.map((ref, b) => ({ bytes: readBatchGzip(ds, b), lines: ref.lines }));
  const { bodies: otlp, encode_s } = otlpBodies(ds);
  const size = (bs: Body[]) => bs.reduce((n, b) => n + b.bytes.length, 0);
  log(`bodies: NDJSON gzip ${size(ndjson)} bytes, OTLP protobuf gzip ${size(otlp)} bytes (SDK encode ${encode_s.toFixed(1)} s, outside the clock)`);

  const runs: Run[] = [];
  for (let r = 0; r < args.rounds; r++) {
    const pair = [
      () => ingestRun('ndjson', args.dist, ndjson, '/api/v1/ingest', 'application/x-ndjson', args.senders, null),
      () => ingestRun('otlp', args.dist, otlp, '/api/v1/otlp/v1/logs', 'application/x-protobuf', args.senders, null),
    ];
    const scrape = [
      () => ingestRun('ndjson, no scrape', args.dist, ndjson, '/api/v1/ingest', 'application/x-ndjson', args.senders, null),
      () => ingestRun('ndjson, /metrics every 1 s', args.dist, ndjson, '/api/v1/ingest', 'application/x-ndjson', args.senders, 1000),
    ];
    if (r % 2 === 1) {
      pair.reverse();
      scrape.reverse();
    }
    for (const f of [...pair, ...scrape]) runs.push(await f());
  }
  const perScrape = await scrapeCpu(args.dist, ndjson);
  const med = (kind: string, k: 'records_per_s' | 'cpu_ms_per_1k') => median(runs.filter((x) => x.kind === kind).map((x) => x[k]));
  const result = {
    when: new Date().toISOString(),
    records: args.records,
    rounds: args.rounds,
    load: { start: round(load0, 2), end: round(os.loadavg()[0], 2) },
    otlp_vs_ndjson: {
      throughput_ratio: round(med('otlp', 'records_per_s') / med('ndjson', 'records_per_s'), 3),
      cpu_ratio: round(med('otlp', 'cpu_ms_per_1k') / med('ndjson', 'cpu_ms_per_1k'), 3),
    },
    metrics_scrape: {
      throughput_ratio: round(med('ndjson, /metrics every 1 s', 'records_per_s') / med('ndjson, no scrape', 'records_per_s'), 3),
      cpu_ratio: round(med('ndjson, /metrics every 1 s', 'cpu_ms_per_1k') / med('ndjson, no scrape', 'cpu_ms_per_1k'), 3),
      ...perScrape,
      // One scrape a second against the server CPU that ingest uses per second at the no-scrape rate.
      cpu_share_at_1_per_s: round(
        perScrape.cpu_ms_per_scrape / ((med('ndjson, no scrape', 'cpu_ms_per_1k') * med('ndjson, no scrape', 'records_per_s')) / 1000),
        4,
      ),
    },
    bodies: { ndjson_gzip_bytes: size(ndjson), otlp_gzip_bytes: size(otlp), otlp_encode_s: round(encode_s, 2) },
    runs,
  };
  const out = path.join(root, 'bench/results/tmp');
  fs.mkdirSync(out, { recursive: true });
  const stamp = result.when.replace(/[-:]/g, '').replace(/\..*/, 'Z');
  fs.writeFileSync(path.join(out, `otlp-${stamp}.json`), JSON.stringify(result, null, 2));
  const md = [
    `| measure | ratio (throughput) | ratio (server CPU per record) | target |`,
    `| --- | --- | --- | --- |`,
    `| OTLP protobuf / NDJSON ingest | ${result.otlp_vs_ndjson.throughput_ratio}× | ${result.otlp_vs_ndjson.cpu_ratio}× | throughput ≥ 0.8× |`,
    `| NDJSON ingest with /metrics every 1 s / without | ${result.metrics_scrape.throughput_ratio}× | ${result.metrics_scrape.cpu_ratio}× | cost < 2 % |`,
    `| /metrics scrape, server CPU measured alone | ${result.metrics_scrape.cpu_ms_per_scrape} ms per scrape = ${round(result.metrics_scrape.cpu_share_at_1_per_s * 100, 2)} % of ingest's server CPU at 1 scrape/s | | < 2 % |`,
    '',
    `${args.records.toLocaleString('en')} lines, ${args.rounds} rounds, medians; load ${result.load.start} → ${result.load.end}.`,
    '',
    '| run | records/s | CPU ms / 1k records | s | retries |',
    '| --- | --- | --- | --- | --- |',
    ...runs.map((x) => `| ${x.kind} | ${x.records_per_s.toLocaleString('en')} | ${x.cpu_ms_per_1k} | ${x.seconds} | ${x.retries} |`),
  ].join('\n');
  fs.writeFileSync(path.join(out, `otlp-${stamp}.md`), md + '\n');
  console.log(`\n${md}`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
