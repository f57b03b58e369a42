'use server';

import { redirect } from 'next/navigation';
import { getStore } from '@/db';
import { requirePageUser } from '@/auth';
import { planLookupAsync } from '@/lib/lookup-tokens';

/**
 * Every lookup goes through here (a POST): the ids are found server-side and the page is reached with just them
 * (and any tokens that are not ids) in the URL, never the pasted email itself; the link stays short and shareable.
 */
export async function lookupAction(formData: FormData): Promise<void> {
  await requirePageUser('support');
  const q = formData.get('q');
  const text = typeof q === 'string' ? q : '';
  const plan = await planLookupAsync(text);
  // One token that is no request id but an Idempotency-Key: its chain.
  const token = text.trim();
  if (plan.ids.length <= 1 && /^\S{1,255}$/.test(token) && (await getStore().hasIdempotencyKey(token)) && !(await getStore().getRequests([token])).has(token)) {
    redirect(`/idempotency/${encodeURIComponent(token)}`);
  }
  if (plan.ids.length === 0 && plan.notIds.length === 0) redirect('/lookup?none=1');
  const params = new URLSearchParams();
  if (plan.ids.length) params.set('q', plan.ids.join('\n'));
  if (plan.notIds.length) params.set('nid', plan.notIds.join('\n'));
  redirect(`/lookup?${params}`);
}
