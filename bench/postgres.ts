// The PostgreSQL peer (issue 17): what a user who skips errata does with the same gateway file on the same box.
// A PostgreSQL server (Debian's postgresql, 15 preferred) started here as a plain process on a temporary data
// directory, the file's batches loaded through the `pg` client (one `INSERT … SELECT * FROM unnest(…) ON CONFLICT DO
// NOTHING` and one transaction per batch, synchronous commit, the product's unique key and indexes), then the same
// 30-day questions the bench asks errata, as plain GROUP BYs over that raw table.
// Registered in bench/run.ts; alone: `npx tsx bench/postgres.ts [records=200000]` (the peer beside the SQLite floor).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { prepareDatasetAsync, type Dataset } from './dataset';
import { batchRows, floorInsert, openBare, RAW_SCAN_SQL, timeQuery, type AggregateName, type Row } from './floor';
import type { Measure } from './report';
import { compact, elapsedMs, median, ms, nowNs, round } from './stats';

/** The server's superuser, whatever OS user runs it (initdb -U). */
const PG_USER = 'errata';

export interface PostgresServer {
  bin: string;
  version: string;
  /** The OS user the server runs as. */
  os_user: string;
  socketDir: string;
  /** The postmaster's pid. */
  pid: number;
  /** CPU seconds its processes have used so far. */
  cpuSeconds(): number;
  output(): string;
  connect(): Promise<pg.Client>;
  stop(): Promise<void>;
}

/** The directory holding initdb and postgres: $ERRATA_BENCH_PG_BIN, Debian's 15, another Debian major, pg_config's; null if none. */
export function findPostgresBin(): string | null {
  const has = (dir: string) => fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'postgres'));
  const env = process.env.ERRATA_BENCH_PG_BIN;
  if (env) return has(env) ? env : null;
  const debian = '/usr/lib/postgresql';
  const majors = fs.existsSync(debian)
    ? fs
        .readdirSync(debian)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => (a === '15' ? -1 : b === '15' ? 1 : Number(b) - Number(a)))
    : [];
  for (const v of majors) if (has(path.join(debian, v, 'bin'))) return path.join(debian, v, 'bin');
  const cfg = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const dir = cfg.status === 0 ? cfg.stdout.trim() : '';
  return dir && has(dir) ? dir : null;
}

/**
 * The postmaster and its live children. Each child calls setsid() at start, so a process-group walk (rss.ts) sees
 * only the postmaster: its children are found by parent pid instead.
 */
function serverPids(postmaster: number): number[] {
  const pids = [postmaster];
  for (const name of fs.readdirSync('/proc')) {
    if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'latin1');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster) pids.push(Number(name));
    } catch {
      /* gone */
    }
  }
  return pids;
}

/** CPU seconds of the server so far: its live processes, plus the children the postmaster has reaped (its cutime). */
function serverCpuSeconds(postmaster: number): number {
  let ticks = 0;
  for (const pid of serverPids(postmaster)) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]) + (pid === postmaster ? Number(f[13]) + Number(f[14]) : 0);
    } catch {
      /* gone */
    }
  }
  return ticks / 100;
}

/** uid and gid of a local user, from /etc/passwd. */
function userIds(name: string): { uid: number; gid: number } | null {
  try {
    for (const line of fs.readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f[0] === name) return { uid: Number(f[2]), gid: Number(f[3]) };
    }
  } catch {
    /* no passwd file */
  }
  return null;
}

/**
 * initdb on a fresh temporary directory, then `postgres` on it as a plain child process: unix socket in that
 * directory only (no TCP port to collide with), fsync and synchronous commit on (the defaults, set explicitly),
 * 128 MB of shared buffers. As root, both run as an unprivileged user (setpriv, which execs: the pid is the server's).
 * The directory and the server go when stop() is called and, failing that, when this process exits.
 */
export async function startPostgres(log: (s: string) => void = () => {}): Promise<PostgresServer> {
  const bin = findPostgresBin();
  if (!bin) throw new Error('no PostgreSQL server binaries (looked in $ERRATA_BENCH_PG_BIN, /usr/lib/postgresql/*/bin, pg_config --bindir)');
  const asRoot = process.getuid?.() === 0;
  let wrap: string[] = [];
  let osUser = os.userInfo().username;
  // The OS user the server runs as when this process is root: initdb and postgres refuse to run as root.
  const unprivileged = process.env.ERRATA_BENCH_PG_OS_USER ?? 'nobody';
  const ids = asRoot ? userIds(unprivileged) : null;
  if (asRoot) {
    if (!ids) throw new Error(`running as root and there is no user ${unprivileged} to run PostgreSQL as (set ERRATA_BENCH_PG_OS_USER)`);
    if (spawnSync('setpriv', ['--version']).status !== 0) throw new Error('running as root and setpriv (util-linux) is missing to run PostgreSQL as another user');
    wrap = ['setpriv', `--reuid=${ids.uid}`, `--regid=${ids.gid}`, '--clear-groups'];
    osUser = unprivileged;
  }
  // Created by this process, so mode 0700; handed to the server's user when that is another one.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'errata-pg-'));
  if (ids) fs.chownSync(dir, ids.uid, ids.gid);
  const removeDir = () => fs.rmSync(dir, { recursive: true, force: true });
  let initdb: ChildProcess | null = null;
  let child: ChildProcess | null = null;
  const alive = (c: ChildProcess | null): boolean => c !== null && c.exitCode === null && c.signalCode === null;
  // The postmaster and its children (not one process group: see serverPids); never once it has exited, so a
  // reused pid is never signalled.
  const killServer = (signal: NodeJS.Signals) => {
    const pm = child?.pid;
    if (!alive(child) || pm === undefined) return;
    for (const p of signal === 'SIGKILL' ? serverPids(pm) : [pm]) {
      try {
        process.kill(p, signal);
      } catch {
        /* already gone */
      }
    }
  };
  // If the bench stops or fails before stop(), nothing is left behind.
  const onExit = () => {
    if (alive(initdb)) initdb?.kill('SIGKILL');
    killServer('SIGKILL');
    removeDir();
  };
  process.once('exit', onExit);
  const data = path.join(dir, 'data');
  const cmd = (exe: string, args: string[]) => (wrap.length ? [wrap[0], [...wrap.slice(1), path.join(bin, exe), ...args]] : [path.join(bin, exe), args]) as [string, string[]];
  // --no-sync: initdb's own fsync of a throwaway cluster; the server's fsync stays on for everything measured.
  // Not spawnSync: the event loop stays free, so a Ctrl+C meanwhile exits through the handlers that clean up.
  const [initExe, initArgs] = cmd('initdb', ['-D', data, '-U', PG_USER, '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-instructions', '--no-sync']);
  const init = spawn(initExe, initArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  initdb = init;
  let initOut = '';
  init.stdout.on('data', (d: Buffer) => (initOut = (initOut + d.toString('utf8')).slice(-4000)));
  init.stderr.on('data', (d: Buffer) => (initOut = (initOut + d.toString('utf8')).slice(-4000)));
  const initCode = await new Promise<string | number>((resolve) => {
    init.once('error', (err) => resolve(err.message));
    init.once('close', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  if (initCode !== 0) {
    process.removeListener('exit', onExit);
    removeDir();
    throw new Error(`initdb failed (${initCode}): ${initOut.trim().split('\n').slice(-2).join(' ')}`);
  }
  const printed = (spawnSync(path.join(bin, 'postgres'), ['--version'], { encoding: 'utf8' }).stdout ?? '').trim();
  const release = /PostgreSQL\)\s+(\S+)/.exec(printed)?.[1];
  const version = release ? `PostgreSQL ${release}` : printed;
  const [exe, args] = cmd('postgres', [
    '-D', data,
    '-c', 'listen_addresses=',
    '-c', `unix_socket_directories=${dir}`,
    '-c', 'shared_buffers=128MB',
    '-c', 'fsync=on',
    '-c', 'synchronous_commit=on',
    '-c', 'full_page_writes=on',
  ]);
  let out = '';
  // Detached: a terminal's Ctrl+C reaches the bench, whose exit then stops the server (onExit above).
  const server = spawn(exe, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child = server;
  const append = (d: Buffer) => {
    out = (out + d.toString('utf8')).slice(-20_000);
  };
  server.stdout.on('data', append);
  server.stderr.on('data', append);
  let spawnError: Error | null = null;
  server.once('error', (err) => (spawnError = err));
  const pid = server.pid!;
  const connect = async () => {
    const client = new pg.Client({ host: dir, user: PG_USER, database: 'postgres' });
    await client.connect();
    return client;
  };
  const stop = async () => {
    process.removeListener('exit', onExit);
    if (alive(server)) {
      const exited = new Promise<void>((r) => server.once('exit', () => r()));
      // SIGINT: the server's fast shutdown (ends sessions, checkpoints, exits).
      killServer('SIGINT');
      const timer = setTimeout(() => killServer('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    removeDir();
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (spawnError) {
      process.removeListener('exit', onExit);
      removeDir();
      throw new Error(`postgres could not be started: ${(spawnError as Error).message}`);
    }
    if (!alive(server)) {
      await stop();
      throw new Error(`postgres exited at start-up (${server.exitCode ?? server.signalCode}): ${out.trim().split('\n').slice(-3).join(' ')}`);
    }
    try {
      const c = await connect();
      await c.end();
      break;
    } catch {
      /* not accepting connections yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`postgres did not accept connections in 60 s: ${out.trim().split('\n').slice(-3).join(' ')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  log(`postgres: ${version} up as ${osUser} on ${dir}`);
  return { bin, version, os_user: osUser, socketDir: dir, pid, cpuSeconds: () => serverCpuSeconds(pid), output: () => out, connect, stop };
}

/** The product's request columns (db/schema.ts), in the order of the floor's rows (floor.ts Row), with PostgreSQL types. */
const COLUMNS: [name: string, type: string, bool?: true][] = [
  ['request_id', 'text'],
  ['code', 'text'],
  ['ts_ms', 'bigint'],
  ['status', 'integer'],
  ['method', 'text'],
  ['path', 'text'],
  ['route', 'text'],
  ['latency_ms', 'double precision'],
  ['key_id', 'text'],
  ['account_id', 'text'],
  ['tier', 'text'],
  ['message', 'text'],
  ['details', 'text'],
  ['reason', 'text'],
  ['unknown_code', 'boolean', true],
  ['status_mismatch', 'boolean', true],
  ['token_id', 'integer'],
  ['received_ms', 'bigint'],
  ['idempotency_key', 'text'],
  ['request_fingerprint', 'text'],
  ['idempotent_replayed', 'boolean', true],
  ['user_agent', 'text'],
];

const NOT_NULL = new Set(['request_id', 'code', 'ts_ms', 'status', 'unknown_code', 'status_mismatch', 'received_ms']);

/**
 * The product's requests table and its indexes (db/migrations): the unique key the dedupe relies on, the time and
 * key-time indexes, the partial idempotency index. No surrogate id: nothing here reads by it, it would only cost the
 * peer one more index.
 */
export const PEER_SCHEMA = [
  `CREATE TABLE requests (${COLUMNS.map(([n, t]) => `${n} ${t}${NOT_NULL.has(n) ? ' NOT NULL' : ''}`).join(', ')})`,
  'CREATE UNIQUE INDEX requests_request_id_code ON requests (request_id, code)',
  'CREATE INDEX requests_ts ON requests (ts_ms)',
  'CREATE INDEX requests_key_ts ON requests (key_id, ts_ms)',
  'CREATE INDEX requests_idempotency_key ON requests (idempotency_key, ts_ms) WHERE idempotency_key IS NOT NULL',
];

export const PEER_INSERT = `INSERT INTO requests (${COLUMNS.map(([n]) => n).join(', ')})
  SELECT * FROM unnest(${COLUMNS.map(([, t], i) => `$${i + 1}::${t}[]`).join(', ')})
  ON CONFLICT (request_id, code) DO NOTHING`;

/** The bench's raw scans (floor.ts RAW_SCAN_SQL) in PostgreSQL's dialect: the GROUP BYs a user without errata runs. */
export const PEER_SCAN_SQL: Record<AggregateName, string> = {
  breakdown_key: `SELECT key_id AS value, count(*) AS requests, count(*) FILTER (WHERE status >= 400) AS errors FROM requests
    WHERE ts_ms >= $1 AND ts_ms < $2 GROUP BY key_id`,
  breakdown_code: `SELECT code AS value, count(*) AS requests, count(*) FILTER (WHERE status >= 400) AS errors FROM requests
    WHERE ts_ms >= $1 AND ts_ms < $2 GROUP BY code`,
  hourly_status_class: `SELECT ts_ms - (ts_ms % 3600000) AS bucket, status / 100 AS class, count(*) AS requests FROM requests
    WHERE ts_ms >= $1 AND ts_ms < $2 GROUP BY 1, 2`,
};

/** A batch's rows as one array per column, the shape unnest() takes (booleans as booleans). */
function columnsOf(rows: readonly Row[]): unknown[][] {
  const cols: unknown[][] = COLUMNS.map(() => new Array(rows.length));
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    for (let c = 0; c < COLUMNS.length; c++) {
      const v = row[c];
      cols[c][r] = COLUMNS[c][2] && v !== null ? v === 1 : v;
    }
  }
  return cols;
}

export interface PeerLoad {
  rows: number;
  inserted: number;
  skipped: number;
  batches: number;
  /** Time inside BEGIN … INSERT … COMMIT only: rows were parsed (and turned into columns) before the clock started. */
  insert_s: number;
  rows_per_s: number;
  /** The server's CPU (every process of its group) and this client's during the transactions. */
  server_cpu_s: number;
  client_cpu_s: number;
  wall_s: number;
  /** VACUUM ANALYZE after the load, off the clock: what autovacuum would get to, done at once so the scans are not penalised. */
  vacuum_analyze_s: number;
  table_bytes: number;
  index_bytes: number;
}

export interface PeerQuery {
  median_ms: number;
  runs_ms: number[];
  rows: number;
  total_requests: number;
}

export interface PostgresPeerResult {
  version: string;
  os_user: string;
  start_s: number;
  load: PeerLoad;
  queries: Record<AggregateName, PeerQuery>;
}

/** The dataset's batches into the peer, parsed as the floor parses them; one transaction per batch. */
export async function peerLoad(server: PostgresServer, ds: Dataset, onProgress?: (done: number) => void): Promise<PeerLoad> {
  const client = await server.connect();
  try {
    for (const s of PEER_SCHEMA) await client.query(s);
    const wall = nowNs();
    let insertMs = 0;
    let cpuUs = 0;
    let rows = 0;
    let inserted = 0;
    let skipped = 0;
    const cpu0 = server.cpuSeconds();
    for (let b = 0; b < ds.batches.length; b++) {
      const parsed = batchRows(ds, b, Date.now());
      const batch = parsed.rows;
      skipped += parsed.skipped;
      const values = columnsOf(batch);
      const t = nowNs();
      const cpu = process.cpuUsage();
      await client.query('BEGIN');
      const res = await client.query({ name: 'peer-insert', text: PEER_INSERT, values });
      await client.query('COMMIT');
      insertMs += elapsedMs(t);
      const used = process.cpuUsage(cpu);
      cpuUs += used.user + used.system;
      inserted += res.rowCount ?? 0;
      rows += batch.length;
      onProgress?.(rows + skipped);
    }
    const server_cpu_s = server.cpuSeconds() - cpu0;
    const wall_s = elapsedMs(wall) / 1000;
    const v = nowNs();
    await client.query('VACUUM ANALYZE requests');
    const vacuum_analyze_s = elapsedMs(v) / 1000;
    const size = (
      await client.query<{ t: string; i: string }>("SELECT pg_table_size('requests') AS t, pg_indexes_size('requests') AS i")
    ).rows[0];
    return {
      rows,
      inserted,
      skipped,
      batches: ds.batches.length,
      insert_s: insertMs / 1000,
      rows_per_s: rows / (insertMs / 1000),
      server_cpu_s,
      client_cpu_s: cpuUs / 1e6,
      wall_s,
      vacuum_analyze_s,
      table_bytes: Number(size.t),
      index_bytes: Number(size.i),
    };
  } finally {
    await client.end();
  }
}

/** One untimed run (caches, hint bits), then `runs` timed ones of each question; p50 of the whole round trip. */
export async function peerQueries(server: PostgresServer, from: number, to: number, runs: number): Promise<Record<AggregateName, PeerQuery>> {
  const client = await server.connect();
  try {
    const out = {} as Record<AggregateName, PeerQuery>;
    for (const name of Object.keys(PEER_SCAN_SQL) as AggregateName[]) {
      const q = { name: `peer-${name}`, text: PEER_SCAN_SQL[name], values: [from, to] };
      await client.query(q);
      const times: number[] = [];
      let result: { requests: string }[] = [];
      for (let i = 0; i < runs; i++) {
        const t = nowNs();
        result = (await client.query<{ requests: string }>(q)).rows;
        times.push(elapsedMs(t));
      }
      out[name] = { median_ms: median(times), runs_ms: times, rows: result.length, total_requests: result.reduce((s, r) => s + Number(r.requests), 0) };
    }
    return out;
  } finally {
    await client.end();
  }
}

/** Starts the peer, loads the dataset, asks the questions, stops it (also on failure). */
export async function runPostgresPeer(ds: Dataset, opts: { runs: number; log: (s: string) => void }): Promise<PostgresPeerResult> {
  const t = nowNs();
  const server = await startPostgres(opts.log);
  const start_s = elapsedMs(t) / 1000;
  try {
    const load = await peerLoad(server, ds, (n) => {
      if (n % 500_000 < 5000) opts.log(`postgres: ${n.toLocaleString('en')} lines`);
    });
    opts.log(`postgres: ${compact(load.rows_per_s)} rows/s (${load.insert_s.toFixed(1)} s in transactions; VACUUM ANALYZE ${load.vacuum_analyze_s.toFixed(1)} s)`);
    const queries = await peerQueries(server, ds.start_ms, ds.end_ms, opts.runs);
    for (const [name, q] of Object.entries(queries)) opts.log(`postgres ${name}: p50 ${ms(q.median_ms)} (${q.rows} groups)`);
    return { version: server.version, os_user: server.os_user, start_s, load, queries };
  } catch (err) {
    const tail = server.output().trim().split('\n').slice(-3).join(' | ');
    throw new Error(`${(err as Error).message}${tail ? ` (server log: ${tail})` : ''}`);
  } finally {
    await server.stop();
  }
}

const AGG_LABELS: Record<AggregateName, string> = {
  breakdown_key: '30-day breakdown by key',
  breakdown_code: '30-day breakdown by code',
  hourly_status_class: '30-day hourly series by status class',
};

export interface ErrataFigures {
  /** Records per second over HTTP (null: not measured in this run). */
  http_per_s: number | null;
  import_per_s: number | null;
  /** errata's p50 over HTTP per question. */
  queries: Partial<Record<AggregateName, { ms: number; total: number | null }>>;
}

/**
 * The peer's rows of the table: ingest (HTTP, with the import beside it) and one per 30-day question. `why` is what
 * the rows say when there is no peer result: "not measured yet" before its phase, "not measured: …" after.
 */
export function postgresMeasures(peer: PostgresPeerResult | null, why: string, errata: ErrataFigures, notes: string[] = []): Measure[] {
  const out: Measure[] = [];
  const load = peer?.load;
  const httpRatio = load && errata.http_per_s !== null ? errata.http_per_s / load.rows_per_s : null;
  const importRatio = load && errata.import_per_s !== null ? errata.import_per_s / load.rows_per_s : null;
  const peerText = (s: string) => (peer ? `${s} (${peer.version}, as ${peer.os_user})` : why);
  out.push({
    id: 'postgres_ingest',
    measure: 'Ingest vs the PostgreSQL peer: the same file, 5,000-row INSERT … SELECT unnest(…) ON CONFLICT DO NOTHING, one transaction per batch',
    errata:
      errata.http_per_s === null && errata.import_per_s === null
        ? 'not measured (see the ingest and import rows)'
        : `HTTP ${errata.http_per_s === null ? 'not measured' : `${compact(errata.http_per_s)} records/s`}; import ${errata.import_per_s === null ? 'not measured' : `${compact(errata.import_per_s)} records/s`}`,
    floor: load
      ? peerText(
          `${compact(load.rows_per_s)} rows/s in transactions, rows pre-parsed; ${compact(load.rows / (load.server_cpu_s + load.client_cpu_s))} per CPU-second (server + client); table ${Math.round(load.table_bytes / 1048576)} MB + indexes ${Math.round(load.index_bytes / 1048576)} MB`,
        )
      : why,
    ratio: httpRatio,
    ratio_text:
      httpRatio === null && importRatio === null
        ? '—'
        : `HTTP ${httpRatio === null ? '—' : `${round(httpRatio, 2)}×`}; import ${importRatio === null ? '—' : `${round(importRatio, 2)}×`}`,
    target: '≥ 1.5× the peer over HTTP',
    met: httpRatio === null ? null : httpRatio >= 1.5,
    figures: { peer: peer ? { version: peer.version, os_user: peer.os_user, start_s: peer.start_s, load } : null, http_per_s: errata.http_per_s, import_per_s: errata.import_per_s, import_ratio: importRatio },
  });
  for (const name of Object.keys(AGG_LABELS) as AggregateName[]) {
    const q = peer?.queries[name];
    const e = errata.queries[name];
    const ratio = q && e ? q.median_ms / e.ms : null;
    out.push({
      id: `postgres_${name}`,
      measure: `${AGG_LABELS[name]} vs the PostgreSQL peer (GROUP BY over its raw table)`,
      errata: e ? `${ms(e.ms)} over HTTP` : 'not measured (see the row above)',
      floor: q ? peerText(`p50 ${ms(q.median_ms)} of ${q.runs_ms.length} runs after one untimed`) : why,
      ratio,
      ratio_text: ratio === null ? '—' : `${round(ratio, 1)}× faster than the peer`,
      target: '≥ 10× faster than the peer',
      met: ratio === null ? null : ratio >= 10,
      figures: { peer: q ?? null, errata_ms: e?.ms ?? null },
    });
    if (q && e && e.total !== null && e.total !== q.total_requests) {
      notes.push(`${AGG_LABELS[name]}: errata counts ${e.total} requests, the PostgreSQL peer ${q.total_requests}.`);
    }
  }
  return out;
}

// Alone: the peer beside the SQLite floor and its raw scans, on the cached (or generated) dataset.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const records = Number(process.argv[2] ?? 200_000);
  const log = (s: string) => console.log(`[postgres ${new Date().toISOString().slice(11, 19)}] ${s}`);
  // Ctrl+C or a kill: exit through process.exit, so the 'exit' handler stops the server and removes its directory.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(sig, () => process.exit(130));
  (async () => {
    const ds = await prepareDatasetAsync({ records, seed: 7, batchSize: 5000, cacheDir: path.join(os.tmpdir(), 'errata-bench-data'), log });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'errata-peer-'));
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    try {
      const file = path.join(dir, 'floor.db');
      const floor = await floorInsert(file, ds);
      log(`sqlite floor: ${compact(floor.rows_per_s)} rows/s (${floor.insert_s.toFixed(1)} s in transactions, ${floor.inserted} stored)`);
      const sqlite = openBare(file, true);
      const scans = Object.fromEntries(
        (Object.keys(RAW_SCAN_SQL) as AggregateName[]).map((n) => [n, timeQuery(sqlite, RAW_SCAN_SQL[n], ds.start_ms, ds.end_ms, 5)]),
      );
      sqlite.close();
      const peer = await runPostgresPeer(ds, { runs: 5, log });
      if (peer.load.inserted !== floor.inserted) log(`NOTE: the peer stored ${peer.load.inserted} rows, the floor ${floor.inserted}`);
      const summary = {
        records: ds.lines,
        peer_rows_per_s: round(peer.load.rows_per_s, 0),
        sqlite_floor_rows_per_s: round(floor.rows_per_s, 0),
        peer_vs_floor: round(peer.load.rows_per_s / floor.rows_per_s, 2),
        peer_cpu_s: { server: round(peer.load.server_cpu_s, 1), client: round(peer.load.client_cpu_s, 1) },
        peer_mb: { table: round(peer.load.table_bytes / 1048576, 1), indexes: round(peer.load.index_bytes / 1048576, 1) },
        sqlite_floor_file_mb: round(fs.statSync(file).size / 1048576, 1),
        queries: Object.fromEntries(
          (Object.keys(PEER_SCAN_SQL) as AggregateName[]).map((n) => [
            n,
            { peer_p50_ms: round(peer.queries[n].median_ms, 1), sqlite_raw_scan_p50_ms: round(scans[n].median_ms, 1), totals: `${peer.queries[n].total_requests} / ${scans[n].total_requests}` },
          ]),
        ),
      };
      console.log(JSON.stringify(summary, null, 2));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  })().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
