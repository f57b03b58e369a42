// Shared by the e2e specs: where global-setup left the signed-in states and what it seeded.
import fs from 'node:fs';
import path from 'node:path';

export type Role = 'support' | 'engineer' | 'admin';

export function authDir(): string {
  const dir = process.env.E2E_AUTH_DIR;
  if (!dir) throw new Error('E2E_AUTH_DIR is not set: run through playwright.config.ts');
  return dir;
}

/** storageState file of a signed-in user with this role. */
export function storageStateFor(role: Role): string {
  return path.join(authDir(), `${role}.json`);
}

export interface SeedInfo {
  /** Start of the hour holding the error spike (epoch ms). */
  spike_hour_ms: number;
  spike_count: number;
  spike_code: string;
  /** Window with errors but no success records. */
  no_totals_from_ms: number;
  no_totals_to_ms: number;
  records: number;
  /** The key with the most records among keys that have both successes and errors. */
  busy_key: string;
  seeded_at_ms: number;
  /** An Idempotency-Key of the demo's reuse story (retried in progress, replayed, reused with another body). */
  idempotency_key: string;
}

export function seedInfo(): SeedInfo {
  return JSON.parse(fs.readFileSync(path.join(authDir(), 'seed.json'), 'utf8')) as SeedInfo;
}
