'use client';

import { useRouter } from 'next/navigation';
import { useCallback, useTransition } from 'react';
import { lookupAction } from '@/app/(dashboard)/lookup/actions';

// Longer pastes (whole email threads) would make an unwieldy URL; they go through the POST server action instead.
export const MAX_GET_CHARS = 1500;

/** Submits lookup text: a shareable GET /lookup?q=… for short text, the server action for long pastes. */
export function useLookupSubmit(): { submit: (text: string) => void; pending: boolean } {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const submit = useCallback(
    (text: string) => {
      const q = text.trim();
      if (!q) return;
      startTransition(async () => {
        if (q.length > MAX_GET_CHARS) {
          const fd = new FormData();
          fd.set('q', q);
          await lookupAction(fd);
        } else {
          router.push(`/lookup?q=${encodeURIComponent(q)}`);
        }
      });
    },
    [router],
  );
  return { submit, pending };
}
