// errata's own Prometheus metrics (GET /metrics), one registry per process. Counters are updated in the main
// thread: the ingest workers report what they did in their answers and messages (ingest/writer.ts), so the
// numbers are process-wide. Gauges that cost a query (database size, row counts) are set by the /metrics route.
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as PromClient from 'prom-client';

// Loaded on first use, from the project's node_modules: lib/api-error.ts imports this module, so the ingest
// workers and the CLI would otherwise pay for loading prom-client (~0.1–0.4 s) without ever counting anything.
let promClient: typeof PromClient | null = null;
function client(): typeof PromClient {
  promClient ??= createRequire(path.join(/* turbopackIgnore: true */ process.cwd(), 'package.json'))('prom-client') as typeof PromClient;
  return promClient;
}

/**
 * Every route handler's path, as `app/` lays them out ([x] → {x}): the `route` label. A path that matches none
 * (the API's catch-all 404) is `other`, so no client can grow the label set. tests/unit/metrics.test.ts checks
 * this list against the route files.
 */
export const ROUTE_TEMPLATES = [
  '/api/auth/login',
  '/api/auth/logout',
  '/api/auth/password',
  '/api/auth/session',
  '/api/auth/setup',
  '/api/v1/admin/audit',
  '/api/v1/admin/retention',
  '/api/v1/admin/tokens',
  '/api/v1/admin/tokens/{id}',
  '/api/v1/admin/users',
  '/api/v1/admin/users/{id}',
  '/api/v1/alerts/channels',
  '/api/v1/alerts/channels/{id}',
  '/api/v1/alerts/channels/{id}/test',
  '/api/v1/alerts/deliveries',
  '/api/v1/alerts/deliveries/{id}/replay',
  '/api/v1/alerts/events',
  '/api/v1/alerts/events/{id}',
  '/api/v1/alerts/events/{id}/acknowledge',
  '/api/v1/alerts/events/{id}/silence',
  '/api/v1/alerts/rules',
  '/api/v1/alerts/rules/backtest',
  '/api/v1/alerts/rules/{id}',
  '/api/v1/behaviour/keys',
  '/api/v1/behaviour/keys/{key_id}',
  '/api/v1/behaviour/retries',
  '/api/v1/export/behaviour.csv',
  '/api/v1/export/breakdown.csv',
  '/api/v1/export/requests.csv',
  '/api/v1/export/timeseries.csv',
  '/api/v1/health',
  '/api/v1/idempotency/{idempotency_key}',
  '/api/v1/ingest',
  '/api/v1/openapi.json',
  '/api/v1/otlp/v1/logs',
  '/api/v1/requests',
  '/api/v1/requests/lookup',
  '/api/v1/requests/{request_id}',
  '/api/v1/stats/breakdown',
  '/api/v1/stats/expected',
  '/api/v1/stats/summary',
  '/api/v1/stats/timeseries',
  '/api/v1/stats/values',
  '/ingest/rejections.csv',
  '/ingest/tokens.csv',
  '/lookup/results.csv',
  '/metrics',
] as const;

const escapeRegExp = (s: string) => s.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
// Static paths first, so /api/v1/requests/lookup is not taken for a request id.
const MATCHERS = [...ROUTE_TEMPLATES]
  .sort((a, b) => Number(a.includes('{')) - Number(b.includes('{')))
  .map((t) => ({ template: t, re: new RegExp(`^${t.split(/\{[a-z_]+\}/).map(escapeRegExp).join('[^/]+')}/?$`) }));

export function routeLabel(pathname: string): string {
  for (const m of MATCHERS) if (m.re.test(pathname)) return m.template;
  return 'other';
}

export interface ErrataMetrics {
  registry: PromClient.Registry;
  httpDuration: PromClient.Histogram<'route' | 'method' | 'status'>;
  refusals: PromClient.Counter<'route' | 'status' | 'code'>;
  records: PromClient.Counter<'token' | 'outcome' | 'reason'>;
  batchDuration: PromClient.Histogram<'api'>;
  batchRecords: PromClient.Histogram<'api'>;
  batchBytes: PromClient.Histogram<'api'>;
  batchesRefused: PromClient.Counter<'api' | 'code'>;
  queueDepth: PromClient.Gauge;
  databaseBytes: PromClient.Gauge<'file'>;
  rows: PromClient.Gauge<'table'>;
  retentionRuns: PromClient.Counter<'outcome'>;
  retentionRows: PromClient.Counter;
}

// On globalThis: Next loads this module once per route bundle, and the process must have one registry.
const holder = globalThis as unknown as { errataMetrics?: ErrataMetrics; errataQueueDepth?: () => number };

function create(): ErrataMetrics {
  const { Registry, Histogram, Counter, Gauge, collectDefaultMetrics, exponentialBuckets } = client();
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'errata_' });
  const registers = [registry];
  return {
    registry,
    httpDuration: new Histogram({
      name: 'errata_http_request_duration_seconds',
      help: 'API and CSV requests by route template, method and status, from the handler start to the response headers.',
      labelNames: ['route', 'method', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    refusals: new Counter({
      name: 'errata_http_refusals_total',
      help: '429 and 503 answers (rate limits, ingest back-pressure, storage unavailable) by route and error code.',
      labelNames: ['route', 'status', 'code'],
      registers,
    }),
    records: new Counter({
      name: 'errata_ingest_records_total',
      help: 'Ingested records by token id and outcome (accepted, duplicate, rejected); reason is the rejection code.',
      labelNames: ['token', 'outcome', 'reason'],
      registers,
    }),
    batchDuration: new Histogram({
      name: 'errata_ingest_batch_duration_seconds',
      help: 'Stored ingest batches, from the request arriving to the commit answered (api: ingest or otlp).',
      labelNames: ['api'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    batchRecords: new Histogram({
      name: 'errata_ingest_batch_records',
      help: 'Records per stored ingest batch.',
      labelNames: ['api'],
      buckets: [1, 10, 100, 1_000, 10_000, 100_000],
      registers,
    }),
    batchBytes: new Histogram({
      name: 'errata_ingest_batch_bytes',
      help: 'Decoded bytes per stored ingest batch.',
      labelNames: ['api'],
      buckets: exponentialBuckets(1024, 4, 10),
      registers,
    }),
    batchesRefused: new Counter({
      name: 'errata_ingest_batches_refused_total',
      help: 'Whole ingest batches not stored, by error code (413, 415, invalid body, queue full, late, storage).',
      labelNames: ['api', 'code'],
      registers,
    }),
    queueDepth: new Gauge({
      name: 'errata_writer_queue_depth',
      help: 'Ingest batches queued or being prepared and written.',
      registers,
      collect() {
        this.set(holder.errataQueueDepth?.() ?? 0);
      },
    }),
    databaseBytes: new Gauge({
      name: 'errata_database_bytes',
      help: 'Size on disk of the SQLite database (file: main or wal).',
      labelNames: ['file'],
      registers,
    }),
    rows: new Gauge({
      name: 'errata_rows',
      help: 'Rows by table (requests: stored records, from the rollups; refreshed at most once a minute).',
      labelNames: ['table'],
      registers,
    }),
    retentionRuns: new Counter({
      name: 'errata_retention_runs_total',
      help: 'Retention prunes completed (outcome ok) or failed.',
      labelNames: ['outcome'],
      registers,
    }),
    retentionRows: new Counter({
      name: 'errata_retention_deleted_records_total',
      help: 'Records deleted by retention.',
      registers,
    }),
  };
}


/** The process's metrics. */
export function metrics(): ErrataMetrics {
  holder.errataMetrics ??= create();
  return holder.errataMetrics;
}

/** What the queue depth gauge reads at scrape time (ingest/writer.ts registers the server's writer). */
export function setQueueDepthSource(source: () => number): void {
  holder.errataQueueDepth = source;
}

const tokenLabel = (token_id: number | null) => (token_id === null ? 'none' : String(token_id));

/** A stored batch, as the writer answered it. `reasons` counts every rejected record by code (not only the first 100). */
export function recordIngestBatch(b: {
  api: 'ingest' | 'otlp';
  token_id: number | null;
  accepted: number;
  duplicates: number;
  reasons: Record<string, number>;
  bytes: number;
  seconds: number;
}): void {
  const m = metrics();
  const token = tokenLabel(b.token_id);
  if (b.accepted > 0) m.records.inc({ token, outcome: 'accepted', reason: '' }, b.accepted);
  if (b.duplicates > 0) m.records.inc({ token, outcome: 'duplicate', reason: '' }, b.duplicates);
  let rejected = 0;
  for (const [reason, n] of Object.entries(b.reasons)) {
    m.records.inc({ token, outcome: 'rejected', reason }, n);
    rejected += n;
  }
  m.batchDuration.observe({ api: b.api }, b.seconds);
  m.batchRecords.observe({ api: b.api }, b.accepted + b.duplicates + rejected);
  m.batchBytes.observe({ api: b.api }, b.bytes);
}

export function recordBatchRefused(api: 'ingest' | 'otlp', code: string): void {
  metrics().batchesRefused.inc({ api, code });
}

export function recordRetentionRun(ok: boolean, deleted: number): void {
  const m = metrics();
  m.retentionRuns.inc({ outcome: ok ? 'ok' : 'failed' });
  if (deleted > 0) m.retentionRows.inc(deleted);
}

/** Called by withApi for every answer. */
export function recordHttp(pathname: string, method: string, status: number, seconds: number, code?: string): void {
  const m = metrics();
  const route = routeLabel(pathname);
  m.httpDuration.observe({ route, method, status: String(status) }, seconds);
  if (status === 429 || status === 503) m.refusals.inc({ route, status: String(status), code: code ?? 'unknown' });
}
