import { z } from 'zod';
import { getMetaDb } from '@/db';
import { listAudit } from '@/db/queries/audit';
import { jsonResponse, withApi } from '@/lib/api-error';
import { requireAccess } from '@/lib/auth/guard';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const Query = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before_id: z.coerce.number().int().min(1).optional(),
  action: z.string().max(100).optional(),
});

// GET ?limit&before_id&action → newest first; pass the last id as before_id for the next page.
export const GET = withApi(async (req, _ctx, requestId) => {
  await requireAccess(req, { scope: 'admin', role: 'admin' });
  const q = Query.parse(Object.fromEntries(new URL(req.url).searchParams));
  const entries = listAudit(getMetaDb(), q);
  const last = entries.at(-1);
  return jsonResponse({ entries, next_before_id: entries.length === q.limit && last ? last.id : null }, requestId);
});
