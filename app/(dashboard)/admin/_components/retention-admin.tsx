'use client';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import styles from '../admin.module.css';
import { adminFetch } from './api';

export function RetentionAdmin({ days, defaultDays, min, max }: { days: number; defaultDays: number; min: number; max: number }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);

  async function save(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const value = Number(new FormData(e.currentTarget).get('retention_days'));
    setBusy(true);
    setError(null);
    try {
      await adminFetch('/api/v1/admin/retention', 'PUT', { retention_days: value });
      setSaved(value);
      router.refresh();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className={styles.section}>
      <h2>Retention</h2>
      <p>
        errata keeps raw records, rollups and duplicate-detection keys for <strong data-testid="retention-current">{days}</strong> days, then
        deletes them. The server&apos;s default (ERRATA_RETENTION_DAYS) is {defaultDays} days.
      </p>
      <form className={styles.row} onSubmit={save}>
        <label className={styles.field}>
          Days to keep
          <input className={styles.input} name="retention_days" type="number" min={min} max={max} step={1} defaultValue={days} required />
        </label>
        <button className={styles.primary} type="submit" disabled={busy}>
          Save
        </button>
      </form>
      {saved !== null && (
        <p className={styles.muted} role="status">
          Saved: {saved} days. Older data goes at the next pruning run.
        </p>
      )}
      {error && (
        <p className={styles.error} role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
