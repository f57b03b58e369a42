import Link from 'next/link';
import type { LookupResult } from '@/db/types';
import { formatUtc } from '@/components/request/details';
import { StatusBadge } from '@/components/ui/badge';
import { CsvDownloadButton } from '@/components/ui/csv-download';
import styles from './lookup.module.css';

/** Found ids (one row each, every stored code) and missing ids, in the order they appeared in the text. */
export function LookupResults({ result, csvHref }: { result: LookupResult; csvHref: string }) {
  const { found, missing, candidates, truncated } = result;
  return (
    <div className={styles.results}>
      <p className={styles.summary} role="status" data-testid="lookup-summary">
        {candidates.length === 0
          ? 'No request ids were found in that text.'
          : `${candidates.length} id${candidates.length === 1 ? '' : 's'} in the text: ${found.length} found, ${missing.length} missing.`}
        {truncated ? ` Only the first ${candidates.length} ids were looked up.` : ''}
      </p>

      {missing.length ? (
        <section className={styles.card} aria-labelledby="missing-title" data-testid="lookup-missing">
          <h2 id="missing-title" className={styles.cardTitle}>
            Missing ({missing.length})
          </h2>
          <p className="muted">
            Not stored: check for typos (ids are case-sensitive); the request may be older than the retention period or not yet
            shipped by the gateway.
          </p>
          <ul className={styles.missingList}>
            {missing.map((id) => (
              <li key={id} className={styles.mono}>
                {id}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {found.length ? (
        <section className={styles.card} aria-labelledby="found-title" data-testid="lookup-found">
          <div className={styles.cardHead}>
            <h2 id="found-title" className={styles.cardTitle}>
              Found ({found.length})
            </h2>
            <CsvDownloadButton href={csvHref} filename="errata-lookup.csv" />
          </div>
          <div className={styles.tableWrap}>
            <table className={styles.table}>
              <thead>
                <tr>
                  <th scope="col">Request id</th>
                  <th scope="col">Status</th>
                  <th scope="col">Code</th>
                  <th scope="col">Message</th>
                  <th scope="col">Key</th>
                  <th scope="col">Time (UTC)</th>
                </tr>
              </thead>
              <tbody>
                {found.map(({ request_id, records }) => {
                  const err = records.find((r) => r.code !== null) ?? records[0];
                  return (
                    <tr key={request_id}>
                      <td className={styles.mono}>
                        <Link href={`/requests/${encodeURIComponent(request_id)}`}>{request_id}</Link>
                      </td>
                      <td>
                        <StatusBadge status={err.status} />
                      </td>
                      <td className={styles.mono}>{records.map((r) => r.code ?? 'success').join(', ')}</td>
                      <td className={styles.message}>{err.message ?? ''}</td>
                      <td className={styles.mono}>{err.key_id ?? ''}</td>
                      <td className="num">{formatUtc(err.ts_ms)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </div>
  );
}
