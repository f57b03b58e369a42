// `errata backup FILE`: a consistent copy of the live database through SQLite's online backup API, safe while
// the server runs and ingests. Restore: docs/operations.md.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { databasePath, EXIT, fmt, fmtDuration, parse, UsageError } from '../lib/cli';

const HELP = `Usage: errata backup FILE [--force] [--quiet] [--step PAGES]

Copies the database at DATABASE_PATH (default ./data/errata.db) to FILE while the server keeps running:
SQLite's online backup, one consistent snapshot even while records are being ingested. The copy is written
next to FILE first, checked with PRAGMA integrity_check, and only then renamed to FILE.

  --force   replace FILE if it exists
  --quiet   no progress on stderr
  --step    pages copied per step at first (default 4096, 16 MiB): each step is one short read transaction

Restore: stop the server, delete DATABASE_PATH and its -wal and -shm files, copy FILE to DATABASE_PATH, start.
`;

/** Pages copied per step at first (4 KiB pages: 16 MiB); doubled whenever a write in between restarts the copy. */
const FIRST_STEP_PAGES = 4096;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    help: { type: 'boolean', short: 'h' },
    force: { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
    step: { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError('give one destination FILE');
  const source = databasePath();
  const target = path.resolve(positionals[0]);
  if (!fs.existsSync(source)) {
    process.stderr.write(`errata backup: no database at ${source} (set DATABASE_PATH)\n`);
    return EXIT.failure;
  }
  if (path.resolve(source) === target) throw new UsageError('FILE must not be the database itself');
  if (fs.existsSync(target) && !values.force) throw new UsageError(`${target} exists (use --force to replace it)`);
  const partial = `${target}.partial-${process.pid}`;
  const started = performance.now();
  const say = (line: string) => values.quiet || process.stderr.write(line);
  // A plain connection, no migrations: a backup must not change the database it copies.
  const db = new Database(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 10000');
    let step = values.step === undefined ? FIRST_STEP_PAGES : Number(values.step);
    if (!Number.isInteger(step) || step < 1) throw new UsageError('--step must be a positive number of pages');
    let lastRemaining = Infinity;
    let restarts = 0;
    const result = await db.backup(partial, {
      progress({ totalPages, remainingPages }) {
        // The copy restarts when another connection writes between two steps (ingest does, all the time): take
        // bigger steps each time so it always finishes. A step holds only a read transaction (WAL), which never
        // blocks the writer.
        if (remainingPages > lastRemaining) {
          restarts++;
          step *= 2;
        }
        lastRemaining = remainingPages;
        const done = totalPages - remainingPages;
        say(`backup: ${fmt(done)} / ${fmt(totalPages)} pages (${totalPages ? Math.floor((done / totalPages) * 100) : 100}%)\n`);
        return step;
      },
    });
    say(`backup: ${fmt(result.totalPages)} / ${fmt(result.totalPages)} pages (100%), checking the copy\n`);
    // A self-contained file: out of WAL mode (the server turns it back on when it opens it), no -wal/-shm beside it.
    const check = new Database(partial);
    let integrity: string;
    try {
      check.pragma('journal_mode = DELETE');
      integrity = (check.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
    } finally {
      check.close();
    }
    if (integrity !== 'ok') {
      fs.rmSync(partial, { force: true });
      process.stderr.write(`errata backup: the copy failed PRAGMA integrity_check (${integrity}); nothing was written to ${target}\n`);
      return EXIT.failure;
    }
    fs.renameSync(partial, target);
    const bytes = fs.statSync(target).size;
    process.stdout.write(
      `Backed up ${source} to ${target}: ${fmt(result.totalPages)} pages, ${(bytes / 2 ** 20).toFixed(1)} MiB in ${fmtDuration(performance.now() - started)}` +
        `${restarts ? ` (restarted ${restarts}x by concurrent writes)` : ''}; integrity_check ok.\n`,
    );
    return EXIT.ok;
  } catch (err) {
    fs.rmSync(partial, { force: true });
    throw err;
  } finally {
    db.close();
  }
}
