import { z } from 'zod';
import { getMetaDb } from '@/db';
import { getRetentionDays, MAX_RETENTION_DAYS, MIN_RETENTION_DAYS } from '@/db/queries/settings';
import { jsonResponse, withApi } from '@/lib/api-error';
import { changeRetention } from '@/auth/admin';
import { readSmallBody } from '@/lib/auth/body';
import { actorOf, requireAccess } from '@/auth/guard';
import { getEnv } from '@/lib/env';
import { intField } from '@/lib/int-param';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const ADMIN = { scope: 'admin', role: 'admin' } as const;

export const GET = withApi(async (req, _ctx, requestId) => {
  await requireAccess(req, ADMIN);
  return jsonResponse({ retention_days: getRetentionDays(getMetaDb()), default_days: getEnv().ERRATA_RETENTION_DAYS }, requestId);
});

const Retention = z.object({ retention_days: intField.pipe(z.number().min(MIN_RETENTION_DAYS).max(MAX_RETENTION_DAYS)) });

// PUT {retention_days} → 200 {retention_days}. Pruning picks it up on its next run.
export const PUT = withApi(async (req, _ctx, requestId) => {
  const who = await requireAccess(req, ADMIN);
  const { retention_days } = Retention.parse((await readSmallBody(req)).data);
  const db = getMetaDb();
  changeRetention(db, actorOf(who), getRetentionDays(db), retention_days);
  return jsonResponse({ retention_days }, requestId);
});
