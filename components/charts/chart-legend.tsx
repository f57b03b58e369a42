'use client';

import type { ChartConfig } from './types';
import styles from './charts.module.css';

/** Legend as buttons: each filters the view to that series when the series maps to a filter value. */
export function ChartLegend({ config, onSeriesClick }: { config: ChartConfig; onSeriesClick?: (key: string) => void }) {
  return (
    <div className={styles.legend}>
      {Object.entries(config).map(([key, s]) => {
        const clickable = !!onSeriesClick && s.filterValue != null;
        return (
          <button
            key={key}
            type="button"
            className={styles.legendItem}
            disabled={!clickable}
            onClick={clickable ? () => onSeriesClick(key) : undefined}
            title={clickable ? `Filter to ${s.label}` : undefined}
          >
            <span
              className={styles.swatch}
              style={s.overlay ? { background: 'transparent', borderTop: `2px dashed ${s.color}`, height: 0 } : { background: s.color }}
              aria-hidden="true"
            />
            {s.label}
          </button>
        );
      })}
    </div>
  );
}
