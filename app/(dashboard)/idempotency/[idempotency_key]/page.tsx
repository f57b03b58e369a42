import type { Metadata } from 'next';
import Link from 'next/link';
import { connection } from 'next/server';
import { getIdempotencyKeyChain } from '@/behaviour';
import { getStore } from '@/db';
import { requirePageUser } from '@/auth';
import { IdempotencyChain } from '@/components/behaviour/idempotency-chain';
import { EntityHeader } from '@/components/keys/entity-header';
import { decodeRouteParam } from '@/components/request/route-param';
import { Notice } from '@/components/ui/states';
import styles from '@/components/keys/entity.module.css';

type Params = Promise<{ idempotency_key: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  return { title: `Idempotency key ${decodeRouteParam((await params).idempotency_key)} · errata` };
}

export default async function IdempotencyKeyPage({ params }: { params: Params }) {
  await requirePageUser('support');
  await connection();
  const key = decodeRouteParam((await params).idempotency_key);
  const chain = await getIdempotencyKeyChain(getStore(), key);
  return (
    <div className={styles.page}>
      <EntityHeader eyebrow="Idempotency key" title={key}>
        {chain?.steps[0]?.key_id ? (
          <span>
            API key{' '}
            <Link href={`/keys/${encodeURIComponent(chain.steps[0].key_id)}`} className="mono">
              {chain.steps[0].key_id}
            </Link>
          </span>
        ) : null}
      </EntityHeader>
      {chain ? <IdempotencyChain chain={chain} /> : <Notice>No stored request used this Idempotency-Key. Keys are case-sensitive; older requests may be past retention.</Notice>}
    </div>
  );
}
