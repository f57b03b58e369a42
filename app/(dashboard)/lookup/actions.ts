'use server';

import { redirect } from 'next/navigation';
import { getDb } from '@/db';
import { hasIdempotencyKey } from '@/db/queries/behaviour';
import { lookupRequestIds } from '@/db/queries/requests';
import { requirePageUser } from '@/lib/auth';

/**
 * The POST path of the lookup, for pastes too long for a URL (a whole email thread): finds the ids server-side and
 * redirects to the request page (one id, found) or to /lookup with just the ids, which is short and shareable.
 */
export async function lookupAction(formData: FormData): Promise<void> {
  await requirePageUser('support');
  const q = formData.get('q');
  const text = typeof q === 'string' ? q : '';
  const result = lookupRequestIds(getDb(), text);
  if (result.found.length === 1 && result.missing.length === 0) {
    redirect(`/requests/${encodeURIComponent(result.found[0].request_id)}`);
  }
  // One token that is no request id but an Idempotency-Key: its chain.
  const token = text.trim();
  if (result.found.length === 0 && /^\S{1,255}$/.test(token) && hasIdempotencyKey(getDb(), token)) redirect(`/idempotency/${encodeURIComponent(token)}`);
  if (result.candidates.length === 0) redirect('/lookup?none=1');
  redirect(`/lookup?q=${encodeURIComponent(result.candidates.join('\n'))}`);
}
