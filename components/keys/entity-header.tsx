import Link from 'next/link';
import type { ReactNode } from 'react';
import { ErrorState } from '@/components/ui/states';
import styles from './entity.module.css';

/** The head of a key or code page: what it is, its name, and a line of facts. */
export function EntityHeader({ eyebrow, title, children }: { eyebrow: string; title: string; children?: ReactNode }) {
  return (
    <header className={styles.head}>
      <p className={styles.eyebrow}>{eyebrow}</p>
      <h1 className={styles.title}>{title}</h1>
      {children ? <p className={styles.meta}>{children}</p> : null}
    </header>
  );
}

/** A key or code page whose URL filters do not parse: the head, what is wrong, and a way back. */
export function InvalidFiltersPage({ header, message, resetHref }: { header: ReactNode; message: string; resetHref: string }) {
  return (
    <div className={styles.page}>
      {header}
      <ErrorState title="These filters are not valid">
        {message} <Link href={resetHref}>Reset the filters</Link>
      </ErrorState>
    </div>
  );
}
