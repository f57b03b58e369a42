// The sign-in throttles' counters (lib/rate-limit.ts) in the metadata database: they outlive a restart, and a
// password reset from any process clears them.
import { and, eq, lt } from 'drizzle-orm';
import type { ThrottleStore } from '@/lib/rate-limit';
import type { Db } from '../client';
import { login_throttle } from '../schema';

export type ThrottleScope = 'account' | 'address' | 'device';

export function throttleStore(db: Db, scope: ThrottleScope): ThrottleStore {
  const at = (key: string) => and(eq(login_throttle.scope, scope), eq(login_throttle.key, key));
  return {
    get(key) {
      const row = db.select({ failures: login_throttle.failures, last: login_throttle.last_ms }).from(login_throttle).where(at(key)).get();
      return row ?? undefined;
    },
    set(key, e) {
      db.insert(login_throttle)
        .values({ scope, key, failures: e.failures, last_ms: e.last })
        .onConflictDoUpdate({ target: [login_throttle.scope, login_throttle.key], set: { failures: e.failures, last_ms: e.last } })
        .run();
    },
    remove(key) {
      db.delete(login_throttle).where(at(key)).run();
    },
    forget(before) {
      db.delete(login_throttle).where(and(eq(login_throttle.scope, scope), lt(login_throttle.last_ms, before))).run();
    },
  };
}
