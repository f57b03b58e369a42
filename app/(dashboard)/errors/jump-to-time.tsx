'use client';

import { useState, type FormEvent } from 'react';
import { useFilterNavigation } from '@/components/filters/use-filter-navigation';
import { buttonClass } from '@/components/ui/button';
import styles from './errors.module.css';

/** "Jump to" a UTC time: the list then starts at the newest row at or before it (the range's end moves there). */
export function JumpToTime({ fromMs, toMs }: { fromMs: number; toMs: number }) {
  const { navigate } = useFilterNavigation();
  const [value, setValue] = useState('');
  const min = new Date(fromMs).toISOString().slice(0, 16);
  const max = new Date(toMs).toISOString().slice(0, 16);
  function submit(e: FormEvent) {
    e.preventDefault();
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return;
    navigate((q) => {
      const n = new URLSearchParams(q);
      for (const k of ['cursor', 'before', 'page']) n.delete(k);
      // A minute picked in UTC, inclusive: the exclusive end is the next minute.
      n.set('to', new Date(Date.parse(`${value}:00Z`) + 60_000).toISOString().replace('.000Z', 'Z'));
      if (!n.get('from')) n.set('from', new Date(fromMs).toISOString().replace('.000Z', 'Z'));
      return n;
    });
  }
  return (
    <form onSubmit={submit} className={styles.jump} data-testid="jump-to-time">
      <label>
        Jump to (UTC){' '}
        <input type="datetime-local" value={value} min={min} max={max} step={60} onChange={(e) => setValue(e.target.value)} required />
      </label>
      <button type="submit" className={buttonClass('default', 'small')}>
        Go
      </button>
    </form>
  );
}
