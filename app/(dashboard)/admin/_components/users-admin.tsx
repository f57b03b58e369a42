'use client';
import { useState } from 'react';
import type { UserInfo } from '@/db/queries/users';
import type { UserRole } from '@/lib/roles';
import { CopyButton } from '@/components/request/copy-button';
import styles from '../admin.module.css';
import { adminFetch, formatTime } from './api';
import { ActionError, useAdminAction } from './use-admin-action';

const ROLE_HELP: Record<UserRole, string> = {
  support: 'lookup, request pages, explorer',
  engineer: 'also overview, breakdowns, key and code pages, CSV',
  admin: 'also users, tokens, retention, ingest health',
};
// Keyed by UserRole, so the type checker keeps this list complete without bundling the schema.
const USER_ROLES = Object.keys(ROLE_HELP) as UserRole[];

export function UsersAdmin({ users, me }: { users: UserInfo[]; me: string }) {
  const { busy, error, act, submit } = useAdminAction();
  const [created, setCreated] = useState<{ email: string; password: string; reset?: boolean } | null>(null);

  const create = submit(async (form) => {
    const body = { email: String(form.get('email') ?? ''), role: String(form.get('role') ?? 'support') };
    const res = await adminFetch<{ user: UserInfo; password: string }>('/api/v1/admin/users', 'POST', body);
    setCreated({ email: res.user.email, password: res.password });
  });

  return (
    <>
      <section className={styles.section}>
        <h2>Create a user</h2>
        <p className={styles.muted}>errata sends no email: you get a password to pass on once, and they can change it under Account.</p>
        <form className={styles.row} onSubmit={create}>
          <label className={styles.field}>
            Email
            <input className={styles.input} name="email" type="email" required />
          </label>
          <label className={styles.field}>
            Role
            <select className={styles.input} name="role" defaultValue="support">
              {USER_ROLES.map((r) => (
                <option key={r} value={r}>
                  {r} — {ROLE_HELP[r]}
                </option>
              ))}
            </select>
          </label>
          <button className={styles.primary} type="submit" disabled={busy}>
            Create user
          </button>
        </form>
        {created && (
          <div className={styles.secret} role="status" data-testid="invite-result">
            {created.reset ? 'New password for' : 'Created'} <strong>{created.email}</strong>
            {created.reset ? ' (their sessions were ended); send it' : '. Send them this password'} over a private channel. It is shown only now:{' '}
            <code data-testid="invite-password">{created.password}</code> <CopyButton text={created.password} label="Copy password" />
          </div>
        )}
        <ActionError error={error} />
      </section>
      <section className={styles.section}>
        <h2>Users</h2>
        <table className={styles.table}>
          <thead>
            <tr>
              <th>Email</th>
              <th>Role</th>
              <th>Status</th>
              <th>Last sign-in</th>
              <th>Created</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id} data-testid={`user-row-${u.email}`}>
                <td>
                  {u.email}
                  {u.email === me && <span className={styles.muted}> (you)</span>}
                </td>
                <td>
                  <select
                    className={styles.input}
                    aria-label={`Role of ${u.email}`}
                    value={u.role}
                    disabled={busy}
                    onChange={(e) => void act(() => adminFetch(`/api/v1/admin/users/${u.id}`, 'PATCH', { role: e.target.value }))}
                  >
                    {USER_ROLES.map((r) => (
                      <option key={r} value={r}>
                        {r}
                      </option>
                    ))}
                  </select>
                </td>
                <td>{u.disabled ? 'disabled' : u.locked_until_ms && u.locked_until_ms > Date.now() ? 'locked' : 'active'}</td>
                <td>{formatTime(u.last_login_ms)}</td>
                <td>{formatTime(u.created_ms)}</td>
                <td>
                  <div className={styles.actions}>
                    <button
                      type="button"
                      className={styles.button}
                      disabled={busy}
                      onClick={() => {
                        if (!window.confirm(`Reset the password of ${u.email}? Their sessions end now.`)) return;
                        void act(async () => {
                          const res = await adminFetch<{ user: UserInfo; password: string }>(`/api/v1/admin/users/${u.id}`, 'PATCH', { reset_password: true });
                          setCreated({ email: res.user.email, password: res.password, reset: true });
                        });
                      }}
                    >
                      Reset password
                    </button>
                    <button
                      type="button"
                      className={u.disabled ? styles.button : styles.danger}
                      disabled={busy}
                      onClick={() => void act(() => adminFetch(`/api/v1/admin/users/${u.id}`, 'PATCH', { disabled: !u.disabled }))}
                    >
                      {u.disabled ? 'Enable' : 'Disable'}
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
