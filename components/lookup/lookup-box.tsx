'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import styles from './lookup-box.module.css';

// Longer pastes (whole email threads) would make an unwieldy URL; they go through a POST form instead.
const MAX_GET_CHARS = 1500;
const MAX_ROWS = 8;

function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable;
}

/** Header search: one request id, many, or a whole pasted email. `/` focuses it; Enter submits, Shift+Enter adds a line. */
export function LookupBox() {
  const router = useRouter();
  const inputId = useId();
  const hintId = useId();
  const ref = useRef<HTMLTextAreaElement>(null);
  const postRef = useRef<HTMLFormElement>(null);
  const postInputRef = useRef<HTMLInputElement>(null);
  const [text, setText] = useState('');
  const [rows, setRows] = useState(1);

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

  function onChange(value: string) {
    setText(value);
    setRows(Math.min(MAX_ROWS, Math.max(1, value.split('\n').length)));
  }

  function submit() {
    const q = text.trim();
    if (!q) return;
    if (q.length > MAX_GET_CHARS && postRef.current && postInputRef.current) {
      postInputRef.current.value = q;
      postRef.current.submit();
      return;
    }
    router.push(`/lookup?q=${encodeURIComponent(q)}`);
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    submit();
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      submit();
    } else if (e.key === 'Escape') {
      ref.current?.blur();
    }
  }

  return (
    <>
      <form role="search" className={styles.form} action="/lookup" method="get" onSubmit={onSubmit}>
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
          onChange={(e) => onChange(e.target.value)}
          onKeyDown={onKeyDown}
          placeholder="Request id, or paste an email…"
          aria-describedby={hintId}
          autoComplete="off"
          spellCheck={false}
        />
        <span id={hintId} className={styles.hint}>
          <kbd>/</kbd> to focus · Enter to look up
        </span>
        <button type="submit" className={styles.button}>
          Look up
        </button>
      </form>
      <form ref={postRef} action="/lookup/submit" method="post" hidden aria-hidden="true">
        <input ref={postInputRef} type="hidden" name="q" />
      </form>
    </>
  );
}
