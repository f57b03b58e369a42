import type { Metadata } from 'next';
import { getMetaDb } from '@/db';
import { getRetentionDays, MAX_RETENTION_DAYS, MIN_RETENTION_DAYS } from '@/db/queries/settings';
import { requirePageUser } from '@/auth/page';
import { getEnv } from '@/lib/env';
import { RetentionAdmin } from '../_components/retention-admin';

export const metadata: Metadata = { title: 'Admin: retention' };

export default async function RetentionPage() {
  await requirePageUser('admin');
  return <RetentionAdmin days={getRetentionDays(getMetaDb())} defaultDays={getEnv().ERRATA_RETENTION_DAYS} min={MIN_RETENTION_DAYS} max={MAX_RETENTION_DAYS} />;
}
