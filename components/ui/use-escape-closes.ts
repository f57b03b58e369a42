'use client';

import { useEffect, type RefObject } from 'react';

/** Escape closes an open <details> panel (the columns chooser, the custom range) and returns focus to its summary. */
export function useEscapeCloses(ref: RefObject<HTMLDetailsElement | null>): void {
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    function onKeyDown(e: KeyboardEvent) {
      if (e.key !== 'Escape' || !el?.open || e.defaultPrevented) return;
      e.preventDefault();
      el.open = false;
      el.querySelector('summary')?.focus();
    }
    // On the document: focus may sit on the summary, inside the panel, or nowhere after a click.
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [ref]);
}
