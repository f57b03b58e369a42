import Link from 'next/link';
import type { SupportLookup } from '@/db/types';
import { getCatalogEntry } from '@/lib/catalog';
import { combinedReply, formatUtc, insightText } from '@/components/request/details';
import { SuggestedReply } from '@/components/request/suggested-reply';
import { StatusBadge } from '@/components/ui/badge';
import { CsvDownloadButton } from '@/components/ui/csv-download';
import { formatRelative } from '@/components/ui/format';
import styles from './lookup.module.css';

const requestHref = (id: string) => `/requests/${encodeURIComponent(id)}`;

/**
 * One line per id found (what happened, and what the key's history says), one reply covering them all, then the ids
 * not found (with near misses and what the store holds) and the tokens that are not ids. In the text's order.
 */
export function LookupResults({ result, csvHref, now }: { result: SupportLookup; csvHref: string; now: number }) {
  const { found, missing, candidates, truncated, not_ids } = result;
  const reply = found.length ? combinedReply(found.map((f) => ({ record: f.main, insight: f.insight })), missing.map((m) => m.id)) : null;
  return (
    <div className={styles.results}>
      <p className={styles.summary} role="status" data-testid="lookup-summary">
        {candidates.length === 0
          ? 'No request ids were found in that text.'
          : `${candidates.length} id${candidates.length === 1 ? '' : 's'} in the text: ${found.length} found, ${missing.length} missing.`}
        {truncated ? ` Only the first ${candidates.length} ids were looked up.` : ''}
        {not_ids.length ? ` ${not_ids.length} token${not_ids.length === 1 ? ' is' : 's are'} not ${not_ids.length === 1 ? 'an id' : 'ids'}.` : ''}
      </p>

      {found.length ? (
        <section className={styles.card} aria-labelledby="found-title" data-testid="lookup-found">
          <div className={styles.cardHead}>
            <h2 id="found-title" className={styles.cardTitle}>
              Found ({found.length})
            </h2>
            <CsvDownloadButton href={csvHref} filename="errata-lookup.csv" />
          </div>
          <ol className={styles.lines}>
            {found.map(({ request_id, asked, records, main, insight }) => {
              const entry = main.code ? getCatalogEntry(main.code) : undefined;
              return (
                <li key={request_id} className={styles.line} data-testid="lookup-line">
                  <div className={styles.lineHead}>
                    <Link href={requestHref(request_id)} className={styles.mono}>
                      {request_id}
                    </Link>
                    <StatusBadge status={main.status} />
                    <span className={styles.mono}>{records.map((r) => r.code ?? 'success').join(', ')}</span>
                    <time className="num muted" dateTime={main.ts}>
                      {formatUtc(main.ts_ms)}
                    </time>
                    {main.key_id ? <span className={`${styles.mono} muted`}>key {main.key_id}</span> : null}
                    {asked ? <span className="muted">(written {asked})</span> : null}
                  </div>
                  <p className={styles.what}>
                    {main.code === null ? 'Succeeded.' : entry ? `${entry.title}: ${entry.cause}` : `Unknown code ${main.code}.`}
                    {main.message ? <span className={styles.message}> “{main.message}”</span> : null}
                  </p>
                  {insight ? (
                    <p className={styles.insight} data-testid="lookup-insight">
                      {insightText(insight)}
                    </p>
                  ) : null}
                </li>
              );
            })}
          </ol>
        </section>
      ) : null}

      {reply ? (
        <section className={styles.card} aria-labelledby="reply-title" data-testid="lookup-reply">
          <h2 id="reply-title" className={styles.cardTitle}>
            One reply to the customer
          </h2>
          <SuggestedReply key={reply} initial={reply} maxRows={30} />
        </section>
      ) : null}

      {missing.length ? (
        <section className={styles.card} aria-labelledby="missing-title" data-testid="lookup-missing">
          <h2 id="missing-title" className={styles.cardTitle}>
            Missing ({missing.length})
          </h2>
          <p className="muted" data-testid="lookup-store">
            Not stored. errata keeps {result.retention_days} day{result.retention_days === 1 ? '' : 's'} of records
            {result.newest_record_ms !== null ? (
              <>
                ; the newest stored record is from {formatUtc(result.newest_record_ms)} ({formatRelative(result.newest_record_ms, now)})
              </>
            ) : (
              '; nothing is stored yet'
            )}
            . Check for typos (ids are case-sensitive); an older request is past retention, a newer one not yet shipped by the gateway.
          </p>
          <ul className={styles.missingList}>
            {missing.map(({ id, did_you_mean }) => (
              <li key={id}>
                <span className={styles.mono}>{id}</span>
                {did_you_mean.length ? (
                  <span data-testid="did-you-mean">
                    {' '}
                    — did you mean{' '}
                    {did_you_mean.map((s, i) => (
                      <span key={s}>
                        {i ? ' or ' : ''}
                        <Link href={requestHref(s)} className={styles.mono}>
                          {s}
                        </Link>
                      </span>
                    ))}
                    ?
                  </span>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {not_ids.length ? (
        <section className={styles.card} aria-labelledby="notids-title" data-testid="lookup-not-ids">
          <h2 id="notids-title" className={styles.cardTitle}>
            Not ids ({not_ids.length})
          </h2>
          <p className="muted">
            These look meant as request ids but are not ones errata can look up: too short, or holding a character a request id never
            has. Ask the customer for the whole X-Request-Id value.
          </p>
          <ul className={styles.missingList}>
            {not_ids.map((t) => (
              <li key={t} className={styles.mono}>
                {t}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
