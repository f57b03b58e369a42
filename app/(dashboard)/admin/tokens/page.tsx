import type { Metadata } from 'next';
import { getMetaDb } from '@/db';
import { listTokens } from '@/db/queries/tokens';
import { requirePageUser } from '@/lib/auth/page';
import { TokensAdmin } from '../_components/tokens-admin';

export const metadata: Metadata = { title: 'Admin: tokens' };

export default async function TokensPage() {
  await requirePageUser('admin');
  return <TokensAdmin tokens={listTokens(getMetaDb())} />;
}
