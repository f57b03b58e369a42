'use client';
import { useState } from 'react';
import type { TokenInfo } from '@/db/queries/tokens';
import type { TokenScope } from '@/lib/roles';
import styles from '../admin.module.css';
import { adminFetch, formatTime } from './api';
import { ActionError, useAdminAction } from './use-admin-action';

const SCOPE_HELP: Record<TokenScope, string> = {
  ingest: 'send gateway logs to /api/v1/ingest and OTLP logs to /api/v1/otlp/v1/logs',
  read: 'read requests, stats and CSV exports',
  metrics: 'scrape Prometheus metrics at /metrics',
  admin: 'everything, including these admin endpoints',
};
// Keyed by TokenScope, so the type checker keeps this list complete without bundling the schema.
const TOKEN_SCOPES = Object.keys(SCOPE_HELP) as TokenScope[];

export function TokensAdmin({ tokens }: { tokens: TokenInfo[] }) {
  const { busy, error, act, submit } = useAdminAction();
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);

  const create = submit(async (form) => {
    const body = { name: String(form.get('name') ?? ''), scopes: form.getAll('scope').map(String) };
    const res = await adminFetch<{ name: string; token: string }>('/api/v1/admin/tokens', 'POST', body);
    setCreated({ name: res.name, token: res.token });
  });

  return (
    <>
      <section className={styles.section}>
        <h2>Create a token</h2>
        <form className={styles.row} onSubmit={create}>
          <label className={styles.field}>
            Name
            <input className={styles.input} name="name" required maxLength={100} placeholder="fluent-bit prod" />
          </label>
          <fieldset className={styles.row} style={{ border: 0, padding: 0, margin: 0 }}>
            <legend className={styles.field}>Scopes</legend>
            {TOKEN_SCOPES.map((s) => (
              <label key={s} title={SCOPE_HELP[s]}>
                <input type="checkbox" name="scope" value={s} defaultChecked={s === 'ingest'} /> {s}
              </label>
            ))}
          </fieldset>
          <button className={styles.primary} type="submit" disabled={busy}>
            Create
          </button>
        </form>
        {created && (
          <div className={styles.secret} role="status" data-testid="token-result">
            Copy the token for <strong>{created.name}</strong> now; errata keeps only its hash and will not show it again:{' '}
            <code data-testid="token-value">{created.token}</code>
          </div>
        )}
        <ActionError error={error} />
      </section>
      <section className={styles.section}>
        <h2>Tokens</h2>
        {tokens.length === 0 ? (
          <p className={styles.muted}>No tokens yet.</p>
        ) : (
          <table className={styles.table}>
            <thead>
              <tr>
                <th>Name</th>
                <th>Token</th>
                <th>Scopes</th>
                <th>Created</th>
                <th>Last used</th>
                <th>Status</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => (
                <tr key={t.id} data-testid={`token-row-${t.id}`}>
                  <td>{t.name}</td>
                  <td className={styles.mono}>{t.token_prefix}…</td>
                  <td>
                    {t.scopes.map((s) => (
                      <span key={s} className={styles.badge}>
                        {s}
                      </span>
                    ))}
                  </td>
                  <td>{formatTime(t.created_ms)}</td>
                  <td>{formatTime(t.last_used_ms)}</td>
                  <td>{t.revoked_ms ? `revoked ${formatTime(t.revoked_ms)}` : 'active'}</td>
                  <td>
                    {!t.revoked_ms && (
                      <button
                        type="button"
                        className={styles.danger}
                        disabled={busy}
                        onClick={() => {
                          if (window.confirm(`Revoke "${t.name}"? Shippers using it get 401 at once.`)) {
                            void act(() => adminFetch(`/api/v1/admin/tokens/${t.id}`, 'DELETE'));
                          }
                        }}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
