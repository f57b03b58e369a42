'use client';

import { useState, type FormEvent } from 'react';
import { useFilterNavigation } from '@/components/filters/use-filter-navigation';
import { buttonClass } from '@/components/ui/button';
import styles from './errors.module.css';

/** "Jump to" a UTC time: the list then starts at the newest row at or before it (the range's end moves there). */
export function JumpToTime({ fromMs, toMs }: { fromMs: number; toMs: number }) {
  const { navigate } = useFilterNavigation();
  const [value, setValue] = useState('');
  // A text field in the app's 24-hour UTC form: a browser's datetime picker shows its own locale (12-hour, local zone).
  const example = new Date(toMs).toISOString().slice(0, 16).replace('T', ' ');
  const [invalid, setInvalid] = useState(false);
  function submit(e: FormEvent) {
    e.preventDefault();
    const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})$/.exec(value.trim());
    const at = m ? Date.parse(`${m[1]}T${m[2]}:00Z`) : NaN;
    setInvalid(!Number.isFinite(at) || at < fromMs - 60_000 || at >= toMs);
    if (!Number.isFinite(at) || at < fromMs - 60_000 || at >= toMs) return;
    navigate((q) => {
      const n = new URLSearchParams(q);
      for (const k of ['cursor', 'before', 'page']) n.delete(k);
      // A minute picked in UTC, inclusive: the exclusive end is the next minute.
      n.set('to', new Date(at + 60_000).toISOString().replace('.000Z', 'Z'));
      if (!n.get('from')) n.set('from', new Date(fromMs).toISOString().replace('.000Z', 'Z'));
      return n;
    });
  }
  return (
    <form onSubmit={submit} className={styles.jump} data-testid="jump-to-time">
      <label>
        Jump to (UTC){' '}
        <input
          type="text"
          inputMode="numeric"
          placeholder={example}
          size={16}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          aria-invalid={invalid || undefined}
          aria-describedby={invalid ? 'jump-hint' : undefined}
          required
        />
      </label>
      <button type="submit" className={buttonClass('default', 'small')}>
        Go
      </button>
      {invalid ? (
        <span id="jump-hint" role="alert">
          YYYY-MM-DD HH:MM inside this range
        </span>
      ) : null}
    </form>
  );
}
