import { LoadingState } from '@/components/ui/states';
import styles from './page.module.css';

/** Shown while a page's server render is on its way (navigation between requests, keys, codes). */
export function PageLoading({ label }: { label: string }) {
  return (
    <div className={styles.page} aria-busy="true">
      <LoadingState label={label} height={48} />
      <LoadingState label={label} height={320} />
    </div>
  );
}
