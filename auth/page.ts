// Server pages and layouts: `const user = await requirePageUser('engineer')` at the top of the component.
// No session → redirect to /login?next=<this path>; role too low → Next's 403 page (app/forbidden.tsx).
// Every page calls it itself: a layout's check alone is not enough, and middleware never is.
import 'server-only';
import { cookies, headers } from 'next/headers';
import { forbidden, redirect } from 'next/navigation';
import { cache } from 'react';
import { getMetaDb } from '@/db';
import { findSession, type SessionUser } from '@/db/queries/sessions';
import { hasRole, type UserRole } from '@/lib/roles';
import { SESSION_COOKIE } from '@/lib/auth/cookies';
import { safeNext } from '@/lib/auth/next-path';

export type PageUser = SessionUser;

/** Header set by proxy.ts with the requested path and query, so a redirect to /login can come back. */
export const PATH_HEADER = 'x-errata-path';

/** The signed-in user, or null. One database read per render however many components ask. */
export const getPageUser = cache(async (): Promise<PageUser | null> => {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!token) return null;
  return findSession(getMetaDb(), token) ?? null;
});

export { safeNext };

/**
 * The signed-in user with at least `role`, or a redirect to /login (no session) or the 403 page.
 * A segment with a loading.tsx streams its page inside Suspense, where the status is already 200: gate such
 * segments in their own layout.tsx too (see app/(dashboard)/keys/[key_id]/layout.tsx).
 */
export async function requirePageUser(role: UserRole = 'support', options: { next?: string } = {}): Promise<PageUser> {
  const user = await getPageUser();
  if (!user) {
    const next = safeNext(options.next ?? (await headers()).get(PATH_HEADER));
    redirect(next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`);
  }
  if (!hasRole(user.role, role)) forbidden();
  return user;
}
