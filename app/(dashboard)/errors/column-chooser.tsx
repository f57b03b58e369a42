'use client';

import { useEffect, useRef, useState } from 'react';
import { useFilterNavigation } from '@/components/filters/use-filter-navigation';
import { buttonClass } from '@/components/ui/button';
import { useEscapeCloses } from '@/components/ui/use-escape-closes';
import { DEFAULT_COLUMNS, EXPLORER_COLUMNS, type ExplorerColumn } from './columns';
import styles from './errors.module.css';

/** Checkboxes for the table's columns; the choice lives in `cols` so a shared link shows the same table. */
export function ColumnChooser({ columns }: { columns: ExplorerColumn[] }) {
  const { navigate } = useFilterNavigation();
  const detailsRef = useRef<HTMLDetailsElement>(null);
  useEscapeCloses(detailsRef);
  // Checked at once, before the server renders the new table; back/forward navigation resyncs from the URL.
  const [chosen, setChosen] = useState(() => new Set(columns));
  const urlColumns = columns.join(',');
  useEffect(() => setChosen(new Set(urlColumns.split(',') as ExplorerColumn[])), [urlColumns]);

  function toggle(id: ExplorerColumn) {
    const next = new Set(chosen);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    if (next.size === 0) return;
    setChosen(next);
    const ordered = EXPLORER_COLUMNS.map((c) => c.id).filter((c) => next.has(c));
    const isDefault = ordered.length === DEFAULT_COLUMNS.length && ordered.every((c, i) => c === DEFAULT_COLUMNS[i]);
    navigate((q) => {
      const n = new URLSearchParams(q);
      if (isDefault) n.delete('cols');
      else n.set('cols', ordered.join(','));
      return n;
    });
  }

  return (
    <details className={styles.chooser} ref={detailsRef}>
      <summary className={buttonClass('default', 'small')}>Columns ({chosen.size})</summary>
      <fieldset className={styles.chooserPanel}>
        <legend className="sr-only">Columns to show</legend>
        {EXPLORER_COLUMNS.map((c) => (
          <label key={c.id} className={styles.chooserItem}>
            <input type="checkbox" checked={chosen.has(c.id)} onChange={() => toggle(c.id)} disabled={chosen.size === 1 && chosen.has(c.id)} />
            {c.label}
          </label>
        ))}
      </fieldset>
    </details>
  );
}
