import styles from './request.module.css';

export function StatusBadge({ status }: { status: number }) {
  const cls = status >= 500 ? styles.s5xx : status >= 400 ? styles.s4xx : status >= 300 ? styles.s3xx : styles.s2xx;
  return <span className={`${styles.status} ${cls}`}>{status}</span>;
}
