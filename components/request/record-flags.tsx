import { getCatalogEntry } from '@/lib/catalog';
import styles from './request.module.css';

/** Flags for what the catalog cannot vouch for: a code it does not know, or a status it does not give the code. */
export function RecordFlags({ code, status, unknownCode, statusMismatch }: { code: string; status: number; unknownCode: boolean; statusMismatch: boolean }) {
  const entry = getCatalogEntry(code);
  const unknown = code !== '' && (unknownCode || !entry);
  const mismatch = statusMismatch || (entry ? (entry.family === '5xx' ? status < 500 || status > 599 : entry.status !== status) : false);
  if (!unknown && !mismatch) return null;
  return (
    <ul className={styles.flags} aria-label="Flags">
      {unknown ? (
        <li className={styles.flagWarn}>
          <strong>Unknown code.</strong> <code>{code}</code> is not in the error reference. The API may have added it; the cause and
          fix below are not from the catalog.
        </li>
      ) : null}
      {mismatch && entry ? (
        <li className={styles.flagErr}>
          <strong>Status does not match the catalog.</strong> The reference gives <code>{code}</code> status{' '}
          {entry.family === '5xx' ? '5xx' : entry.status}; this request was answered with {status}. That is a platform bug worth
          reporting.
        </li>
      ) : null}
    </ul>
  );
}
