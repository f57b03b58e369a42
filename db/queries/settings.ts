// Runtime settings kept in the database (key/value), with defaults from the environment.
import { eq } from 'drizzle-orm';
import type { Db } from '../client';
import { settings } from '../schema';
import { getEnv } from '@/lib/env';

export const RETENTION_KEY = 'retention_days';
export const MIN_RETENTION_DAYS = 1;
export const MAX_RETENTION_DAYS = 3650;

export function getSetting(db: Db, key: string): string | undefined {
  return db.select({ value: settings.value }).from(settings).where(eq(settings.key, key)).get()?.value;
}

export function setSetting(db: Db, key: string, value: string, now = Date.now()): void {
  db.insert(settings)
    .values({ key, value, updated_ms: now })
    .onConflictDoUpdate({ target: settings.key, set: { value, updated_ms: now } })
    .run();
}

/** Days of raw records, rollups and dedupe keys to keep: the admin's setting, else ERRATA_RETENTION_DAYS. */
export function getRetentionDays(db: Db): number {
  const stored = Number(getSetting(db, RETENTION_KEY));
  if (Number.isInteger(stored) && stored >= MIN_RETENTION_DAYS && stored <= MAX_RETENTION_DAYS) return stored;
  return getEnv().ERRATA_RETENTION_DAYS;
}

export function setRetentionDays(db: Db, days: number): void {
  if (!Number.isInteger(days) || days < MIN_RETENTION_DAYS || days > MAX_RETENTION_DAYS) {
    throw new RangeError(`retention must be a whole number of days from ${MIN_RETENTION_DAYS} to ${MAX_RETENTION_DAYS}`);
  }
  setSetting(db, RETENTION_KEY, String(days));
}
