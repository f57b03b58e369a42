import type { Metadata } from 'next';
import { getMetaDb } from '@/db';
import { listUsers } from '@/db/queries/users';
import { requirePageUser } from '@/auth/page';
import { UsersAdmin } from '../_components/users-admin';

export const metadata: Metadata = { title: 'Admin: users' };

export default async function UsersPage() {
  const me = await requirePageUser('admin');
  return <UsersAdmin users={listUsers(getMetaDb())} me={me.email} />;
}
