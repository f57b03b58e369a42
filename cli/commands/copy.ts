// `errata copy`: moves a deployment's request data from SQLite into ClickHouse. Records are read in id order and
// written through the ClickHouse store's exact dedupe, so a copy that is killed and restarted, or run twice, stores
// each (request_id, code) once; a checkpoint file beside the SQLite database lets a restart skip what is done.
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { openCopyTarget } from '@/db/open-store';
import type { RequestRow } from '@/db/types';
import { databasePath, EXIT, fmt, fmtDuration, parse, UsageError } from '../lib/cli';
import { Progress } from '../lib/progress';

const HELP = `Usage: errata copy [--to URL] [--cluster NAME] [--batch N] [--from-start] [--quiet] [--json]

Copies the request records of the SQLite database at DATABASE_PATH into ClickHouse (the rollups behind the
charts follow from the records). Run it while the server is stopped, then start errata with CLICKHOUSE_URL set.

  --to URL        the ClickHouse store (default: CLICKHOUSE_URL), http://user:password@host:8123/database
  --cluster NAME  a cluster from remote_servers (default: CLICKHOUSE_CLUSTER)
  --batch N       records per insert (default 20000)
  --from-start    ignore the checkpoint and read every record again (already copied ones count as duplicates)
  --quiet         no progress on stderr
  --json          the report as JSON on stdout

The copy is resumable: killed or stopped with Ctrl+C, the next run continues after the last batch it stored
(checkpoint: DATABASE_PATH.clickhouse-copy.json). It is exact: a record whose (request_id, code) ClickHouse
already holds is never stored again, so running it twice changes nothing. Ingest health and rejection samples
describe the SQLite deployment's ingest calls and are not copied.
`;

const DEFAULT_BATCH = 20_000;

interface Checkpoint {
  /** host:port/database[@cluster] of the target: a checkpoint of another target is not used. */
  target: string;
  last_id: number;
  copied: number;
  duplicates: number;
}

const COLUMNS =
  'id, request_id, code, ts_ms, status, method, path, route, latency_ms, key_id, account_id, tier, message, details, reason, unknown_code, status_mismatch, token_id, received_ms, idempotency_key, request_fingerprint, idempotent_replayed, user_agent';

interface SqliteRow {
  id: number;
  request_id: string;
  code: string;
  ts_ms: number;
  status: number;
  method: string | null;
  path: string | null;
  route: string | null;
  latency_ms: number | null;
  key_id: string | null;
  account_id: string | null;
  tier: string | null;
  message: string | null;
  details: string | null;
  reason: string | null;
  unknown_code: number;
  status_mismatch: number;
  token_id: number | null;
  received_ms: number;
  idempotency_key: string | null;
  request_fingerprint: string | null;
  idempotent_replayed: number | null;
  user_agent: string | null;
}

function toRow(r: SqliteRow): RequestRow {
  return [
    r.request_id,
    r.code,
    r.ts_ms,
    r.status,
    r.method,
    r.path,
    r.route,
    r.latency_ms,
    r.key_id,
    r.account_id,
    r.tier,
    r.message,
    r.details,
    r.reason,
    r.unknown_code ? 1 : 0,
    r.status_mismatch ? 1 : 0,
    r.token_id,
    r.received_ms,
    r.idempotency_key,
    r.request_fingerprint,
    r.idempotent_replayed,
    r.user_agent,
  ];
}

/** The target without its password, as the checkpoint names it. */
function targetName(url: string, cluster: string | null): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`not a URL: ${JSON.stringify(url)} (http://user:password@host:8123/database)`);
  }
  const db = u.pathname.replace(/^\/+|\/+$/g, '') || 'errata';
  return `${u.host}/${db}${cluster ? `@${cluster}` : ''}`;
}

function readCheckpoint(file: string, target: string): Checkpoint {
  const empty = { target, last_id: 0, copied: 0, duplicates: 0 };
  if (!fs.existsSync(file)) return empty;
  try {
    const c = JSON.parse(fs.readFileSync(file, 'utf8')) as Checkpoint;
    return c.target === target && Number.isSafeInteger(c.last_id) ? c : empty;
  } catch {
    return empty;
  }
}

/** Written whole to a temp file and renamed: a kill leaves the old checkpoint or the new one, never half of one. */
function writeCheckpoint(file: string, c: Checkpoint): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(c));
  fs.renameSync(tmp, file);
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    help: { type: 'boolean', short: 'h' },
    to: { type: 'string' },
    cluster: { type: 'string' },
    batch: { type: 'string' },
    'from-start': { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
    json: { type: 'boolean' },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return EXIT.ok;
  }
  if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const url = values.to ?? process.env.CLICKHOUSE_URL ?? '';
  if (!url) throw new UsageError('no target: pass --to URL or set CLICKHOUSE_URL');
  const cluster = values.cluster ?? (process.env.CLICKHOUSE_CLUSTER || null);
  const batch = values.batch === undefined ? DEFAULT_BATCH : Number(values.batch);
  if (!Number.isInteger(batch) || batch < 1 || batch > 1_000_000) throw new UsageError('--batch must be an integer from 1 to 1000000');
  const source = databasePath();
  if (!fs.existsSync(source)) {
    process.stderr.write(`errata copy: no database at ${source} (set DATABASE_PATH)\n`);
    return EXIT.failure;
  }
  const target = targetName(url, cluster);
  const checkpointFile = `${source}.clickhouse-copy.json`;
  const cp = values['from-start'] ? { target, last_id: 0, copied: 0, duplicates: 0 } : readCheckpoint(checkpointFile, target);
  const resumedFrom = cp.last_id;

  // A plain read-only connection: the copy never changes the database it reads.
  const db = new Database(source, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 10000');
  const store = await openCopyTarget({ url, cluster });
  const progress = new Progress(process.stderr, !values.quiet);
  const started = performance.now();
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(EXIT.interrupted);
    interrupted = true;
  };
  process.on('SIGINT', onSigint);
  let read = 0;
  let accepted = 0;
  let duplicates = 0;
  try {
    const total = (db.prepare('SELECT count(*) AS c FROM requests').get() as { c: number }).c;
    const before = (db.prepare('SELECT count(*) AS c FROM requests WHERE id <= ?').get(cp.last_id) as { c: number }).c;
    const page = db.prepare(`SELECT ${COLUMNS} FROM requests WHERE id > ? ORDER BY id LIMIT ?`);
    const label = `copy to ${target}`;
    progress.update({ label, records: 0, fraction: total ? before / total : 1 }, true);
    while (!interrupted) {
      const rows = page.all(cp.last_id, batch) as SqliteRow[];
      if (rows.length === 0) break;
      const out = await store.copyRows(rows.map(toRow));
      read += rows.length;
      accepted += out.accepted;
      duplicates += out.duplicates;
      cp.last_id = rows[rows.length - 1].id;
      cp.copied += out.accepted;
      cp.duplicates += out.duplicates;
      // After the insert: a kill before this line resends the batch on restart, and the dedupe drops it.
      writeCheckpoint(checkpointFile, cp);
      progress.update({ label, records: read, fraction: total ? (before + read) / total : 1 });
    }
    progress.update({ label, records: read, fraction: total ? (before + read) / total : 1 }, true);
  } finally {
    process.off('SIGINT', onSigint);
    progress.done();
    await store.close();
    db.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const report = { target, resumed_after_id: resumedFrom, read, copied: accepted, duplicates, last_id: cp.last_id, seconds: Math.round(seconds * 1000) / 1000, interrupted };
  if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    process.stdout.write(
      `${interrupted ? 'stopped' : 'copied'}: ${fmt(read)} records read${resumedFrom ? ` (resumed after id ${resumedFrom})` : ''}, ${fmt(accepted)} stored, ` +
        `${fmt(duplicates)} already in ClickHouse, in ${fmtDuration(seconds * 1000)}\n`,
    );
    if (interrupted) process.stdout.write("Run 'errata copy' again to continue.\n");
  }
  return interrupted ? EXIT.interrupted : EXIT.ok;
}
