import { AddFilter } from './add-filter';
import { FilterChips } from './filter-chips';
import styles from './filters.module.css';

/** The filter row under a page title: active chips (server links) and the add-filter form (client). */
export function FilterBar({ pathname, params }: { pathname: string; params: URLSearchParams }) {
  return (
    <div className={styles.bar}>
      <FilterChips pathname={pathname} params={params} />
      <AddFilter />
    </div>
  );
}
