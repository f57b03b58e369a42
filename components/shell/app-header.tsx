import Link from 'next/link';
import { Suspense, type ReactNode } from 'react';
import { ThemeToggle } from '@/components/ui/theme-toggle';
import { buttonClass } from '@/components/ui/button';
import type { Theme } from '@/components/ui/theme';
import { PendingArea } from '@/components/filters/navigation-pending';
import { HeaderRange } from './header-range';
import { NavLinks, type NavItem } from './nav-links';
import styles from './shell.module.css';

/** The header every signed-in page shares: brand, nav, request lookup, theme, user (own account page, sign out). */
export function AppHeader({
  user,
  theme,
  lookup,
}: {
  user: { email: string; role: string };
  theme: Theme;
  lookup?: ReactNode;
}) {
  // Links follow the pages' own role checks: overview for engineers, ingest health and admin for admins.
  const engineer = user.role === 'engineer' || user.role === 'admin';
  const items: NavItem[] = [
    ...(engineer ? [{ href: '/', label: 'Overview' }] : []),
    { href: '/errors', label: 'Errors' },
    { href: '/alerts', label: 'Alerts' },
    { href: '/behaviour', label: 'Behaviour' },
    ...(user.role === 'admin' ? [{ href: '/ingest', label: 'Ingest' }] : []),
    ...(user.role === 'admin' ? [{ href: '/admin', label: 'Admin' }] : []),
  ];
  return (
    <header className={styles.header}>
      <a href="#main" className={styles.skip}>
        Skip to content
      </a>
      <div className={styles.headerRow}>
        <Link href="/" className={styles.brand} aria-label="errata overview">
          <span className={styles.logo} aria-hidden="true">
            e
          </span>
          errata
        </Link>
        <Suspense>
          <NavLinks items={items} />
        </Suspense>
        {lookup && <div className={styles.lookup}>{lookup}</div>}
        <div className={styles.right}>
          <Suspense>
            <HeaderRange />
          </Suspense>
          <ThemeToggle initial={theme} />
          <div className={styles.user}>
            <span className={styles.userEmail} title={`${user.email} (${user.role})`}>
              {user.email}
            </span>
            <Link href="/account" className={buttonClass('ghost', 'small')} title={`Signed in as ${user.email} (${user.role})`}>
              Account
            </Link>
            <form action="/api/auth/logout" method="post">
              <button type="submit" className={buttonClass('ghost', 'small')}>
                Sign out
              </button>
            </form>
          </div>
        </div>
      </div>
    </header>
  );
}

export function AppMain({ children }: { children: ReactNode }) {
  return (
    <main id="main" className={styles.main}>
      <PendingArea>{children}</PendingArea>
    </main>
  );
}
