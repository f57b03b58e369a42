import type { ReactNode } from 'react';
import styles from './ui.module.css';

export function DataTable({
  caption,
  children,
  testId,
  className,
}: {
  caption: string;
  children: ReactNode;
  testId?: string;
  className?: string;
}) {
  return (
    <div className={styles.tableWrap}>
      <table className={`${styles.table} ${className ?? ''}`} data-testid={testId}>
        <caption className="sr-only">{caption}</caption>
        {children}
      </table>
    </div>
  );
}

export const tableClasses = { right: styles.right, wrap: styles.wrap, rowLink: styles.rowLink, truncate: styles.truncate, shareCell: styles.shareCell, shareRate: styles.shareRate };

/** A thin proportional bar for share-of-total columns. */
export function ShareBar({ ratio, color }: { ratio: number; color?: string }) {
  const pct = Math.max(0, Math.min(1, ratio)) * 100;
  return (
    <span className={styles.share} aria-hidden="true">
      <span className={styles.shareFill} style={{ width: `${pct}%`, background: color }} />
    </span>
  );
}
