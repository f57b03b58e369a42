// The product side of each measure: the production server over HTTP, and the `errata import` CLI.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { openDatabase } from '@/db/client';
import { openSqliteStore } from '@/db/sqlite/store';
import { createToken } from '@/db/queries/tokens';
import { createUser } from '@/db/queries/users';
import type { Dataset } from './dataset';
import { readBatchGzip } from './dataset';
import { summarize, type LatencySummary } from './floor';
import { json, keepAliveAgent, request } from './http-client';
import { childCpuFromStat, groupCpuSeconds, groupRss, sampleRss } from './rss';
import { elapsedMs, median, nowNs, percentile, sleep } from './stats';
import { root } from './server';


export interface Credentials {
  token: string;
  email: string;
  password: string;
}

/** Creates the database with an ingest+read token and an admin user before the server opens it. */
export async function prepareServerDatabase(file: string): Promise<Credentials> {
  const db = openDatabase(file);
  try {
    const { token } = createToken(db, { name: 'bench', scopes: ['ingest', 'read'] });
    const email = 'bench-admin@errata.local';
    const password = 'bench-Password-9f3c-long-enough';
    await createUser(db, { email, role: 'admin', password });
    return { token, email, password };
  } finally {
    db.$client.close();
  }
}

/** Signs in through the real endpoint, as the login page does, and returns the session cookie pair. */
export async function signIn(baseUrl: string, email: string, password: string): Promise<string> {
  const res = await request(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: baseUrl },
    body: JSON.stringify({ email, password }),
  });
  const set = res.headers['set-cookie'];
  const cookie = (Array.isArray(set) ? set : set ? [set] : []).map((c) => c.split(';')[0]).find((c) => c.startsWith('errata_session='));
  if (res.status !== 200 || !cookie) throw new Error(`sign-in failed: ${res.status} ${res.body.toString().slice(0, 300)}`);
  return cookie;
}

export interface IngestRun {
  records: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  batches: number;
  retries: number;
  seconds: number;
  records_per_s: number;
  batch_latency: LatencySummary;
  peak_rss_bytes: number;
  /** CPU seconds the server's process group used during the ingest (lookups included). */
  cpu_s: number;
  lookups: LatencySummary & { failed: number; rate_per_s: number };
}

/**
 * `senders` keep-alive clients post the dataset's gzip batches; a third client looks up random ids of
 * batches already acknowledged, at `lookupRate` per second, until the last batch is answered.
 */
export async function httpIngest(
  baseUrl: string,
  pgid: number,
  ds: Dataset,
  token: string,
  opts: { senders: number; lookupRate: number; log: (s: string) => void },
): Promise<IngestRun> {
  const sendAgent = keepAliveAgent(opts.senders);
  const lookupAgent = keepAliveAgent(2);
  const known: string[] = [];
  const batchMs: number[] = [];
  let next = 0;
  let accepted = 0;
  let duplicates = 0;
  let rejected = 0;
  let retries = 0;
  let done = false;
  const rss = sampleRss(pgid, 100);
  const cpu0 = groupCpuSeconds(pgid);
  const t0 = nowNs();
  let lastLog = Date.now();

  const sender = async () => {
    for (;;) {
      const b = next++;
      if (b >= ds.batches.length) return;
      const body = readBatchGzip(ds, b);
      for (;;) {
        const t = nowNs();
        const res = await request(`${baseUrl}/api/v1/ingest`, {
          method: 'POST',
          agent: sendAgent,
          body,
          headers: {
            Authorization: `Bearer ${token}`,
            'Content-Type': 'application/x-ndjson',
            'Content-Encoding': 'gzip',
            'Content-Length': String(body.length),
          },
        });
        if (res.status === 429 || res.status === 503) {
          retries++;
          const after = Number(res.headers['retry-after'] ?? '1');
          await sleep(Math.min(1000, Math.max(50, after * 1000)));
          continue;
        }
        if (res.status !== 200) throw new Error(`ingest batch ${b}: HTTP ${res.status} ${res.body.toString().slice(0, 500)}`);
        batchMs.push(elapsedMs(t));
        const r = json<{ accepted: number; duplicates: number; rejected: number }>(res);
        accepted += r.accepted;
        duplicates += r.duplicates;
        rejected += r.rejected;
        for (const id of ds.batches[b].ids) known.push(id);
        break;
      }
      if (Date.now() - lastLog > 15_000) {
        lastLog = Date.now();
        opts.log(`http ingest: ${(accepted + duplicates).toLocaleString('en')} records, rss ${Math.round(rss.last() / 1048576)} MB`);
      }
    }
  };

  const lookupMs: number[] = [];
  let failed = 0;
  const lookupStart = Date.now();
  const looker = async (share: number) => {
    const interval = 1000 / share;
    let due = Date.now();
    let seed = 0x9e3779b9 ^ share;
    while (!done) {
      if (known.length === 0) {
        await sleep(20);
        due = Date.now();
        continue;
      }
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const id = known[seed % known.length];
      const t = nowNs();
      try {
        const res = await request(`${baseUrl}/api/v1/requests/${encodeURIComponent(id)}`, {
          agent: lookupAgent,
          headers: { Authorization: `Bearer ${token}` },
        });
        const took = elapsedMs(t);
        if (res.status === 200) lookupMs.push(took);
        else failed++;
      } catch {
        // A lookup the server never answered counts as failed; it must not take the whole run down.
        failed++;
      }
      due += interval;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      else due = Date.now();
    }
  };

  const lookers = [looker(opts.lookupRate / 2), looker(opts.lookupRate / 2)];
  try {
    await Promise.all(Array.from({ length: opts.senders }, sender));
  } catch (err) {
    // A failed sender stops the others at their next batch and the lookups at their next turn.
    next = ds.batches.length;
    done = true;
    rss.stop();
    await Promise.allSettled(lookers);
    sendAgent.destroy();
    lookupAgent.destroy();
    throw err;
  }
  const seconds = elapsedMs(t0) / 1000;
  const cpu_s = groupCpuSeconds(pgid) - cpu0;
  done = true;
  await Promise.all(lookers);
  const lookupSeconds = (Date.now() - lookupStart) / 1000;
  rss.stop();
  sendAgent.destroy();
  lookupAgent.destroy();
  const records = accepted + duplicates;
  return {
    records,
    accepted,
    duplicates,
    rejected,
    batches: ds.batches.length,
    retries,
    seconds,
    records_per_s: records / seconds,
    batch_latency: summarize(batchMs),
    peak_rss_bytes: rss.peak(),
    cpu_s,
    lookups: { ...summarize(lookupMs), failed, rate_per_s: lookupMs.length / lookupSeconds },
  };
}

export interface HttpTiming {
  median_ms: number;
  runs_ms: number[];
  status: number;
  body: unknown;
}

/** Warm-up once, then `runs` sequential GETs; the median wall time of the whole response. */
export async function timeGet(url: string, headers: Record<string, string>, runs: number, agent: http.Agent): Promise<HttpTiming> {
  let last = await request(url, { headers, agent });
  if (last.status !== 200) throw new Error(`GET ${url}: HTTP ${last.status} ${last.body.toString().slice(0, 300)}`);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = nowNs();
    last = await request(url, { headers, agent });
    times.push(elapsedMs(t));
    if (last.status !== 200) throw new Error(`GET ${url}: HTTP ${last.status}`);
  }
  let body: unknown = null;
  try {
    body = JSON.parse(last.body.toString('utf8'));
  } catch {
    body = null;
  }
  return { median_ms: median(times), runs_ms: times, status: last.status, body };
}

export interface PageTiming {
  url: string;
  p50_ms: number;
  p95_ms: number;
  n: number;
  bytes: number;
  /** The page's own per-section query timings (its data-query-ms attributes) from the last render. */
  query_ms: number[];
}

export async function timePage(url: string, cookie: string, runs: number, agent: http.Agent): Promise<PageTiming> {
  const headers = { Cookie: cookie, Accept: 'text/html' };
  for (let i = 0; i < 2; i++) {
    const warm = await request(url, { headers, agent });
    if (warm.status !== 200) throw new Error(`GET ${url}: HTTP ${warm.status} ${warm.body.toString().slice(0, 300)}`);
  }
  const times: number[] = [];
  let bytes = 0;
  let html = '';
  for (let i = 0; i < runs; i++) {
    const t = nowNs();
    const res = await request(url, { headers, agent });
    times.push(elapsedMs(t));
    if (res.status !== 200) throw new Error(`GET ${url}: HTTP ${res.status}`);
    bytes = res.body.length;
    html = res.body.toString('utf8');
  }
  const query_ms = [...html.matchAll(/data-query-ms="([\d.]+)"/g)].map((m) => Number(m[1]));
  return { url, p50_ms: percentile(times, 50), p95_ms: percentile(times, 95), n: runs, bytes, query_ms };
}

export interface CsvRun {
  rows: number;
  bytes: number;
  seconds: number;
  rows_per_s: number;
  columns: string[];
  rss_before_bytes: number;
  rss_peak_bytes: number;
}

/** Streams the export to nowhere, counting rows, while sampling the server's memory. */
export async function csvExport(url: string, token: string, pgid: number): Promise<CsvRun> {
  const before = groupRss(pgid);
  const rss = sampleRss(pgid, 100);
  let bytes = 0;
  let newlines = 0;
  let head = '';
  const t = nowNs();
  const res = await request(url, {
    headers: { Authorization: `Bearer ${token}` },
    timeoutMs: 3_600_000,
    onData: (c) => {
      bytes += c.length;
      if (head.length < 4096 && !head.includes('\n')) head += c.toString('utf8', 0, Math.min(c.length, 4096));
      for (let i = c.indexOf(10); i !== -1; i = c.indexOf(10, i + 1)) newlines++;
    },
  });
  const seconds = elapsedMs(t) / 1000;
  rss.stop();
  if (res.status !== 200) throw new Error(`GET ${url}: HTTP ${res.status}`);
  const header = head.replace(/^\uFEFF/, '').split(/\r?\n/)[0];
  const rows = Math.max(0, newlines - 1);
  return {
    rows,
    bytes,
    seconds,
    rows_per_s: rows / seconds,
    columns: header.split(',').map((c) => c.replace(/^"|"$/g, '')),
    rss_before_bytes: before,
    rss_peak_bytes: rss.peak(),
  };
}

export interface ImportRun {
  seconds: number;
  exit_code: number | null;
  stored: number;
  /** Progress lines or redraws the CLI printed while importing. */
  progress_updates: number;
  /** CPU seconds of the import process (from its parent shell's cutime + cstime). */
  cpu_s: number;
  peak_rss_bytes: number;
  output_tail: string;
}

const STAT_MARK = '@@bench-stat@@';

/**
 * `errata import FILE` into a fresh database, as an operator runs it. A shell runs it and then prints its own
 * /proc stat, whose cutime/cstime hold the import's CPU time. Exit 3 means "some records were rejected":
 * the data holds bad lines on purpose.
 */
export async function cliImport(file: string, databasePath: string, env: Record<string, string>, log: (s: string) => void): Promise<ImportRun> {
  const t = nowNs();
  const script = `"$0" "$1" import "$2"; rc=$?; printf '\n${STAT_MARK}%s\n' "$(cat /proc/$$/stat)" >&2; exit $rc`;
  const child = spawn('sh', ['-c', script, process.execPath, path.join(root, 'bin/errata.mjs'), file], {
    cwd: root,
    detached: true,
    env: { ...process.env, ...env, DATABASE_PATH: databasePath, NEXT_TELEMETRY_DISABLED: '1', FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const rss = sampleRss(child.pid!, 100);
  // The import runs in its own process group: if the bench stops, it goes too.
  const killImport = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  };
  process.once('exit', killImport);
  let out = '';
  let stat = '';
  let progress = 0;
  let pending = '';
  const onData = (d: Buffer) => {
    const s = d.toString('utf8');
    pending += s;
    const parts = pending.split(/\r|\n/);
    pending = parts.pop() ?? '';
    for (const line of parts) {
      if (line.startsWith(STAT_MARK)) stat = line.slice(STAT_MARK.length);
      else if (/records\/s/.test(line) && !/^Total/.test(line)) progress++;
    }
    out = (out + s).slice(-20_000);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  process.removeListener('exit', killImport);
  const seconds = elapsedMs(t) / 1000;
  rss.stop();
  let stored = 0;
  if (fs.existsSync(databasePath)) {
    const store = openSqliteStore(databasePath, { readonly: true });
    stored = (await store.counts()).requests;
    await store.close();
  }
  log(`import: exit ${code} in ${seconds.toFixed(1)} s, ${stored.toLocaleString('en')} rows stored, ${progress} progress updates`);
  return {
    seconds,
    exit_code: code,
    stored,
    progress_updates: progress,
    cpu_s: stat ? childCpuFromStat(stat) : Number.NaN,
    peak_rss_bytes: rss.peak(),
    output_tail: out.split(STAT_MARK)[0].slice(-1500),
  };
}

export interface IdleLookups extends LatencySummary {
  /** Server CPU milliseconds per lookup: what the latency would be on an idle core. */
  cpu_ms_per_lookup: number;
}

/** Sequential lookups of random known ids with nothing else running: the per-request cost, CPU and wall. */
export async function idleLookups(baseUrl: string, pgid: number, ids: readonly string[], token: string, n: number, random: () => number): Promise<IdleLookups> {
  const agent = keepAliveAgent(1);
  const headers = { Authorization: `Bearer ${token}` };
  const get = (id: string) => request(`${baseUrl}/api/v1/requests/${encodeURIComponent(id)}`, { agent, headers });
  for (let i = 0; i < 20; i++) await get(ids[Math.floor(random() * ids.length)]);
  const samples: number[] = [];
  const cpu0 = groupCpuSeconds(pgid);
  for (let i = 0; i < n; i++) {
    const t = nowNs();
    const res = await get(ids[Math.floor(random() * ids.length)]);
    samples.push(elapsedMs(t));
    if (res.status !== 200) throw new Error(`lookup: HTTP ${res.status}`);
  }
  const cpu = groupCpuSeconds(pgid) - cpu0;
  agent.destroy();
  return { ...summarize(samples), cpu_ms_per_lookup: (cpu * 1000) / n };
}
