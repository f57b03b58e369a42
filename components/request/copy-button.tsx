'use client';

import { useState } from 'react';
import styles from './request.module.css';

/** Copies `text` (or the current value of the element with `sourceId`) and says so for screen readers too. */
export function CopyButton({ text, sourceId, label = 'Copy' }: { text?: string; sourceId?: string; label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');

  async function copy() {
    const el = sourceId ? document.getElementById(sourceId) : null;
    const value = el instanceof HTMLTextAreaElement || el instanceof HTMLInputElement ? el.value : (text ?? '');
    try {
      await navigator.clipboard.writeText(value);
      setState('copied');
    } catch {
      // Clipboard API needs a secure context; fall back to selecting the text so Ctrl+C works.
      if (el instanceof HTMLTextAreaElement || el instanceof HTMLInputElement) el.select();
      setState('failed');
    }
    window.setTimeout(() => setState('idle'), 2500);
  }

  return (
    <span className={styles.copyWrap}>
      <button type="button" className={styles.button} onClick={copy}>
        {label}
      </button>
      <span role="status" className={styles.copyStatus}>
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Selected: press Ctrl+C' : ''}
      </span>
    </span>
  );
}
