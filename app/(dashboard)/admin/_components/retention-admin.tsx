'use client';
import { useState } from 'react';
import styles from '../admin.module.css';
import { adminFetch } from './api';
import { ActionError, useAdminAction } from './use-admin-action';

export function RetentionAdmin({ days, defaultDays, min, max }: { days: number; defaultDays: number; min: number; max: number }) {
  const { busy, error, submit } = useAdminAction();
  const [saved, setSaved] = useState<number | null>(null);

  const save = submit(
    async (form) => {
      const value = Number(form.get('retention_days'));
      await adminFetch('/api/v1/admin/retention', 'PUT', { retention_days: value });
      setSaved(value);
    },
    { reset: false },
  );

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
      <ActionError error={error} />
    </section>
  );
}
