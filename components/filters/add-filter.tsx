'use client';

import { useState, type FormEvent } from 'react';
import { buttonClass } from '@/components/ui/button';
import { FILTER_LABELS, PAGE_PARAMS } from './url-params';
import { useFilterNavigation } from './use-filter-navigation';
import styles from './filters.module.css';

/** Adds one filter value (repeatable params OR together; different params AND). */
export function AddFilter() {
  const { navigate } = useFilterNavigation();
  const [field, setField] = useState('code');
  const [value, setValue] = useState('');

  function submit(e: FormEvent) {
    e.preventDefault();
    const v = value.trim();
    if (!v) return;
    navigate((q) => {
      const next = new URLSearchParams(q);
      for (const p of PAGE_PARAMS) next.delete(p);
      if (!next.getAll(field).includes(v)) next.append(field, v);
      return next;
    });
    setValue('');
  }

  return (
    <form className={styles.addForm} onSubmit={submit} aria-label="Add a filter">
      <label className="sr-only" htmlFor="add-filter-field">
        Filter field
      </label>
      <select id="add-filter-field" value={field} onChange={(e) => setField(e.target.value)}>
        {Object.entries(FILTER_LABELS).map(([k, label]) => (
          <option key={k} value={k}>
            {label}
          </option>
        ))}
      </select>
      <label className="sr-only" htmlFor="add-filter-value">
        Filter value
      </label>
      <input
        id="add-filter-value"
        type="text"
        value={value}
        onChange={(e) => setValue(e.target.value)}
        placeholder={field === 'status' ? '503 or 5xx' : field === 'route' ? '/v1/…' : 'value'}
        autoComplete="off"
        spellCheck={false}
      />
      <button type="submit" className={buttonClass('default', 'small')}>
        Add filter
      </button>
    </form>
  );
}
