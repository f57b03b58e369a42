import type { Metadata } from 'next';
import { getMetaDb, getStore } from '@/db';
import { lastUsedMs } from '@/lib/last-used';
import { listTokens } from '@/db/queries/tokens';
import { requirePageUser } from '@/auth/page';
import { TokensAdmin } from '../_components/tokens-admin';

export const metadata: Metadata = { title: 'Admin: tokens' };

export default async function TokensPage() {
  await requirePageUser('admin');
  // "Last used" agrees with ingest health: refused calls of a revoked token count as use.
  const lastCalls = await getStore().tokenLastCalls();
  return <TokensAdmin tokens={listTokens(getMetaDb()).map((t) => ({ ...t, last_used_ms: lastUsedMs(t, lastCalls) }))} />;
}
