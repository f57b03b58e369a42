'use client';

import { useCallback, useTransition } from 'react';

/** The lookup server action (app/(dashboard)/lookup/actions.ts), handed down by the page or layout that renders the form. */
export type LookupAction = (formData: FormData) => Promise<void>;

/**
 * Submits lookup text through the server action: the server extracts the ids and redirects to /lookup with only
 * those in the URL, so a customer's email never lands in a link, the history or a proxy log.
 */
export function useLookupSubmit(lookupAction: LookupAction): { submit: (text: string) => void; pending: boolean } {
  const [pending, startTransition] = useTransition();
  const submit = useCallback((text: string) => {
    const q = text.trim();
    if (!q) return;
    startTransition(async () => {
      const fd = new FormData();
      fd.set('q', q);
      await lookupAction(fd);
    });
  }, [lookupAction]);
  return { submit, pending };
}
