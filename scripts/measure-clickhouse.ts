// A quick measure of the ClickHouse store against SQLite on the same generated traffic (not the benchmark: no
// HTTP, one process). Starts its own engines. Usage: tsx scripts/measure-clickhouse.ts [records] [single|cluster]
import { ClickHouseRequestStore } from '@/db/clickhouse/store';
import { openSqliteStore } from '@/db/sqlite/store';
import type { RequestStore } from '@/db/store';
import { prepareBatch } from '@/ingest';
import { toRow } from '@/ingest/write';
import { parseFilters } from '@/lib/filters';
import { trafficChunks } from '@/demo/traffic';
import { startClickHouse, startCluster } from '../tests/support/clickhouse';

const count = Number(process.argv[2] ?? 200_000);
const mode = process.argv[3] ?? 'single';
const DAY = 86_400_000;
const end = Date.UTC(2026, 10, 30);
const start = end - 30 * DAY;

const batches = [...trafficChunks({ seed: 'measure', count, start, end, keys: 500 }, 5000)].map((c) => prepareBatch(Buffer.from(c)).records.map(toRow));

async function measure(name: string, store: RequestStore) {
  let t = performance.now();
  let n = 0;
  for (const b of batches) n += (await store.writeBatch(b.map((r) => [...r] as typeof r), { token_id: 1, received_ms: end })).accepted;
  const ingest = performance.now() - t;
  const f = parseFilters(new URLSearchParams({ from: new Date(start).toISOString(), to: new Date(end).toISOString() }), { now: end });
  const time = async (label: string, fn: () => Promise<unknown>) => {
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) {
      t = performance.now();
      await fn();
      runs.push(performance.now() - t);
    }
    runs.sort((a, b) => a - b);
    return `${label} ${runs[2].toFixed(1)} ms`;
  };
  const ids = batches[3].slice(0, 200).map((r) => r[0]);
  let i = 0;
  const out = [
    `${name}: ${n} records in ${(ingest / 1000).toFixed(1)} s = ${Math.round(n / (ingest / 1000))} records/s (batches of 5,000)`,
    await time('summary 30d', () => store.summary(f)),
    await time('breakdown code 30d', () => store.breakdown(f, { by: 'code' })),
    await time('breakdown key 30d', () => store.breakdown(f, { by: 'key' })),
    await time('timeseries hour by code 30d', () => store.timeseries(f, { interval: 'hour', by: 'code' })),
    await time('list first page', () => store.listRequests(f, { limit: 100 })),
    await time('lookup one id', () => store.getRequest(ids[i++ % ids.length])),
  ];
  console.log(out.join('\n  '));
  await store.close();
}

await measure('sqlite', openSqliteStore(':memory:'));
if (mode === 'cluster') {
  const c = await startCluster();
  try {
    await measure('clickhouse 18.16, 2 shards', await ClickHouseRequestStore.open({ url: `${c.servers[0].url}/errata`, cluster: c.name }));
  } finally {
    await c.stop();
  }
} else {
  const s = await startClickHouse();
  try {
    await measure('clickhouse 18.16, single', await ClickHouseRequestStore.open({ url: `${s.url}/errata` }));
  } finally {
    await s.stop();
  }
}
