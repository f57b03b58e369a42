import Link from 'next/link';
import { formatUtc } from '@/components/request/details';
import { SuggestedReply } from '@/components/request/suggested-reply';
import { StatusBadge } from '@/components/ui/badge';
import { CsvDownloadButton } from '@/components/ui/csv-download';
import { formatRelative } from '@/components/ui/format';
import { storeNote, type LookupAnswer } from './lookup-answer';
import styles from './lookup.module.css';

const requestHref = (id: string) => `/requests/${encodeURIComponent(id)}`;

/**
 * One line per id found (what happened, and what the key's history says), one reply covering them all, then the ids
 * not found (with near misses and what the store holds) and the tokens that are not ids. In the text's order.
 */
export function LookupResults({ answer, csvHref, now }: { answer: LookupAnswer; csvHref: string; now: number }) {
  const { found, missing, not_ids, reply, store } = answer;
  return (
    <div className={styles.results}>
      <p className={styles.summary} role="status" data-testid="lookup-summary">
        {answer.summary}
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
            {found.map((f) => (
              <li key={f.request_id} className={styles.line} data-testid="lookup-line">
                <div className={styles.lineHead}>
                  <Link href={requestHref(f.request_id)} className={styles.mono}>
                    {f.request_id}
                  </Link>
                  <StatusBadge status={f.status} />
                  <span className={styles.mono}>{f.records.map((r) => r.code ?? 'success').join(', ')}</span>
                  <time className="num muted" dateTime={f.ts}>
                    {formatUtc(f.ts_ms)}
                  </time>
                  {f.key_id ? <span className={`${styles.mono} muted`}>key {f.key_id}</span> : null}
                  {f.asked ? <span className="muted">(written {f.asked})</span> : null}
                </div>
                <p className={styles.what}>
                  {f.line}
                  {f.message ? <span className={styles.message}> “{f.message}”</span> : null}
                </p>
                {f.insight_text ? (
                  <p className={styles.insight} data-testid="lookup-insight">
                    {f.insight_text}
                  </p>
                ) : null}
              </li>
            ))}
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
            {storeNote(
              store.retention_days,
              store.newest_record_ms === null ? null : `${formatUtc(store.newest_record_ms)} (${formatRelative(store.newest_record_ms, now)})`,
            )}
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
