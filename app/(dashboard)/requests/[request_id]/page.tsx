import type { Metadata } from 'next';
import Link from 'next/link';
import { connection } from 'next/server';
import { describeClientAction } from '@/behaviour';
import { getStore } from '@/db';
import { hasRole, requirePageUser } from '@/auth';
import { drillLinks } from '@/components/request/links';
import { decodeRouteParam } from '@/components/request/route-param';
import { CopyButton } from '@/components/request/copy-button';
import { KeyTimeline } from '@/components/request/key-timeline';
import { RecordCard } from '@/components/request/record-card';
import styles from '@/components/request/page.module.css';

type Params = Promise<{ request_id: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const request_id = decodeRouteParam((await params).request_id);
  return { title: `Request ${request_id} · errata` };
}

export default async function RequestPage({ params }: { params: Params }) {
  const user = await requirePageUser('support');
  const links = drillLinks(hasRole(user.role, 'engineer'));
  await connection();
  const request_id = decodeRouteParam((await params).request_id);
  const detail = await getStore().getRequest(request_id);

  if (!detail) {
    return (
      <div className={styles.page}>
        <header className={styles.head}>
          <h1>Request not found</h1>
        </header>
        <div className={styles.notFound} role="status">
          <p>
            No request with the id <code className={styles.id}>{request_id}</code> is stored.
          </p>
          <p className="muted">
            Check it for typos (ids are case-sensitive), or it may be older than the retention period or not yet shipped by the
            gateway. You can paste a whole email into the <Link href="/lookup">lookup</Link> to find every id in it.
          </p>
        </div>
      </div>
    );
  }

  const now = Date.now();
  const store = getStore();
  const [insights, clientActions] = await Promise.all([
    Promise.all(detail.records.map((r) => store.keyInsight(r, now))),
    Promise.all(detail.records.map((r) => describeClientAction(store, r, now))),
  ]);
  const anchor = detail.records.find((r) => r.key_id !== null) ?? detail.records[0];
  return (
    <div className={styles.page}>
      <header className={styles.head}>
        <p className={styles.eyebrow}>Request</p>
        <div className={styles.titleRow}>
          <h1 className={styles.id}>{detail.request_id}</h1>
          <CopyButton text={detail.request_id} label="Copy id" />
        </div>
        {detail.records.length > 1 ? (
          <p className="muted">This request id has {detail.records.length} stored records (one per code).</p>
        ) : null}
      </header>
      <div className={styles.grid}>
        <div className={styles.main}>
          {detail.records.map((r, i) => (
            <RecordCard key={r.code ?? ''} record={r} index={i} now={now} links={links} insight={insights[i]} clientAction={clientActions[i]} />
          ))}
        </div>
        <aside className={styles.side} aria-labelledby="around-title">
          <section className={styles.panel}>
            <h2 id="around-title" className={styles.panelTitle}>
              Same key, minutes around it
            </h2>
            {detail.around ? (
              <KeyTimeline around={detail.around} requestId={detail.request_id} anchorMs={anchor.ts_ms} links={links} />
            ) : (
              <p className="muted">This request carries no key id, so there is no key activity to show.</p>
            )}
          </section>
        </aside>
      </div>
    </div>
  );
}
