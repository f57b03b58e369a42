'use client';

import { useCallback, useTransition } from 'react';
import { lookupAction } from '@/app/(dashboard)/lookup/actions';

/**
 * Submits lookup text through the server action: the server extracts the ids and redirects to /lookup with only
 * those in the URL, so a customer's email never lands in a link, the history or a proxy log.
 */
export function useLookupSubmit(): { submit: (text: string) => void; pending: boolean } {
  const [pending, startTransition] = useTransition();
  const submit = useCallback((text: string) => {
    const q = text.trim();
    if (!q) return;
    startTransition(async () => {
      const fd = new FormData();
      fd.set('q', q);
      await lookupAction(fd);
    });
  }, []);
  return { submit, pending };
}
