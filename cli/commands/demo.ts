// `errata demo`: a fresh database filled with a week of realistic gateway traffic (demo/traffic.ts), written
// through the ingest pipeline (processBatch) exactly as a log shipper's batches would be.
import fs from 'node:fs';
import { openDatabase, type Db } from '@/db/client';
import { openRequestStore } from '@/db/open-store';
import type { RequestStore } from '@/db/store';
import { createToken, listTokens, revokeToken } from '@/db/queries/tokens';
import { ensureDemoAdmin } from '@/db/queries/users';
import { retentionCutoff } from '@/lib/time-buckets';
import { getRetentionDays } from '@/db/queries/settings';
import { processBatch } from '@/ingest';
import { MAX_RECORDS } from '@/ingest/parse';
import { getCatalogEntry } from '@/lib/catalog';
import { behaviourStories, newTrafficStats, trafficChunks, trafficScript, type TrafficOptions } from '@/demo/traffic';
import { closeDb, databasePath, EXIT, fmt, fmtTime, parse, UsageError } from '../lib/cli';
import { Progress } from '../lib/progress';

const DAY = 86_400_000;
export const DEMO_RECORDS = 600_000;
/** Demos from this size on carry the client-behaviour stories. */
export const STORIES_MIN_RECORDS = 100_000;
/** Bigger commits are much faster with synchronous=FULL (one fsync each); 25k lines is ~6.5 MB. */
const DEMO_BATCH_LINES = 25_000;

const HELP = `Usage: errata demo [--records N] [--days D] [--seed S] [--keys K] [--force] [--quiet]

Fills DATABASE_PATH with D days (default 7) of gateway traffic ending now: N log lines (default ${fmt(DEMO_RECORDS)}),
about 7.5 % errors over all 20 codes, K API keys (default 400) on free/starter/pro/enterprise accounts, and
scripted incidents: an internal_error outage in the last 24 hours, a key exhausting its daily quota, a revoked
key that keeps calling, rate-limit bursts and platform-queue capacity events. A few resent and malformed lines
show up as duplicates and rejections, as they would from a real shipper. Refuses a database that already
has requests unless --force is given. The same seed gives the same traffic (relative to the end time).
`;

export interface DemoOptions {
  records?: number;
  days?: number;
  seed?: string;
  keys?: number;
  endMs?: number;
  batchLines?: number;
  onProgress?: (records: number, fraction: number) => void;
}

export interface DemoResult {
  lines: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  errors: number;
  byCode: Record<string, number>;
  keys: number;
  startMs: number;
  endMs: number;
  seconds: number;
  tokenId: number;
  options: TrafficOptions;
}

/** Generates the demo traffic into `store` through processBatch; tokens and settings come from the metadata `db`. */
export async function fillDemo(db: Db, store: RequestStore, opts: DemoOptions = {}): Promise<DemoResult> {
  const started = performance.now();
  const endMs = opts.endMs ?? Date.now();
  const startMs = endMs - (opts.days ?? 7) * DAY;
  const options: TrafficOptions = {
    seed: opts.seed ?? 'errata-demo',
    count: opts.records ?? DEMO_RECORDS,
    start: startMs,
    end: endMs,
    keys: opts.keys ?? 400,
    duplicateFraction: 0.002,
    badLineFraction: 0.0002,
  };
  // Tokens an admin would see on a live install: the shipper's (the demo's batches are attributed to it), a
  // read-only dashboard integration, and a revoked one.
  let tokenId: number;
  const existing = listTokens(db).find((t) => t.name === 'gateway log shipper (demo)');
  if (existing) tokenId = existing.id;
  else {
    tokenId = createToken(db, { name: 'gateway log shipper (demo)', scopes: ['ingest'] }).id;
    createToken(db, { name: 'grafana (demo)', scopes: ['read'] });
    revokeToken(db, createToken(db, { name: 'old staging shipper (demo)', scopes: ['ingest'] }).id);
  }
  const retentionDays = getRetentionDays(db);
  const stats = newTrafficStats();
  let accepted = 0;
  let duplicates = 0;
  let rejected = 0;
  const count = options.count ?? DEMO_RECORDS;
  for (const chunk of trafficChunks(options, Math.min(MAX_RECORDS, opts.batchLines ?? DEMO_BATCH_LINES), stats)) {
    // Received a few seconds after its newest record, so ingest health shows the week as a shipper would have.
    const received_ms = Math.min(Date.now(), (Number.isFinite(stats.lastMs) ? stats.lastMs : endMs) + 3000);
    const r = await processBatch(store, Buffer.from(chunk), { token_id: tokenId, received_ms, min_ts_ms: retentionCutoff(Date.now(), retentionDays) });
    accepted += r.accepted;
    duplicates += r.duplicates;
    rejected += r.rejected;
    opts.onProgress?.(stats.emitted, count > 0 ? stats.emitted / count : 1);
  }
  // The client-behaviour stories (Retry-After ignored, invalid_credentials retried forever, idempotency keys reused):
  // ~4,000 records of fixed size, so only in demos large enough that they do not swamp the error mix.
  const stories = count >= STORIES_MIN_RECORDS ? [...behaviourStories({ end: endMs, seed: options.seed })].filter((r) => Date.parse(r.timestamp) >= startMs) : [];
  if (stories.length > 0) {
    const r = await processBatch(store, Buffer.from(stories.map((x) => JSON.stringify(x)).join('\n')), { token_id: tokenId, received_ms: Math.min(Date.now(), endMs + 3000) });
    accepted += r.accepted;
    duplicates += r.duplicates;
    rejected += r.rejected;
  }
  db.$client.pragma('optimize');
  return {
    lines: stats.emitted,
    accepted,
    duplicates,
    rejected,
    errors: stats.errors,
    byCode: stats.byCode,
    keys: stats.keys.size,
    startMs,
    endMs,
    seconds: (performance.now() - started) / 1000,
    tokenId,
    options,
  };
}

export interface DemoAccess {
  token: string;
  admin: { email: string; password: string } | null;
}

/** A fresh ingest+read token and the demo admin's sign-in (its password is reset each time): for `npm run demo`. */
export function demoAccess(db: Db): DemoAccess {
  const { token } = createToken(db, { name: `npm run demo ${fmtTime(Date.now())}`, scopes: ['ingest', 'read'] });
  return { token, admin: ensureDemoAdmin(db) };
}

function positiveInt(v: string | undefined, name: string, def: number, max: number): number {
  if (v === undefined) return def;
  const n = Number(v.replace(/[_,]/g, ''));
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`${name} must be an integer from 1 to ${fmt(max)}`);
  return n;
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    {
      records: { type: 'string' },
      days: { type: 'string' },
      seed: { type: 'string' },
      keys: { type: 'string' },
      force: { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
    },
    false,
  );
  if (values.help) {
    process.stdout.write(HELP);
    return EXIT.ok;
  }
  const records = positiveInt(values.records, '--records', DEMO_RECORDS, 100_000_000);
  const days = positiveInt(values.days, '--days', 7, 3650);
  const keys = positiveInt(values.keys, '--keys', 400, 60_000);
  // A new database is filled under a temporary name and renamed when complete: an interrupted demo leaves
  // no half-filled file behind for `npm run demo` to mistake for a finished one.
  const target = databasePath();
  const fresh = target !== ':memory:' && !fs.existsSync(target);
  const file = fresh ? `${target}.partial` : target;
  const removePartial = () => {
    for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
  };
  if (fresh) removePartial();
  const db = openDatabase(file);
  let store: RequestStore | null = null;
  let result: DemoResult | undefined;
  try {
    store = openRequestStore(db);
    const retention = getRetentionDays(db);
    if (days >= retention) {
      throw new UsageError(`--days ${days} does not fit the retention window of ${retention} days: older traffic would be rejected as expired`);
    }
    const existing = (await store.counts()).requests;
    if (existing > 0 && !values.force) {
      process.stderr.write(
        `errata demo: ${target} already holds ${fmt(existing)} requests. Point DATABASE_PATH at a new file, or add --force to add demo traffic anyway.\n`,
      );
      return EXIT.failure;
    }
    const progress = new Progress(process.stderr, !values.quiet);
    result = await fillDemo(db, store, {
      records,
      days,
      keys,
      // Adding to a database (--force) with the default seed would resend the same request ids: all duplicates.
      seed: values.seed ?? (existing > 0 ? `errata-demo-${Date.now()}` : undefined),
      onProgress: (n, fraction) => progress.update({ label: 'demo', records: n, fraction }),
    });
    progress.done();
    if (fresh) db.$client.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    await store?.close();
    closeDb(db);
    if (fresh && !result) removePartial();
  }
  if (fresh) {
    fs.renameSync(file, target);
    removePartial();
  }
  printSummary(result);
  return EXIT.ok;
}

function printSummary(r: DemoResult): void {
  const s = trafficScript(r.options);
  const codes = Object.keys(r.byCode).filter((c) => getCatalogEntry(c)).length;
  const unknown = Object.keys(r.byCode).filter((c) => !getCatalogEntry(c));
  const pct = r.accepted > 0 ? ((r.errors / r.accepted) * 100).toFixed(1) : '0';
  const out = process.stdout;
  const hm = (ms: number) => new Date(ms).toISOString().slice(11, 16);
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  out.write(
    `Demo traffic: ${fmt(r.lines)} gateway log lines, ${fmtTime(r.startMs)} to ${fmtTime(r.endMs)}, into ${databasePath()} ` +
      `in ${r.seconds.toFixed(1)} s (${fmt(r.lines / Math.max(r.seconds, 0.001))} lines/s)\n` +
      `  stored ${fmt(r.accepted)} requests; ${fmt(r.duplicates)} resent lines were duplicates; ${fmt(r.rejected)} malformed line${r.rejected === 1 ? ' was' : 's were'} rejected (see Ingest health)\n` +
      `  ${fmt(r.errors)} errors (${pct} %) over ${codes} catalog codes${unknown.length ? ` (and ${unknown.length} unknown code${unknown.length > 1 ? 's' : ''}, flagged)` : ''}, ${fmt(r.keys)} API keys on free, starter, pro and enterprise accounts\n` +
      `  incident: internal_error outage from ${day(s.internalIncident.fromMs)} ${hm(s.internalIncident.fromMs)} UTC for ${Math.round((s.internalIncident.toMs - s.internalIncident.fromMs) / 60_000)} min\n` +
      `  quota: key ${s.quotaKey} hit its daily quota (capacity_exceeded, daily_quota) on ${day(s.quotaWindow.fromMs)} from ${hm(s.quotaWindow.fromMs)} UTC\n` +
      `  revoked: key ${s.revokedKey} revoked ${day(s.revokedFromMs)} ${hm(s.revokedFromMs)} UTC keeps calling (invalid_credentials)\n` +
      `  also: ${s.platformQueue.length} platform_queue capacity events, ${s.rateLimitBursts.length} rate_limited bursts\n`,
  );
}
