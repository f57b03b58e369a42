'use client';

import { useFilterNavigation } from '@/components/filters/use-filter-navigation';
import { buttonClass } from '@/components/ui/button';
import { DEFAULT_COLUMNS, EXPLORER_COLUMNS, type ExplorerColumn } from './columns';
import styles from './errors.module.css';

/** Checkboxes for the table's columns; the choice lives in `cols` so a shared link shows the same table. */
export function ColumnChooser({ columns }: { columns: ExplorerColumn[] }) {
  const { navigate } = useFilterNavigation();
  const chosen = new Set(columns);

  function toggle(id: ExplorerColumn) {
    const next = new Set(chosen);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    if (next.size === 0) return;
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
    <details className={styles.chooser}>
      <summary className={buttonClass('default', 'small')}>Columns ({columns.length})</summary>
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
