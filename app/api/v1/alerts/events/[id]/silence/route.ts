import { z } from 'zod';
import { getMetaDb } from '@/db';
import { silenceAlert } from '@/alerts/verbs';
import { jsonResponse, withApi } from '@/lib/api-error';
import { readSmallBody } from '@/lib/auth/body';
import { actorOf, requireAccess } from '@/auth/guard';
import { EDIT, idParam } from '../../../access';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const Body = z.object({ until_ms: z.number().int().positive().nullable() }).strict();

// POST {until_ms} silences the alert's notifications until then; {until_ms: null} lifts the silence.
export const POST = withApi<{ params: Promise<{ id: string }> }>(async (req, ctx, requestId) => {
  const who = await requireAccess(req, EDIT);
  const { until_ms } = Body.parse((await readSmallBody(req)).data);
  return jsonResponse(silenceAlert(getMetaDb(), actorOf(who), idParam((await ctx.params).id), until_ms), requestId);
});
