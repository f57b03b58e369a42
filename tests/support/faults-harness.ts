// The fault suite's harness: a production server with an ingest token, a sender that resends until 200,
// peak RSS of the server's process group from /proc, and ground-truth checks on the database file.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { openDatabase } from '@/db/client';
import { createToken } from '@/db/queries/tokens';
import { startServer, tempDatabasePath, type TestServer } from './server';
import { HOUR_MS, truthKey, type Truth } from './faults-truth';

export const HEAVY = process.env.FAULTS_HEAVY === '1';

/** Migrates a fresh database and creates an ingest+read token, before any server opens it. */
export function prepareDatabase(databasePath = tempDatabasePath('errata-faults')): { databasePath: string; token: string } {
  const db = openDatabase(databasePath);
  const { token } = createToken(db, { name: 'faults', scopes: ['ingest', 'read'] });
  db.$client.close();
  return { databasePath, token };
}

const PAGE = 4096;
/** Resident set of every process in a process group (the start script, next-server, workers are threads). */
export function groupRss(pgid: number): number {
  let total = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the parenthesised command: state ppid pgrp ... rss is field 24 overall.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== pgid) continue;
      total += Number(fields[21]) * PAGE;
    } catch {
      /* exited meanwhile */
    }
  }
  return total;
}

export interface FaultServer extends TestServer {
  token: string;
  /** Highest group RSS seen since start (bytes), sampled every 25 ms. */
  peakRss(): number;
  resetPeak(): void;
}

export async function startFaultServer(options: {
  databasePath: string;
  token: string;
  env?: Record<string, string>;
}): Promise<FaultServer> {
  const server = await startServer({ databasePath: options.databasePath, env: options.env });
  const pgid = server.process.pid!;
  let peak = groupRss(pgid);
  const timer = setInterval(() => {
    peak = Math.max(peak, groupRss(pgid));
  }, 25);
  timer.unref();
  server.process.once('exit', () => clearInterval(timer));
  return {
    ...server,
    token: options.token,
    peakRss: () => Math.max(peak, groupRss(pgid)),
    resetPeak: () => {
      peak = groupRss(pgid);
    },
    stop: async (signal) => {
      clearInterval(timer);
      await server.stop(signal);
    },
  };
}

export interface PostResult {
  status: number;
  ms: number;
  headers: Headers | null;
  json: any;
  text: string;
  /** Set when no HTTP answer came (connection refused/reset, timeout). */
  error?: string;
}

export async function post(
  baseUrl: string,
  token: string | null,
  body: Uint8Array | string,
  opts: { encoding?: string; contentType?: string; timeoutMs?: number; headers?: Record<string, string> } = {},
): Promise<PostResult> {
  const t0 = performance.now();
  const headers: Record<string, string> = { 'content-type': opts.contentType ?? 'application/x-ndjson', ...opts.headers };
  if (token) headers.authorization = `Bearer ${token}`;
  if (opts.encoding) headers['content-encoding'] = opts.encoding;
  try {
    const res = await fetch(`${baseUrl}/api/v1/ingest`, {
      method: 'POST',
      headers,
      body: body as BodyInit,
      signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
    });
    const text = await res.text();
    let json: any = null;
    try {
      json = JSON.parse(text);
    } catch {
      /* not JSON: the checks below say so */
    }
    return { status: res.status, ms: performance.now() - t0, headers: res.headers, json, text };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return { status: 0, ms: performance.now() - t0, headers: null, json: null, text: '', error: `${e.name}: ${e.cause?.code ?? e.message}` };
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface SendStats {
  attempts: number;
  ok: number;
  accepted: number;
  duplicates: number;
  refused: Map<number, number>;
  connectionErrors: number;
  slowest: number;
  retryAfterMissing: number;
}

export function newStats(): SendStats {
  return { attempts: 0, ok: 0, accepted: 0, duplicates: 0, refused: new Map(), connectionErrors: 0, slowest: 0, retryAfterMissing: 0 };
}

/**
 * What a log shipper does: resend the batch until it is answered 200, honouring Retry-After on 429/503
 * (scaled down by `retryScale` to keep the suite short). `base()` is read per attempt: the server may move.
 */
export async function sendUntil200(
  base: () => string,
  token: string,
  body: Uint8Array | string,
  records: number,
  stats: SendStats,
  opts: { encoding?: string; retryScale?: number; deadlineMs?: number; timeoutMs?: number } = {},
): Promise<PostResult> {
  const deadline = Date.now() + (opts.deadlineMs ?? 120_000);
  for (;;) {
    stats.attempts++;
    const r = await post(base(), token, body, { encoding: opts.encoding, timeoutMs: opts.timeoutMs ?? 20_000 });
    if (r.status) stats.slowest = Math.max(stats.slowest, r.ms);
    if (r.status === 200) {
      stats.ok++;
      stats.accepted += r.json.accepted;
      stats.duplicates += r.json.duplicates;
      if (r.json.accepted + r.json.duplicates + r.json.rejected !== records) {
        throw new Error(`200 does not add up for a ${records}-record batch: ${r.text.slice(0, 500)}`);
      }
      return r;
    }
    if (Date.now() > deadline) throw new Error(`batch not accepted before the deadline; last answer ${r.status} ${r.error ?? r.text.slice(0, 300)}`);
    if (r.status === 0) {
      stats.connectionErrors++;
      await sleep(50);
      continue;
    }
    stats.refused.set(r.status, (stats.refused.get(r.status) ?? 0) + 1);
    if (r.status === 429 || r.status === 503) {
      const ra = Number(r.headers?.get('retry-after'));
      if (!Number.isFinite(ra) || ra < 0 || r.headers?.get('retry-after') == null) stats.retryAfterMissing++;
      await sleep(Math.max(20, (Number.isFinite(ra) ? ra : 1) * 1000 * (opts.retryScale ?? 0.05)));
      continue;
    }
    throw new Error(`unexpected ${r.status} for a good batch: ${r.text.slice(0, 500)}`);
  }
}

export interface StoreState {
  rows: number;
  keys: Set<string>;
  rollupMinute: number;
  rollupHour: number;
  rollupKeyHour: number;
  byHourStatusCode: Map<string, number>;
  /** sum(ingest_health_hour.accepted): written in the same transaction as the rows. */
  healthAccepted: number;
  integrity: string;
}

export function readStore(databasePath: string): StoreState {
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 10000');
    const n = (sql: string) => Number((db.prepare(sql).pluck().get() as number | null) ?? 0);
    const keys = new Set<string>();
    for (const r of db.prepare('SELECT request_id, code FROM requests').iterate() as Iterable<{ request_id: string; code: string }>) {
      keys.add(truthKey(r));
    }
    const byHourStatusCode = new Map<string, number>();
    for (const r of db.prepare('SELECT bucket_ms, status, code, sum(count) AS n FROM rollup_hour GROUP BY 1, 2, 3').iterate() as Iterable<{
      bucket_ms: number;
      status: number;
      code: string;
      n: number;
    }>) {
      byHourStatusCode.set(`${r.bucket_ms}|${r.status}|${r.code}`, r.n);
    }
    return {
      rows: n('SELECT count(*) FROM requests'),
      keys,
      rollupMinute: n('SELECT sum(count) FROM rollup_minute'),
      rollupHour: n('SELECT sum(count) FROM rollup_hour'),
      rollupKeyHour: n('SELECT sum(count) FROM rollup_key_hour'),
      byHourStatusCode,
      healthAccepted: n('SELECT sum(accepted) FROM ingest_health_hour'),
      integrity: (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check).join('; '),
    };
  } finally {
    db.close();
  }
}

/** Every figure the contract promises, compared with the truth; returns a list of differences (empty = exact). */
export function compareWithTruth(state: StoreState, truth: Truth): string[] {
  const diffs: string[] = [];
  if (state.integrity !== 'ok') diffs.push(`integrity_check: ${state.integrity}`);
  if (state.rows !== truth.rows) diffs.push(`requests rows ${state.rows} != truth ${truth.rows}`);
  let missing = 0;
  for (const k of truth.keys) if (!state.keys.has(k)) missing++;
  let extra = 0;
  for (const k of state.keys) if (!truth.keys.has(k)) extra++;
  if (missing) diffs.push(`${missing} records lost`);
  if (extra) diffs.push(`${extra} rows not in the truth`);
  if (state.rollupMinute !== truth.rows) diffs.push(`sum(rollup_minute.count) ${state.rollupMinute} != ${truth.rows}`);
  if (state.rollupHour !== truth.rows) diffs.push(`sum(rollup_hour.count) ${state.rollupHour} != ${truth.rows}`);
  if (state.rollupKeyHour !== truth.keyedRows) diffs.push(`sum(rollup_key_hour.count) ${state.rollupKeyHour} != ${truth.keyedRows}`);
  if (state.healthAccepted !== truth.rows) diffs.push(`sum(ingest_health_hour.accepted) ${state.healthAccepted} != ${truth.rows}`);
  let groupDiffs = 0;
  for (const [g, n] of truth.byHourStatusCode) if (state.byHourStatusCode.get(g) !== n) groupDiffs++;
  for (const g of state.byHourStatusCode.keys()) if (!truth.byHourStatusCode.has(g)) groupDiffs++;
  if (groupDiffs) diffs.push(`${groupDiffs} (hour, status, code) rollup groups differ from the truth`);
  return diffs;
}

/** The truth comparison plus every rollup recomputed from the raw rows. */
export function checkStore(databasePath: string, truth: Truth): { state: StoreState; diffs: string[] } {
  const state = readStore(databasePath);
  return { state, diffs: [...compareWithTruth(state, truth), ...rollupProblems(databasePath)] };
}

/** A digest of every stored row and rollup: "no stored row changes" is digest equality. */
export function storeDigest(databasePath: string): { rows: number; digest: string } {
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    const h = createHash('sha256');
    let rows = 0;
    for (const sql of [
      'SELECT * FROM requests ORDER BY id',
      'SELECT * FROM rollup_minute ORDER BY 1, 2, 3, 4, 5',
      'SELECT * FROM rollup_hour ORDER BY 1, 2, 3, 4, 5, 6, 7',
      'SELECT * FROM rollup_key_hour ORDER BY 1, 2, 3, 4, 5, 6, 7',
    ]) {
      for (const row of db.prepare(sql).raw().iterate() as Iterable<unknown[]>) {
        if (sql.includes('requests')) rows++;
        h.update(JSON.stringify(row));
      }
      h.update('|');
    }
    return { rows, digest: h.digest('hex') };
  } finally {
    db.close();
  }
}

/** An error envelope as PRODUCT.md defines it, with the X-Request-Id header matching. */
export function envelopeProblems(r: PostResult): string[] {
  const p: string[] = [];
  const e = r.json?.error;
  if (!e || typeof e !== 'object') return [`no envelope: ${r.status} ${r.text.slice(0, 200)}`];
  if (typeof e.code !== 'string' || !e.code) p.push('error.code missing');
  if (typeof e.message !== 'string' || !e.message) p.push('error.message missing');
  if (typeof e.details !== 'object' || e.details === null) p.push('error.details missing');
  if (typeof e.request_id !== 'string' || !e.request_id) p.push('error.request_id missing');
  const hdr = r.headers?.get('x-request-id');
  if (!hdr) p.push('X-Request-Id header missing');
  else if (hdr !== e.request_id) p.push(`X-Request-Id ${hdr} != envelope ${e.request_id}`);
  return p;
}

export function hourOf(ts: number): number {
  return Math.floor(ts / HOUR_MS) * HOUR_MS;
}

export function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(0)} MiB`;
}

/** Figures for the report: each test appends, the last test file prints them. */
export function recordFigure(name: string, value: unknown): void {
  const file = process.env.FAULTS_FIGURES_FILE;
  const line = `${name}: ${typeof value === 'string' ? value : JSON.stringify(value)}`;
  console.log(`[faults] ${line}`);
  if (file) fs.appendFileSync(file, line + '\n');
}

/** Rollup rows recomputed from the raw rows, compared both ways: each mismatching group is one line. */
export function rollupProblems(from: string | Database.Database): string[] {
  const db = typeof from === 'string' ? new Database(from, { readonly: true, fileMustExist: true }) : from;
  try {
    const checks: Array<[string, string, string]> = [
      [
        'rollup_minute',
        `SELECT (ts_ms / 60000) * 60000, status, code, coalesce(tier, ''), coalesce(reason, ''), count(*) FROM requests GROUP BY 1, 2, 3, 4, 5`,
        'SELECT bucket_ms, status, code, tier, reason, count FROM rollup_minute',
      ],
      [
        'rollup_hour',
        `SELECT (ts_ms / 3600000) * 3600000, status, code, coalesce(tier, ''), coalesce(reason, ''), coalesce(route, ''), coalesce(method, ''), count(*) FROM requests GROUP BY 1, 2, 3, 4, 5, 6, 7`,
        'SELECT bucket_ms, status, code, tier, reason, route, method, count FROM rollup_hour',
      ],
      [
        'rollup_key_hour',
        `SELECT (ts_ms / 3600000) * 3600000, coalesce(key_id, ''), coalesce(account_id, ''), coalesce(tier, ''), status, code, coalesce(reason, ''), count(*) FROM requests WHERE key_id IS NOT NULL OR account_id IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6, 7`,
        'SELECT bucket_ms, key_id, account_id, tier, status, code, reason, count FROM rollup_key_hour',
      ],
    ];
    // rollup_minute by hour, where the schema has it.
    if (db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'rollup_code_hour'`).get()) {
      checks.push([
        'rollup_code_hour',
        `SELECT (ts_ms / 3600000) * 3600000, status, code, coalesce(tier, ''), coalesce(reason, ''), count(*) FROM requests GROUP BY 1, 2, 3, 4, 5`,
        'SELECT bucket_ms, status, code, tier, reason, count FROM rollup_code_hour',
      ]);
    }
    // rollup_hour by UTC day, where the schema has it.
    if (db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'rollup_day'`).get()) {
      checks.push([
        'rollup_day',
        `SELECT (ts_ms / 86400000) * 86400000, status, code, coalesce(tier, ''), coalesce(reason, ''), coalesce(route, ''), coalesce(method, ''), count(*) FROM requests GROUP BY 1, 2, 3, 4, 5, 6, 7`,
        'SELECT bucket_ms, status, code, tier, reason, route, method, count FROM rollup_day',
      ]);
    }
    // A daily per-key rollup of every record (keyless ones under '') where the schema has one.
    if (db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'rollup_key_day'`).get()) {
      checks.push([
        'rollup_key_day',
        `SELECT (ts_ms / 86400000) * 86400000, coalesce(key_id, ''), coalesce(account_id, ''), coalesce(tier, ''), status, code, coalesce(reason, ''), count(*) FROM requests GROUP BY 1, 2, 3, 4, 5, 6, 7`,
        'SELECT bucket_ms, key_id, account_id, tier, status, code, reason, count FROM rollup_key_day',
      ]);
    }
    const out: string[] = [];
    for (const [name, raw, rollup] of checks) {
      const missing = db.prepare(`${raw} EXCEPT ${rollup}`).raw().all() as unknown[][];
      const extra = db.prepare(`${rollup} EXCEPT ${raw}`).raw().all() as unknown[][];
      for (const r of missing.slice(0, 5)) out.push(`${name} lacks ${JSON.stringify(r)} (from raw rows)`);
      for (const r of extra.slice(0, 5)) out.push(`${name} has ${JSON.stringify(r)} (no raw rows say so)`);
      if (missing.length + extra.length > 10) out.push(`${name}: ${missing.length} groups missing, ${extra.length} extra`);
    }
    return out;
  } finally {
    if (typeof from === 'string') db.close();
  }
}

/**
 * POST on a connection of its own (node:http, no pooling), for requests the server refuses mid-upload:
 * a refused upload must not poison a pooled connection that later tests reuse.
 */
export function postFresh(
  port: number,
  token: string,
  body: Uint8Array | string,
  opts: { encoding?: string; timeoutMs?: number; agent?: http.Agent } = {},
): Promise<PostResult> {
  const t0 = performance.now();
  const buf = typeof body === 'string' ? Buffer.from(body) : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return new Promise((resolve) => {
    const headers: Record<string, string | number> = {
      authorization: `Bearer ${token}`,
      'content-type': 'application/x-ndjson',
      'content-length': buf.length,
    };
    if (opts.encoding) headers['content-encoding'] = opts.encoding;
    let settled = false;
    const done = (r: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/api/v1/ingest', headers, agent: opts.agent ?? false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        let json: any = null;
        try {
          json = JSON.parse(text);
        } catch {
          /* reported by the caller's checks */
        }
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h.set(k, v);
        done({ status: res.statusCode ?? 0, ms: performance.now() - t0, headers: h, json, text });
      });
    });
    const timer = setTimeout(() => {
      req.destroy();
      done({ status: 0, ms: performance.now() - t0, headers: null, json: null, text: '', error: 'timeout' });
    }, opts.timeoutMs ?? 30_000);
    req.on('error', (e: NodeJS.ErrnoException) => done({ status: 0, ms: performance.now() - t0, headers: null, json: null, text: '', error: e.code ?? e.message }));
    req.end(buf);
  });
}
