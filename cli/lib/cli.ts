// Small shared pieces of the CLI: argument parsing with readable usage errors, the database, number formats.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { openDatabase, type Db } from '@/db/client';
import { getEnv } from '@/lib/env';

/** Exit codes: 0 ok, 1 failure, 2 usage error, 3 finished but some records were rejected, 130 stopped by Ctrl+C. */
export const EXIT = { ok: 0, failure: 1, usage: 2, rejected: 3, interrupted: 130 } as const;

export class UsageError extends Error {}

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, allowPositionals = true) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

export function databasePath(): string {
  return getEnv().DATABASE_PATH;
}

/** Opens (creating and migrating when needed) the database at DATABASE_PATH. */
export function openCliDb(): Db {
  return openDatabase(databasePath());
}

const nf = new Intl.NumberFormat('en-US');
export const fmt = (n: number) => nf.format(Math.round(n));

export function fmtDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function fmtTime(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + 'Z';
}

export function closeDb(db: Db): void {
  try {
    db.$client.close();
  } catch {
    /* already closed */
  }
}
