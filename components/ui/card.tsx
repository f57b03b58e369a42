import type { ReactNode } from 'react';
import styles from './ui.module.css';

export function Card({
  title,
  subtitle,
  actions,
  children,
  flush,
  className,
  id,
  labelledBy,
}: {
  title?: ReactNode;
  subtitle?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  /** No body padding (tables run edge to edge). */
  flush?: boolean;
  className?: string;
  id?: string;
  labelledBy?: string;
}) {
  const headingId = id ? `${id}-title` : undefined;
  return (
    <section className={`${styles.card} ${className ?? ''}`} id={id} aria-labelledby={labelledBy ?? headingId}>
      {(title || actions) && (
        <header className={styles.cardHeader}>
          <div>
            {title && (
              <h2 className={styles.cardTitle} id={headingId}>
                {title}
              </h2>
            )}
            {subtitle && <div className={styles.cardSubtitle}>{subtitle}</div>}
          </div>
          {actions && <div className={styles.cardActions}>{actions}</div>}
        </header>
      )}
      <div className={flush ? styles.cardFlush : styles.cardBody}>{children}</div>
    </section>
  );
}
