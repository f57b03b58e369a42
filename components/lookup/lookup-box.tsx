'use client';

import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useLookupSubmit, type LookupAction } from './use-lookup-submit';
import styles from './lookup-box.module.css';

const MAX_ROWS = 8;

function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable;
}

/** Header search: one request id, many, or a whole pasted email. `/` focuses it; Enter submits, Shift+Enter adds a line. */
export function LookupBox({ action }: { action: LookupAction }) {
  const inputId = useId();
  const hintId = useId();
  const ref = useRef<HTMLTextAreaElement>(null);
  const [text, setText] = useState('');
  const { submit, pending } = useLookupSubmit(action);
  const rows = Math.min(MAX_ROWS, Math.max(1, text.split('\n').length));

  useEffect(() => {
    function onKeyDown(e: globalThis.KeyboardEvent) {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(e.target)) return;
      e.preventDefault();
      ref.current?.focus();
      ref.current?.select();
    }
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  // The header box empties after a lookup: the lookup page keeps the text, and a pasted email should not hold the header open.
  function go() {
    if (!text.trim()) return;
    submit(text);
    setText('');
    ref.current?.blur();
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    go();
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      go();
    } else if (e.key === 'Escape') {
      ref.current?.blur();
    }
  }

  return (
    <form role="search" aria-label="Request lookup" className={styles.form} action={action} onSubmit={onSubmit}>
      <label htmlFor={inputId} className={styles.srOnly}>
        Look up request ids
      </label>
      <textarea
        ref={ref}
        id={inputId}
        name="q"
        className={styles.input}
        rows={rows}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        placeholder="Request id or email…"
        aria-describedby={hintId}
        aria-keyshortcuts="/"
        autoComplete="off"
        spellCheck={false}
        data-testid="lookup-box"
      />
      <span id={hintId} className={styles.hint}>
        <kbd>/</kbd> to focus
      </span>
      <button type="submit" className={styles.button} disabled={pending}>
        {pending ? 'Looking…' : 'Look up'}
      </button>
    </form>
  );
}
