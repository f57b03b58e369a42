// `npm run bench -- --store clickhouse [--cluster] [--scale 1m|10m] [--records N]`: the request store on ClickHouse
// (one 18.16 server, or the 2-shard cluster with ZooKeeper, started here as the tests start them) side by side with
// the SQLite store in the same run, on the bench's own generated data. Store-level, no HTTP: the same batches go to
// both stores in turn (so the load of this shared machine weighs on both alike), then lookups, the 30-day
// aggregates and the CSV export are timed on each. Writes bench/results/clickhouse-<date>.md / latest-clickhouse.*.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { ClickHouseRequestStore } from '@/db/clickhouse/store';
import { openSqliteStore } from '@/db/sqlite/store';
import type { RequestStore } from '@/db/store';
import type { RequestRow } from '@/db/types';
import { prepareBatch } from '@/ingest';
import { toRow } from '@/ingest/write';
import { parseFilters } from '@/lib/filters';
import { startClickHouse, startCluster } from '../tests/support/clickhouse';
import { allKnownIds, prepareDatasetAsync, readBatchGzip } from './dataset';
import { parseOptions } from './options';
import { percentile, round } from './stats';

interface Side {
  name: string;
  store: RequestStore;
  ingest_ms: number;
  accepted: number;
}

function log(s: string) {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${s}\n`);
}

const copyRows = (rows: RequestRow[]) => rows.map((r) => [...r] as RequestRow);

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const v = await fn();
  return [performance.now() - t, v];
}

/** Splits `--store clickhouse`, `--cluster` and `--records N` from the options the main bench knows. */
function ownOptions(argv: readonly string[]) {
  const rest: string[] = [];
  let cluster = false;
  let records: number | null = null;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--store') i++;
    else if (argv[i] === '--cluster') cluster = true;
    else if (argv[i] === '--records') records = Number(argv[++i]);
    else rest.push(argv[i]);
  }
  if (records !== null && !(Number.isInteger(records) && records > 0)) throw new Error('--records must be a positive integer');
  return { rest, cluster, records };
}

export async function runClickHouseBench(argv: readonly string[]): Promise<void> {
  const own = ownOptions(argv);
  const opts = parseOptions(own.rest);
  const records = own.records ?? opts.records;
  const startedAt = new Date();
  const t0 = performance.now();
  const load_start = os.loadavg().map((x) => round(x, 2));
  const ds = await prepareDatasetAsync({ records, seed: opts.seed, batchSize: opts.batchSize, cacheDir: opts.dataCacheDir, log });
  log(`data: ${ds.batches.length} batches, ${ds.unique.toLocaleString('en')} distinct records (${ds.cached ? 'cached' : `generated in ${ds.generate_s.toFixed(0)} s`})`);

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'errata-bench-ch-'));
  const engine = own.cluster ? await startCluster() : await startClickHouse();
  const url = `${own.cluster ? (engine as Awaited<ReturnType<typeof startCluster>>).servers[0].url : (engine as Awaited<ReturnType<typeof startClickHouse>>).url}/errata_bench`;
  const chName = own.cluster ? 'ClickHouse 18.16, 2 shards + ZooKeeper' : 'ClickHouse 18.16, one server';
  const sides: Side[] = [
    { name: 'SQLite', store: openSqliteStore(path.join(work, 'errata.db')), ingest_ms: 0, accepted: 0 },
    {
      name: chName,
      store: await ClickHouseRequestStore.open({ url, cluster: own.cluster ? (engine as Awaited<ReturnType<typeof startCluster>>).name : null }),
      ingest_ms: 0,
      accepted: 0,
    },
  ];
  const notes: string[] = [];
  try {
    // 1. Ingest: every batch parsed once (off the clock), then written to each store in turn.
    for (let b = 0; b < ds.batches.length; b++) {
      const rows = prepareBatch(zlib.gunzipSync(readBatchGzip(ds, b))).records.map(toRow);
      const received_ms = ds.end_ms + b;
      // Alternate which store goes first, so neither always writes while the other's background work runs.
      const order = b % 2 === 0 ? sides : [...sides].reverse();
      for (const s of order) {
        const [msTaken, out] = await timed(() => s.store.writeBatch(copyRows(rows), { token_id: 1, received_ms }));
        s.ingest_ms += msTaken;
        s.accepted += out.accepted;
      }
      if ((b + 1) % 40 === 0) {
        log(`ingest: ${(b + 1) * opts.batchSize} lines; ${sides.map((s) => `${s.name} ${Math.round(s.accepted / (s.ingest_ms / 1000))}/s`).join(', ')}`);
      }
    }
    for (const s of sides) if (s.accepted !== ds.unique) notes.push(`${s.name} stored ${s.accepted} records, the generator reports ${ds.unique}.`);

    // 2. Lookups by request id, in turn, after ingest.
    const known = allKnownIds(ds);
    const lookups = Math.min(1000, known.length);
    const ids = Array.from({ length: lookups }, (_, i) => known[(i * 7919) % known.length]);
    const lookupMs: number[][] = sides.map(() => []);
    for (const id of ids) {
      for (let i = 0; i < sides.length; i++) {
        const [m, got] = await timed(() => sides[i].store.getRequest(id));
        if (!got) throw new Error(`${sides[i].name}: lookup of a stored id ${id} found nothing`);
        lookupMs[i].push(m);
      }
    }

    // 3. 30-day aggregates (median of 3) and 4. the CSV export of the whole range.
    const f = parseFilters(new URLSearchParams({ from: new Date(ds.start_ms).toISOString(), to: new Date(ds.end_ms).toISOString() }), { now: ds.end_ms });
    const queries: Record<string, (s: RequestStore) => Promise<unknown>> = {
      'breakdown by key': (s) => s.breakdown(f, { by: 'key' }),
      'breakdown by code': (s) => s.breakdown(f, { by: 'code' }),
      'hourly series by status class': (s) => s.timeseries(f, { interval: 'hour', by: 'status_class' }),
      summary: (s) => s.summary(f),
    };
    const agg: Record<string, number[]> = {};
    for (const [label, q] of Object.entries(queries)) {
      agg[label] = [];
      for (const s of sides) {
        const runs: number[] = [];
        for (let r = 0; r < 3; r++) runs.push((await timed(() => q(s.store)))[0]);
        agg[label].push(percentile(runs, 50));
      }
      const [a, b] = await Promise.all(sides.map((s) => q(s.store)));
      if (JSON.stringify(a) !== JSON.stringify(b)) notes.push(`${label}: the two stores' answers differ.`);
    }
    const csv: { rows: number; bytes: number; ms: number }[] = [];
    for (const s of sides) {
      const [m, out] = await timed(async () => {
        const reader = (await s.store.requestsCsv(f)).getReader();
        let bytes = 0;
        let lines = 0;
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          bytes += value.byteLength;
          for (let i = 0; i < value.length; i++) if (value[i] === 10) lines++;
        }
        return { rows: lines - 1, bytes };
      });
      csv.push({ ...out, ms: m });
    }

    // Report.
    const rate = (s: Side) => s.accepted / (s.ingest_ms / 1000);
    const [sq, ch] = sides;
    const lk = lookupMs.map((v) => ({ p50: percentile(v, 50), p99: percentile(v, 99) }));
    const fmtN = (x: number) => Math.round(x).toLocaleString('en');
    const rows: string[][] = [
      ['ingest (store writeBatch, 5,000-record batches, parsing off the clock)', `${fmtN(rate(sq))} records/s`, `${fmtN(rate(ch))} records/s`, `${(rate(ch) / rate(sq)).toFixed(2)}× SQLite`, '≥ 3× SQLite'],
      [
        `lookup by request id (${lookups} ids, one after another)`,
        `p50 ${lk[0].p50.toFixed(2)} ms, p99 ${lk[0].p99.toFixed(2)} ms`,
        `p50 ${lk[1].p50.toFixed(2)} ms, p99 ${lk[1].p99.toFixed(2)} ms`,
        `p99 ${(lk[1].p99 / lk[0].p99).toFixed(1)}× SQLite's`,
        'p99 < 10 ms',
      ],
      ...Object.entries(agg).map(([label, v]) => [`30-day ${label} (median of 3)`, `${v[0].toFixed(1)} ms`, `${v[1].toFixed(1)} ms`, `${(v[0] / v[1]).toFixed(2)}× SQLite's speed`, label === 'summary' ? '—' : 'no slower than SQLite']),
      [
        'CSV export of the 30 days',
        `${fmtN(csv[0].rows / (csv[0].ms / 1000))} rows/s (${fmtN(csv[0].rows)} rows)`,
        `${fmtN(csv[1].rows / (csv[1].ms / 1000))} rows/s (${fmtN(csv[1].rows)} rows)`,
        `${(csv[1].rows / csv[1].ms / (csv[0].rows / csv[0].ms)).toFixed(2)}× SQLite`,
        '—',
      ],
    ];
    if (csv[0].rows !== csv[1].rows || csv[0].bytes !== csv[1].bytes) notes.push(`CSV: SQLite ${csv[0].rows} rows / ${csv[0].bytes} bytes, ClickHouse ${csv[1].rows} rows / ${csv[1].bytes} bytes.`);
    const load_end = os.loadavg().map((x) => round(x, 2));
    const md = [
      `### ClickHouse store: ${records.toLocaleString('en')} lines (${startedAt.toISOString().slice(0, 10)})`,
      '',
      `\`npm run bench -- --store clickhouse${own.cluster ? ' --cluster' : ''} --records ${records}\`: ${os.cpus()[0]?.model ?? 'cpu'} (${os.cpus().length} cores), ` +
        `Node ${process.version}; ${chName} started by the bench in a temp folder. ${ds.unique.toLocaleString('en')} distinct records over 30 days ` +
        `(${ds.batches.length} batches). Load average ${load_start.join(' / ')} at start, ${load_end.join(' / ')} at end (shared machine: compare ratios). ` +
        `Whole run ${Math.round((performance.now() - t0) / 1000)} s.`,
      '',
      `| measure | SQLite store | ${chName} | ratio | target |`,
      '| --- | --- | --- | --- | --- |',
      ...rows.map((r) => `| ${r.join(' | ')} |`),
      '',
      ...notes.map((n) => `- ${n}`),
      '',
    ].join('\n');
    process.stdout.write(`${md}\n`);
    const outDir = opts.outDir;
    fs.mkdirSync(outDir, { recursive: true });
    const stamp = startedAt.toISOString().replace(/[-:]/g, '').slice(0, 15);
    fs.writeFileSync(path.join(outDir, `${stamp}Z-clickhouse${own.cluster ? '-cluster' : ''}-${records}.md`), md);
    fs.writeFileSync(
      path.join(outDir, `latest-clickhouse${own.cluster ? '-cluster' : ''}.json`),
      JSON.stringify({ date: startedAt.toISOString(), records, cluster: own.cluster, load_start, load_end, ingest: sides.map((s) => ({ name: s.name, accepted: s.accepted, ms: s.ingest_ms })), lookups: lk, aggregates: agg, csv, notes }, null, 2),
    );
  } finally {
    for (const s of sides) await s.store.close().catch(() => undefined);
    await engine.stop();
    fs.rmSync(work, { recursive: true, force: true });
    if ('dir' in engine) fs.rmSync(engine.dir, { recursive: true, force: true });
  }
}
