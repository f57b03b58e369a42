'use client';

import { useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useLookupSubmit, type LookupAction } from './use-lookup-submit';
import styles from './lookup.module.css';

/** The lookup page's own paste area: roomy, Ctrl/⌘+Enter submits (Enter adds lines, as in an email). */
export function LookupForm({ action, initial = '' }: { action: LookupAction; initial?: string }) {
  const id = useId();
  const hint = useId();
  const [text, setText] = useState(initial);
  const { submit, pending } = useLookupSubmit(action);

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    submit(text);
  }
  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      submit(text);
    }
  }
  return (
    <form className={styles.form} action={action} onSubmit={onSubmit}>
      <label htmlFor={id} className={styles.label}>
        Request ids, or a whole email or ticket
      </label>
      <textarea
        id={id}
        name="q"
        className={styles.textarea}
        rows={Math.min(16, Math.max(4, text.split('\n').length + 1))}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        aria-describedby={hint}
        spellCheck={false}
      />
      <div className={styles.formRow}>
        <button type="submit" className={styles.primary} disabled={pending}>
          {pending ? 'Looking up…' : 'Look up'}
        </button>
        <span id={hint} className="muted">
          Every request id in the text is found. <kbd>Ctrl</kbd>+<kbd>Enter</kbd> submits.
        </span>
      </div>
    </form>
  );
}
