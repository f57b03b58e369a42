import Link from 'next/link';
import type { AroundKey } from '@/lib/api-types';
import { formatUtc } from './details';
import type { DrillLinks } from './links';
import { StatusBadge } from '@/components/ui/badge';
import styles from './timeline.module.css';

/** Time from this request to another: `+42 s`, `−3 min 5 s`, `−15 h 30 min` (past an hour, seconds are noise). */
export function offset(ms: number): string {
  if (ms === 0) return '0 s';
  const sign = ms < 0 ? '−' : '+';
  const s = Math.round(Math.abs(ms) / 1000);
  const m = Math.floor(s / 60);
  if (m >= 60) return `${sign}${Math.floor(m / 60)} h ${m % 60} min`;
  return m ? `${sign}${m} min ${s % 60} s` : `${sign}${s} s`;
}

function dotClass(status: number): string {
  return status >= 500 ? styles.d5xx : status >= 400 ? styles.d4xx : styles.d2xx;
}

/** What the same key did in the minutes around this request: a strip of dots, code counts, and the list behind them. */
export function KeyTimeline({ around, requestId, anchorMs, links }: { around: AroundKey; requestId: string; anchorMs: number; links: DrillLinks }) {
  const span = around.to_ms - around.from_ms;
  const errors = around.counts_by_code.filter((c) => c.code !== null).reduce((n, c) => n + c.count, 0);
  const minutes = Math.round(span / 2 / 60_000 * 10) / 10;
  return (
    <div className={styles.wrap}>
      <p className={styles.summary}>
        Key{' '}
        <Link href={links.key(around.key_id)} className={styles.mono}>
          {around.key_id}
        </Link>{' '}
        made <strong>{around.total}</strong> request{around.total === 1 ? '' : 's'} within {minutes} minutes either side
        {around.total ? (
          <>
            , <strong>{errors}</strong> of them errors
          </>
        ) : null}
        .
      </p>

      <div className={styles.strip} aria-hidden="true">
        <div className={styles.axis} />
        <div className={styles.anchor} style={{ left: `${((anchorMs - around.from_ms) / span) * 100}%` }} />
        {around.timeline.map((r) => (
          <span
            key={`${r.request_id}|${r.code ?? ''}`}
            className={`${styles.dot} ${dotClass(r.status)} ${r.request_id === requestId ? styles.self : ''}`}
            style={{ left: `${Math.min(100, Math.max(0, ((r.ts_ms - around.from_ms) / span) * 100))}%` }}
          />
        ))}
        <span className={styles.tickStart}>−{minutes} min</span>
        <span className={styles.tickEnd}>+{minutes} min</span>
      </div>

      {around.counts_by_code.length ? (
        <ul className={styles.counts} aria-label="Requests of this key in the window, by code">
          {around.counts_by_code.map((c) => (
            <li key={c.code ?? ''} className={c.code === null ? styles.countOk : styles.countErr}>
              {c.code ?? 'success'} <span className="num">×{c.count}</span>
            </li>
          ))}
        </ul>
      ) : null}

      <nav className={styles.prevNext} aria-label="Previous and next request of this key">
        {around.previous ? (
          <Link href={`/requests/${encodeURIComponent(around.previous.request_id)}`}>
            ← Previous: {around.previous.code ?? 'success'} ({offset(around.previous.ts_ms - anchorMs)})
          </Link>
        ) : (
          <span className="muted">No earlier request from this key</span>
        )}
        {around.next ? (
          <Link href={`/requests/${encodeURIComponent(around.next.request_id)}`}>
            Next: {around.next.code ?? 'success'} ({offset(around.next.ts_ms - anchorMs)}) →
          </Link>
        ) : (
          <span className="muted">No later request from this key</span>
        )}
      </nav>

      <Link className={styles.explorer} href={`/errors?${new URLSearchParams({ key: around.key_id, from: String(around.from_ms), to: String(around.to_ms) })}`}>
        These {minutes * 2} minutes of this key in the errors explorer →
      </Link>

      {around.timeline.length ? (
        <details className={styles.details}>
          <summary>
            {around.timeline_truncated
              ? `The first ${around.timeline.length} of the ${around.total} requests in this window`
              : `The ${around.timeline.length} request${around.timeline.length === 1 ? '' : 's'} in this window`}
          </summary>
          <div className={styles.tableWrap}>
            <table className={styles.table}>
              <caption className="sr-only">Requests of key {around.key_id} around this request</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Status</th>
                  <th scope="col">Code</th>
                  <th scope="col">Endpoint</th>
                  <th scope="col">Request id</th>
                </tr>
              </thead>
              <tbody>
                {around.timeline.map((r) => (
                  <tr key={`${r.request_id}|${r.code ?? ''}`} aria-current={r.request_id === requestId ? 'true' : undefined}>
                    <td className="num" title={formatUtc(r.ts_ms, true)}>
                      {offset(r.ts_ms - anchorMs)}
                    </td>
                    <td>
                      <StatusBadge status={r.status} />
                    </td>
                    <td className={styles.mono}>{r.code ?? 'success'}</td>
                    <td className={styles.mono}>
                      {r.method ? `${r.method} ` : ''}
                      {r.route ?? r.path ?? ''}
                    </td>
                    <td className={styles.mono}>
                      {r.request_id === requestId ? (
                        <span>{r.request_id} (this one)</span>
                      ) : (
                        <Link href={`/requests/${encodeURIComponent(r.request_id)}`}>{r.request_id}</Link>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      ) : null}
    </div>
  );
}
