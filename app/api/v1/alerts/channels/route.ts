import { getMetaDb } from '@/db';
import { listAlertChannels } from '@/db/queries/alerts';
import { channelView, createChannel } from '@/alerts/verbs';
import { jsonResponse, withApi } from '@/lib/api-error';
import { readSmallBody } from '@/lib/auth/body';
import { actorOf, requireAccess } from '@/auth/guard';
import { ADMIN } from '../access';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = withApi(async (req, _ctx, requestId) => {
  await requireAccess(req, ADMIN);
  return jsonResponse({ channels: listAlertChannels(getMetaDb()).map(channelView) }, requestId);
});

// POST {type: webhook|slack|email, name, config, allow_private} → 201; checked (SSRF, SMTP) before anything is stored.
export const POST = withApi(async (req, _ctx, requestId) => {
  const who = await requireAccess(req, ADMIN);
  const ch = await createChannel(getMetaDb(), actorOf(who), (await readSmallBody(req)).data);
  return jsonResponse(ch, requestId, { status: 201 });
});
