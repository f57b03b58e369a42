import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { connection } from 'next/server';
import { getStore } from '@/db';
import { requirePageUser } from '@/auth';
import { LookupForm } from '@/components/lookup/lookup-form';
import { lookupAnswer } from '@/components/lookup/lookup-answer';
import { LookupResults } from '@/components/lookup/lookup-results';
import styles from '@/components/request/page.module.css';
import { lookupAction } from './actions';

export const metadata: Metadata = { title: 'Lookup · errata' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const joined = (raw: string | string[] | undefined) => (Array.isArray(raw) ? raw.join('\n') : (raw ?? '')).trim();

export default async function LookupPage({ searchParams }: { searchParams: SearchParams }) {
  await requirePageUser('support');
  await connection();
  const sp = await searchParams;
  const q = joined(sp.q);
  const notIds = joined(sp.nid).split('\n').filter(Boolean);
  const now = Date.now();
  const result = q || notIds.length ? await getStore().supportLookup(q, { now_ms: now, not_ids: notIds }) : null;
  // One id, found, nothing else to say: straight to the request, as support staff expect from a search box.
  if (result && result.found.length === 1 && result.missing.length === 0 && result.not_ids.length === 0) {
    redirect(`/requests/${encodeURIComponent(result.found[0].request_id)}`);
  }
  // One token that is no request id but an Idempotency-Key: its chain.
  if (result && result.found.length === 0 && /^\S{1,255}$/.test(q) && (await getStore().hasIdempotencyKey(q))) redirect(`/idempotency/${encodeURIComponent(q)}`);
  return (
    <div className={styles.page}>
      <header className={styles.head}>
        <h1>Look up requests</h1>
        <p className="muted">Paste one request id, many, or a whole customer email: every id in it is looked up, and one reply drafted.</p>
      </header>
      <LookupForm key={q} initial={q} action={lookupAction} />
      {result ? (
        <LookupResults answer={lookupAnswer(result)} now={now} csvHref={`/lookup/results.csv?q=${encodeURIComponent(result.candidates.join('\n'))}`} />
      ) : null}
      {!result && sp.none ? (
        <p role="status" className={styles.notFound}>
          No request ids were found in the pasted text.
        </p>
      ) : null}
    </div>
  );
}
