'use client';

import { useEffect, useId, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { buttonClass } from '@/components/ui/button';
import { formatInt } from '@/components/ui/format';
import { useFilterValues } from '@/components/queries/use-stats';
import { isErrorField, VALUE_FIELDS, type ValueField } from '@/lib/filter-values';
import { FILTER_PARAMS } from '@/lib/param-names';
import { FILTER_LABELS, PAGE_PARAMS } from './url-params';
import { useFilterNavigation } from './use-filter-navigation';
import styles from './filters.module.css';

const isValueField = (f: string): f is ValueField => (VALUE_FIELDS as readonly string[]).includes(f);

/** The typed text settles for this long before the values are asked for. */
const DEBOUNCE_MS = 150;

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/**
 * Adds one filter value (repeatable params OR together; different params AND). The value box is a combobox (ARIA 1.2
 * list autocomplete): known values with their counts over the page's range are offered as you type, and a value
 * neither errata nor the data knows is flagged before it silently filters everything out.
 */
export function AddFilter() {
  const { navigate, searchParams } = useFilterNavigation();
  const [field, setField] = useState('code');
  const [value, setValue] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const inputRef = useRef<HTMLInputElement>(null);
  const id = useId();
  const listId = `${id}-values`;
  const hintId = `${id}-hint`;

  const typed = useDebounced(value.trim(), DEBOUNCE_MS);
  const query = useMemo(() => {
    const q = new URLSearchParams();
    // The page's filters (not its view options: `by`, `cols` … are no filters) set the range and the other facets.
    for (const [k, v] of searchParams) if (FILTER_PARAMS.includes(k) && k !== field) q.append(k, v);
    q.set('field', field);
    if (typed) q.set('q', typed);
    return q.toString();
  }, [searchParams, field, typed]);
  const { data, isError } = useFilterValues(query, isValueField(field) && (open || typed !== ''));
  const current = data && data.field === field ? data : undefined;
  const options = open && current ? current.values : [];
  const t = value.trim();
  // A value still being typed (an offered value starts with it) is not flagged; a case slip ("PRO") is.
  const flag = current?.typed && current.typed.value === t && current.typed.unknown && !current.values.some((v) => v.value.startsWith(t)) ? current.typed : null;
  const errorField = isValueField(field) && isErrorField(field);

  function add(v: string) {
    const val = v.trim();
    if (!val) return;
    navigate((q) => {
      const next = new URLSearchParams(q);
      for (const p of PAGE_PARAMS) next.delete(p);
      if (!next.getAll(field).includes(val)) next.append(field, val);
      return next;
    });
    setValue('');
    setOpen(false);
    setActive(-1);
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    add(active >= 0 && options[active] ? options[active].value : value);
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    const n = options.length;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!open) {
        setOpen(true);
        return;
      }
      if (!n) return;
      const down = e.key === 'ArrowDown';
      setActive((a) => (a < 0 ? (down ? 0 : n - 1) : (a + (down ? 1 : -1) + n) % n));
    } else if (e.key === 'Escape') {
      if (open) {
        e.preventDefault();
        setOpen(false);
        setActive(-1);
      } else if (value) {
        e.preventDefault();
        setValue('');
      }
    } else if (e.key === 'Home' && open && n) {
      e.preventDefault();
      setActive(0);
    } else if (e.key === 'End' && open && n) {
      e.preventDefault();
      setActive(n - 1);
    } else if (e.key === 'Tab') {
      setOpen(false);
    }
  }

  const countText = (count: number, errors: number, known: boolean) => {
    if (count === 0) return known ? 'none in range' : '0';
    if (errorField) return `${formatInt(count)} failed`;
    return errors ? `${formatInt(count)} · ${formatInt(errors)} failed` : formatInt(count);
  };

  return (
    <form className={styles.addForm} onSubmit={submit} aria-label="Add a filter">
      <label className="sr-only" htmlFor="add-filter-field">
        Filter field
      </label>
      <select
        id="add-filter-field"
        value={field}
        onChange={(e) => {
          setField(e.target.value);
          setActive(-1);
        }}
      >
        {Object.entries(FILTER_LABELS).map(([k, label]) => (
          <option key={k} value={k}>
            {label}
          </option>
        ))}
      </select>
      <div className={styles.combo}>
        <label className="sr-only" htmlFor="add-filter-value">
          Filter value
        </label>
        <input
          ref={inputRef}
          id="add-filter-value"
          type="text"
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={open && options.length > 0}
          aria-controls={listId}
          aria-activedescendant={open && active >= 0 && options[active] ? `${listId}-${active}` : undefined}
          aria-describedby={flag ? hintId : undefined}
          aria-invalid={flag ? true : undefined}
          value={value}
          onChange={(e) => {
            setValue(e.target.value);
            setOpen(true);
            setActive(-1);
          }}
          onFocus={() => setOpen(true)}
          onClick={() => setOpen(true)}
          onBlur={() => setOpen(false)}
          onKeyDown={onKeyDown}
          placeholder={field === 'status' ? '503 or 5xx' : field === 'route' ? '/v1/…' : 'value'}
          autoComplete="off"
          spellCheck={false}
        />
        <div className={styles.listPopover} hidden={!(open && options.length > 0)}>
          <div id={listId} role="listbox" aria-label={`${FILTER_LABELS[field] ?? field} values`} className={styles.listbox}>
            {options.map((o, i) => (
              // Keys are handled by the input (aria-activedescendant), as the ARIA combobox pattern has it.
              // biome-ignore lint/a11y/useKeyWithClickEvents: the focused input owns the keyboard
              <div
                key={o.value}
                id={`${listId}-${i}`}
                role="option"
                tabIndex={-1}
                aria-selected={i === active}
                className={styles.option}
                // Keep focus in the input: a click chooses without a blur closing the list first.
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => add(o.value)}
                onMouseEnter={() => setActive(i)}
              >
                <span className={styles.optionValue}>{o.value}</span>
                <span className={styles.optionCount}>{countText(o.count, o.errors, o.known)}</span>
              </div>
            ))}
          </div>
          <p className={styles.optionMore}>
            {current && current.more > 0 ? `${formatInt(current.more)} more: type to narrow. ` : ''}Counts over the page's range.
          </p>
        </div>
      </div>
      <button type="submit" className={buttonClass('default', 'small')}>
        Add filter
      </button>
      {flag ? (
        <span id={hintId} role="status" className={styles.unknownValue} data-testid="filter-value-unknown">
          {`“${flag.value}” is not a known ${(FILTER_LABELS[field] ?? field).toLowerCase()} and has no records in this range`}
          {flag.did_you_mean ? (
            <>
              {' '}
              — did you mean{' '}
              <button type="button" className={styles.linkButton} onClick={() => add(flag.did_you_mean!)}>
                {flag.did_you_mean}
              </button>
              ?
            </>
          ) : (
            '.'
          )}
        </span>
      ) : isError && open ? (
        <span role="status" className={styles.unknownValue}>
          Values could not be loaded; type the value.
        </span>
      ) : null}
    </form>
  );
}
