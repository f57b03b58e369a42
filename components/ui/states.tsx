import type { ReactNode } from 'react';
import { formatInt, formatUtc } from './format';
import styles from './ui.module.css';

// One look for every "nothing to draw" case, so users learn to tell them apart.

export function LoadingState({ label = 'Loading…', height = 160 }: { label?: string; height?: number }) {
  return (
    <div className={styles.skeleton} style={{ height }} role="status" aria-live="polite">
      <span className="sr-only">{label}</span>
    </div>
  );
}

export function EmptyState({ title = 'No data', children }: { title?: string; children?: ReactNode }) {
  return (
    <div className={styles.state} data-state="empty">
      <div className={styles.stateTitle}>{title}</div>
      {children && <div>{children}</div>}
    </div>
  );
}

export function ErrorState({ title = 'Could not load this', children }: { title?: string; children?: ReactNode }) {
  return (
    <div className={`${styles.state} ${styles.stateError}`} role="alert" data-state="error">
      <div className={styles.stateTitle}>{title}</div>
      {children && <div>{children}</div>}
    </div>
  );
}

/** Errors were ingested but success records were not: rates would be fiction, so say it. */
export function NoTotalsNotice({ children }: { children?: ReactNode }) {
  return (
    <div className={styles.notice} role="note" data-state="no-totals">
      <span aria-hidden="true">⚠</span>
      <div>
        <strong>Errors but no request totals.</strong>{' '}
        {children ??
          'Some periods in this range have error records but no success records, so error rates there are unknown. Check that the gateway ships every request, not only failures.'}
      </div>
    </div>
  );
}

export function Notice({ children, tone = 'info' }: { children: ReactNode; tone?: 'info' | 'warn' }) {
  return (
    <div className={`${styles.notice} ${tone === 'info' ? styles.noticeInfo : ''}`} role="note">
      {children}
    </div>
  );
}

/** The filtered population failed every request while other traffic succeeded: the 100 % is real, so say it in words. */
export function AllFailedNotice({ requests, sinceMs, what = 'requests' }: { requests: number; sinceMs: number; what?: string }) {
  return (
    <div className={styles.notice} role="note" data-state="all-failed">
      <span aria-hidden="true">⚠</span>
      <div>
        <strong>
          All {formatInt(requests)} {what} failed since {formatUtc(sinceMs, { seconds: false }).slice(5)}.
        </strong>{' '}
        Other traffic in this range succeeded, so this is not missing data: every request of this view got an error.
      </div>
    </div>
  );
}
