import { AddFilter } from './add-filter';
import { FilterChips } from './filter-chips';
import { UnknownParamsNotice } from './unknown-params-notice';
import styles from './filters.module.css';

/**
 * The filter row under a page title: active chips (server links) and the add-filter form (client); with `allowed`
 * (the page's parameters, lib/query-params.ts PAGE_QUERY), a notice above it names any parameter the page ignored.
 */
export function FilterBar({ pathname, params, allowed }: { pathname: string; params: URLSearchParams; allowed?: readonly string[] }) {
  return (
    <>
      {allowed ? <UnknownParamsNotice pathname={pathname} params={params} allowed={allowed} /> : null}
      <div className={styles.bar}>
        <FilterChips pathname={pathname} params={params} />
        <AddFilter />
      </div>
    </>
  );
}
