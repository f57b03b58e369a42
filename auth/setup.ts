// First run: while no user exists, /setup creates the first admin given a one-time code printed in the server log.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '@/db/client';
import { countUsers } from '@/db/queries/users';

const g = globalThis as unknown as { errataSetupCode?: string };

/** The current one-time code, generated and logged on first need; null once a user exists. */
export function ensureSetupCode(db: Db): string | null {
  if (countUsers(db) > 0) {
    g.errataSetupCode = undefined;
    return null;
  }
  if (!g.errataSetupCode) {
    const hex = randomBytes(8).toString('hex').toUpperCase();
    g.errataSetupCode = `${hex.slice(0, 4)}-${hex.slice(4, 8)}-${hex.slice(8, 12)}-${hex.slice(12)}`;
    console.log(
      `\n[errata] No users yet. Open /setup and enter this one-time code to create the first admin:\n[errata]   ${g.errataSetupCode}\n[errata] (or run: npx errata user create --email you@example.com --role admin)\n`,
    );
  }
  return g.errataSetupCode;
}

export function checkSetupCode(db: Db, code: string): boolean {
  const expected = ensureSetupCode(db);
  if (!expected) return false;
  const a = Buffer.from(code.trim().toUpperCase());
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function consumeSetupCode(): void {
  g.errataSetupCode = undefined;
}
