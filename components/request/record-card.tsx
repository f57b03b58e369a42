import Link from 'next/link';
import { getCatalogEntry, KIND_LABELS, kindOf } from '@/lib/catalog';
import type { RequestRecord } from '@/lib/api-types';
import type { KeyInsight } from '@/lib/key-insight';
import { fixFor, formatNumber, formatUtc, insightText, interpretDetails, suggestedReply } from './details';
import type { DrillLinks } from './links';
import { RecordFlags } from './record-flags';
import { RetryAfter } from './retry-after';
import { StatusBadge } from '@/components/ui/badge';
import { formatRelative } from '@/components/ui/format';
import { SuggestedReply } from './suggested-reply';
import { UsageBar } from './usage-bar';
import styles from './request.module.css';


function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className={styles.fact}>
      <dt>{label}</dt>
      <dd>{children ?? <span className="muted">—</span>}</dd>
    </div>
  );
}

/** One stored record of a request: what happened, what it means, what to tell the customer. All ingested strings render as text. */
export function RecordCard({
  record,
  index = 0,
  now,
  links,
  headingLevel = 2,
  insight = null,
  clientAction = null,
}: {
  record: RequestRecord;
  /** What the key's history says about this error (lib/key-insight.ts). */
  insight?: KeyInsight | null;
  index?: number;
  now: number;
  links: DrillLinks;
  headingLevel?: 2 | 3;
  /** What the client did around this request (its retries, repeats, idempotency chain), in words for the customer. */
  clientAction?: string | null;
}) {
  const code = record.code ?? '';
  const entry = getCatalogEntry(code);
  const meaning = interpretDetails(record);
  const kind = kindOf(code);
  const fix = fixFor(entry, meaning);
  const H = headingLevel === 2 ? 'h2' : 'h3';
  const endpoint = record.route ?? record.path;
  return (
    <article className={styles.card} aria-labelledby={`record-${index}`} data-testid="request-record">
      <header className={styles.cardHead}>
        <StatusBadge status={record.status} />
        <H id={`record-${index}`} className={styles.code}>
          {code === '' ? (
            'Success'
          ) : (
            <Link href={links.code(code)} className={styles.codeLink}>
              {code}
            </Link>
          )}
        </H>
        {entry ? <span className={styles.kind}>{entry.title}</span> : null}
        {kind && KIND_LABELS[kind] !== entry?.title ? <span className={styles.kind}>{KIND_LABELS[kind]}</span> : null}
      </header>

      <RecordFlags code={code} status={record.status} unknownCode={record.unknown_code} statusMismatch={record.status_mismatch} />

      {record.message ? (
        <p className={styles.message}>
          <span className="sr-only">Message: </span>
          {record.message}
        </p>
      ) : null}

      {insight ? (
        <p className={styles.insight} data-testid="key-insight">
          <span className={styles.insightLabel}>What errata knows</span> {insightText(insight)}
        </p>
      ) : null}

      <dl className={styles.facts}>
        <Fact label="Time">
          <time dateTime={new Date(record.ts_ms).toISOString()}>{formatUtc(record.ts_ms, true)}</time>{' '}
          <span className="muted">({formatRelative(record.ts_ms, now)})</span>
        </Fact>
        <Fact label="Status">{record.status}</Fact>
        <Fact label="Endpoint">
          {endpoint ? (
            <span className={styles.mono}>
              {record.method ? `${record.method} ` : ''}
              {endpoint}
            </span>
          ) : null}
        </Fact>
        {record.path && record.path !== record.route ? (
          <Fact label="Path">
            <span className={styles.mono}>{record.path}</span>
          </Fact>
        ) : null}
        <Fact label="Latency">{record.latency_ms !== null ? `${formatNumber(record.latency_ms)} ms` : null}</Fact>
        <Fact label="Key">
          {record.key_id ? (
            <Link href={links.key(record.key_id)} className={styles.mono}>
              {record.key_id}
            </Link>
          ) : null}
        </Fact>
        <Fact label="Account">{record.account_id ? <span className={styles.mono}>{record.account_id}</span> : null}</Fact>
        <Fact label="Tier">{record.tier}</Fact>
        {record.idempotency_key ? (
          <Fact label="Idempotency key">
            <Link href={`/idempotency/${encodeURIComponent(record.idempotency_key)}`} className={styles.mono} data-testid="idempotency-link">
              {record.idempotency_key}
            </Link>
            {record.idempotent_replayed ? <span className="muted"> (replayed from cache)</span> : null}
          </Fact>
        ) : null}
        {record.request_fingerprint ? (
          <Fact label="Body fingerprint">
            <span className={styles.mono}>{record.request_fingerprint}</span>
          </Fact>
        ) : null}
        {record.user_agent ? (
          <Fact label="User agent">
            <span className={styles.mono}>{record.user_agent}</span>
          </Fact>
        ) : null}
      </dl>

      {clientAction ? (
        <section className={styles.section} aria-label="What the client did" data-testid="client-action">
          <h3 className={styles.sectionTitle}>What the client did</h3>
          <p>{clientAction}</p>
        </section>
      ) : null}

      {code !== '' ? (
        <section className={styles.section} aria-label="What the details mean">
          <h3 className={styles.sectionTitle}>Details</h3>
          <DetailsMeaningView record={record} meaning={meaning} />
        </section>
      ) : null}

      {code !== '' ? (
        <section className={styles.section} aria-label="Cause and fix">
          <h3 className={styles.sectionTitle}>Cause and fix</h3>
          {entry ? (
            <dl className={styles.causeFix}>
              <div>
                <dt>Cause</dt>
                <dd>
                  {entry.cause}
                  {meaning.capacity?.known ? (
                    <>
                      {' '}
                      This time: <strong>{meaning.capacity.label.toLowerCase()}</strong>.
                    </>
                  ) : null}
                </dd>
              </div>
              <div>
                <dt>Fix</dt>
                <dd data-testid="fix">{fix}</dd>
              </div>
            </dl>
          ) : (
            <p className="muted">This code is not in the error reference, so there is no catalog cause or fix. Read the message above.</p>
          )}
        </section>
      ) : null}

      <section className={styles.section} aria-label="Suggested reply">
        <h3 className={styles.sectionTitle}>Suggested reply to the customer</h3>
        <SuggestedReply key={`${record.request_id}|${code}`} initial={suggestedReply(record, meaning, insight, clientAction)} />
      </section>
    </article>
  );
}

function DetailsMeaningView({ record, meaning }: { record: RequestRecord; meaning: ReturnType<typeof interpretDetails> }) {
  const empty =
    !meaning.capacity && !meaning.field && meaning.retryAfterSec === null && !meaning.usage && meaning.limitOnly === null && meaning.other.length === 0;
  if (empty) return <p className="muted">No details were sent with this error.</p>;
  return (
    <ul className={styles.meaning}>
      {meaning.capacity ? (
        <li data-testid="capacity-reason">
          <span className={styles.meaningLabel}>Which limit</span>
          <span className={meaning.capacity.known ? styles.reasonBadge : styles.reasonBadgeWarn}>{meaning.capacity.label}</span>
          {meaning.capacity.reason ? <code className={styles.reasonCode}>{meaning.capacity.reason}</code> : null}
          {meaning.capacity.known === 'platform_queue' ? <span className="muted"> Not caused by the customer.</span> : null}
        </li>
      ) : null}
      {meaning.field ? (
        <li data-testid="field">
          <span className={styles.meaningLabel}>Field that failed</span>
          <code>{meaning.field}</code>
        </li>
      ) : null}
      {meaning.usage ? (
        <li data-testid="usage">
          <span className={styles.meaningLabel}>Used / limit</span>
          <UsageBar usage={meaning.usage} />
        </li>
      ) : null}
      {meaning.limitOnly !== null ? (
        <li>
          <span className={styles.meaningLabel}>Limit</span>
          <span className="num">{formatNumber(meaning.limitOnly)}</span>
          {record.code === 'rate_limited' ? <span className="muted"> requests per minute</span> : null}
        </li>
      ) : null}
      {meaning.retryAfterSec !== null ? (
        <li data-testid="retry-after">
          <span className={styles.meaningLabel}>Retry after</span>
          <RetryAfter tsMs={record.ts_ms} seconds={meaning.retryAfterSec} />
        </li>
      ) : null}
      {meaning.other.map(([k, v]) => (
        <li key={k}>
          <span className={styles.meaningLabel}>
            <code>{k}</code>
          </span>
          <span className={styles.mono}>{v}</span>
        </li>
      ))}
    </ul>
  );
}
