// Opens and migrates the embedded SQLite store. No Next.js imports: the CLI, the writer worker and tests use it too.
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as schema from './schema';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export interface OpenOptions {
  readonly?: boolean;
  /** Skip migrations (a second connection to a database another one has migrated). */
  migrate?: boolean;
  /**
   * Page cache of this connection in KiB (default 32 MiB, what the ingest writer wants for its index updates).
   * The server's main-thread connection, which serves point and range reads, uses READER_CACHE_KIB.
   */
  cacheKiB?: number;
}

/**
 * The writer's page cache: rollup and index pages stay hot across batches. 32 MiB rather than 64: the server's peak
 * RSS during a 1M-record HTTP ingest fell from 369-378 MB to 323-342 MB with the same ingest rate (bench/floor.ts
 * uses these pragmas too).
 */
export const WRITER_CACHE_KIB = 32_768;
/** The server's read connection: lookups touch a few pages each; the OS page cache holds the rest. */
export const READER_CACHE_KIB = 16_384;

function migrationsFolder(): string {
  // Resolved from the project root or this module, never from an arbitrary cwd.
  const candidates = [
    path.resolve(process.cwd(), 'db/migrations'),
    typeof __dirname !== 'undefined' ? path.resolve(__dirname, 'migrations') : '',
  ];
  try {
    candidates.push(path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'migrations'));
  } catch {
    /* not an ES module context */
  }
  const found = candidates.find((c) => c && fs.existsSync(path.join(c, 'meta/_journal.json')));
  if (!found) throw new Error(`errata: migrations folder not found (looked in ${candidates.filter(Boolean).join(', ')})`);
  return found;
}

export function applyPragmas(sqlite: Database.Database, cacheKiB = WRITER_CACHE_KIB): void {
  sqlite.pragma('journal_mode = WAL');
  // FULL: a 200 from ingest means the batch survives a power cut.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`cache_size = -${Math.max(1024, Math.floor(cacheKiB))}`);
  sqlite.pragma('temp_store = MEMORY');
}

export function openDatabase(file: string, options: OpenOptions = {}): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new Database(file, { readonly: options.readonly ?? false, timeout: 5000 });
  if (!options.readonly) applyPragmas(sqlite, options.cacheKiB);
  else {
    sqlite.pragma('busy_timeout = 5000');
    if (options.cacheKiB) sqlite.pragma(`cache_size = -${Math.max(1024, Math.floor(options.cacheKiB))}`);
  }
  const db = drizzle(sqlite, { schema }) as Db;
  if (!options.readonly && options.migrate !== false) migrate(db, { migrationsFolder: migrationsFolder() });
  return db;
}
