'use server';

import { redirect } from 'next/navigation';
import { getStore } from '@/db';
import { requirePageUser } from '@/lib/auth';

/**
 * The POST path of the lookup, for pastes too long for a URL (a whole email thread): finds the ids server-side and
 * redirects to the request page (one id, found) or to /lookup with just the ids, which is short and shareable.
 */
export async function lookupAction(formData: FormData): Promise<void> {
  await requirePageUser('support');
  const q = formData.get('q');
  const text = typeof q === 'string' ? q : '';
  const result = await getStore().lookup(text);
  if (result.found.length === 1 && result.missing.length === 0) {
    redirect(`/requests/${encodeURIComponent(result.found[0].request_id)}`);
  }
  if (result.candidates.length === 0) redirect('/lookup?none=1');
  redirect(`/lookup?q=${encodeURIComponent(result.candidates.join('\n'))}`);
}
