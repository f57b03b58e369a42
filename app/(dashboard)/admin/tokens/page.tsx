import type { Metadata } from 'next';
import { getDb } from '@/db';
import { getTokenLastCalls, lastUsedMs } from '@/db/queries/ingest-health';
import { listTokens } from '@/db/queries/tokens';
import { requirePageUser } from '@/lib/auth/page';
import { TokensAdmin } from '../_components/tokens-admin';

export const metadata: Metadata = { title: 'Admin: tokens' };

export default async function TokensPage() {
  await requirePageUser('admin');
  const db = getDb();
  // "Last used" agrees with ingest health: refused calls of a revoked token count as use.
  const lastCalls = getTokenLastCalls(db);
  return <TokensAdmin tokens={listTokens(db).map((t) => ({ ...t, last_used_ms: lastUsedMs(t, lastCalls) }))} />;
}
