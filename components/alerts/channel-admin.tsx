'use client';
// Channel settings for admins: add a webhook, Slack or email channel, and per channel test-send, edit, switch off or
// on, delete. Every refusal (SSRF, a non-https URL, an SMTP server that refuses) is the API's message, shown as is.
import { useRouter } from 'next/navigation';
import { useEffect, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import styles from './channels.module.css';

type ChannelType = 'webhook' | 'slack' | 'email';

export interface AdminChannel {
  id: number;
  name: string;
  type: string;
  config: Record<string, unknown>;
  allow_private: boolean;
  enabled: boolean;
}

type Result<T> = { ok: true; data: T } | { ok: false; message: string };

async function call<T>(url: string, method: string, body?: unknown): Promise<Result<T>> {
  try {
    const res = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = (await res.json().catch(() => null)) as { error?: { message?: string; request_id?: string } } | null;
    if (res.ok) return { ok: true, data: data as T };
    const msg = data?.error?.message ?? `The server answered ${res.status}.`;
    return { ok: false, message: data?.error?.request_id ? `${msg} (request ${data.error.request_id})` : msg };
  } catch (err) {
    return { ok: false, message: `Could not reach errata: ${(err as Error).message}` };
  }
}

/** Until React has hydrated a click would submit the form natively: controls stay disabled until then. */
function useHydrated(): boolean {
  const [h, setH] = useState(false);
  useEffect(() => setH(true), []);
  return h;
}

function str(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' ? String(v) : '';
}

/** The settings fields of one channel type, prefilled from `config` when editing. */
function ConfigFields({ type, config }: { type: ChannelType; config?: Record<string, unknown> }) {
  if (type !== 'email') {
    return (
      <label className={styles.field}>
        {type === 'slack' ? 'Slack incoming-webhook URL' : 'Webhook URL'}
        <input
          name="url"
          type="url"
          required
          defaultValue={str(config?.url)}
          placeholder={type === 'slack' ? 'https://hooks.slack.com/services/…' : 'https://example.com/errata-hook'}
        />
        <span className={styles.hint}>https only; http is accepted for localhost.</span>
      </label>
    );
  }
  return (
    <>
      <div className={styles.row}>
        <label className={styles.field}>
          SMTP host
          <input name="host" required defaultValue={str(config?.host)} placeholder="smtp.example.com" />
        </label>
        <label className={styles.field} style={{ maxWidth: 110, minWidth: 90 }}>
          Port
          <input name="port" type="number" min={1} max={65535} required defaultValue={str(config?.port) || '587'} />
        </label>
        <label className={styles.check}>
          <input name="secure" type="checkbox" defaultChecked={config?.secure === true} /> TLS from the start (port 465)
        </label>
      </div>
      <div className={styles.row}>
        <label className={styles.field}>
          User <span className={styles.hint}>(optional)</span>
          <input name="user" autoComplete="off" defaultValue={str(config?.user)} />
        </label>
        <label className={styles.field}>
          Password <span className={styles.hint}>{config ? '(leave as is to keep)' : '(optional)'}</span>
          <input name="pass" type="password" autoComplete="new-password" defaultValue={str(config?.pass)} />
        </label>
      </div>
      <div className={styles.row}>
        <label className={styles.field}>
          From
          <input name="from" type="email" required defaultValue={str(config?.from)} placeholder="errata@example.com" />
        </label>
        <label className={styles.field}>
          To <span className={styles.hint}>(comma-separated)</span>
          <input name="to" required defaultValue={Array.isArray(config?.to) ? (config.to as string[]).join(', ') : ''} placeholder="oncall@example.com" />
        </label>
      </div>
    </>
  );
}

function configFrom(type: ChannelType, f: FormData): Record<string, unknown> {
  if (type !== 'email') return { url: str(f.get('url')).trim() };
  const user = str(f.get('user')).trim();
  const pass = str(f.get('pass'));
  return {
    host: str(f.get('host')).trim(),
    port: Number(f.get('port')),
    secure: f.get('secure') === 'on',
    ...(user ? { user } : {}),
    ...(pass ? { pass } : {}),
    from: str(f.get('from')).trim(),
    to: str(f.get('to'))
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  };
}

export function AddChannelForm() {
  const router = useRouter();
  const hydrated = useHydrated();
  const [type, setType] = useState<ChannelType>('webhook');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ name: string; secret: string | null } | null>(null);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    setBusy(true);
    setError(null);
    setCreated(null);
    const r = await call<{ name: string; config: { secret?: string } }>('/api/v1/alerts/channels', 'POST', {
      type,
      name: str(f.get('name')).trim(),
      config: configFrom(type, f),
      allow_private: f.get('allow_private') === 'on',
    });
    setBusy(false);
    if (!r.ok) return setError(r.message);
    setCreated({ name: r.data.name, secret: r.data.config.secret ?? null });
    form.reset();
    router.refresh();
  };

  return (
    <form className={styles.form} onSubmit={submit} aria-label="Add a channel">
      <div className={styles.row}>
        <label className={styles.field}>
          Kind
          <select name="type" value={type} onChange={(e) => setType(e.target.value as ChannelType)}>
            <option value="webhook">Webhook (signed, Standard Webhooks)</option>
            <option value="slack">Slack incoming webhook</option>
            <option value="email">Email (SMTP)</option>
          </select>
        </label>
        <label className={styles.field}>
          Name
          <input name="name" required maxLength={120} placeholder="On-call webhook" />
        </label>
      </div>
      <ConfigFields key={type} type={type} />
      <label className={styles.check}>
        <input name="allow_private" type="checkbox" /> Allow private and loopback addresses (an internal receiver)
      </label>
      <div className={styles.actions}>
        <Button type="submit" variant="primary" disabled={busy || !hydrated}>
          {busy ? (type === 'email' ? 'Connecting to the SMTP server…' : 'Checking…') : 'Add channel'}
        </Button>
      </div>
      {error ? (
        <p className={styles.error} role="alert">
          {error}
        </p>
      ) : null}
      {created ? (
        <p className={styles.secret} role="status">
          Added “{created.name}”.
          {created.secret ? (
            <>
              {' '}
              Its signing secret (receivers verify <code>webhook-signature</code> with it; it is also shown when you edit the channel): <code>{created.secret}</code>
            </>
          ) : null}
        </p>
      ) : null}
    </form>
  );
}

interface TestResult {
  delivered: boolean;
  response_status: number | null;
  error: string | null;
}

export function ChannelActions({ channel }: { channel: AdminChannel }) {
  const router = useRouter();
  const hydrated = useHydrated();
  const [busy, setBusy] = useState(false);
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [tested, setTested] = useState<TestResult | null>(null);
  const type = channel.type as ChannelType;

  const run = async <T,>(fn: () => Promise<Result<T>>, after?: (data: T) => void) => {
    setBusy(true);
    setError(null);
    setTested(null);
    const r = await fn();
    setBusy(false);
    if (!r.ok) return setError(r.message);
    after?.(r.data);
    router.refresh();
  };

  const save = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    void run(
      () => call(`/api/v1/alerts/channels/${channel.id}`, 'PATCH', { name: str(f.get('name')).trim(), config: configFrom(type, f), allow_private: f.get('allow_private') === 'on' }),
      () => setEditing(false),
    );
  };

  const off = busy || !hydrated;
  return (
    <div style={{ display: 'grid', gap: 8 }}>
      <div className={styles.actions}>
        <Button size="small" disabled={off} onClick={() => run(() => call<TestResult>(`/api/v1/alerts/channels/${channel.id}/test`, 'POST'), setTested)}>
          {busy ? 'Working…' : 'Send a test'}
        </Button>
        <Button size="small" disabled={off} onClick={() => setEditing((v) => !v)} aria-expanded={editing}>
          Edit
        </Button>
        <Button size="small" disabled={off} onClick={() => run(() => call(`/api/v1/alerts/channels/${channel.id}`, 'PATCH', { enabled: !channel.enabled }))}>
          {channel.enabled ? 'Switch off' : 'Switch on'}
        </Button>
        <Button
          size="small"
          variant="ghost"
          disabled={off}
          onClick={() => {
            if (window.confirm(`Delete the channel “${channel.name}” and its delivery log? Rules that use it stop sending to it.`)) void run(() => call(`/api/v1/alerts/channels/${channel.id}`, 'DELETE'));
          }}
        >
          Delete
        </Button>
      </div>
      {tested ? (
        <p className={tested.delivered ? styles.ok : styles.error} role="status">
          {tested.delivered
            ? `Test delivered${tested.response_status ? ` (the receiver answered ${tested.response_status})` : ''}.`
            : `Test not delivered: ${tested.error ?? 'no answer'}${tested.response_status ? ` (status ${tested.response_status})` : ''}.`}
        </p>
      ) : null}
      {error ? (
        <p className={styles.error} role="alert">
          {error}
        </p>
      ) : null}
      {editing ? (
        <form className={`${styles.form} ${styles.edit}`} onSubmit={save} aria-label={`Edit ${channel.name}`}>
          <label className={styles.field}>
            Name
            <input name="name" required maxLength={120} defaultValue={channel.name} />
          </label>
          <ConfigFields type={type} config={channel.config} />
          <label className={styles.check}>
            <input name="allow_private" type="checkbox" defaultChecked={channel.allow_private} /> Allow private and loopback addresses
          </label>
          {type === 'webhook' && typeof channel.config.secret === 'string' ? (
            <p className={styles.secret}>
              Signing secret: <code>{channel.config.secret}</code>
            </p>
          ) : null}
          <div className={styles.actions}>
            <Button type="submit" variant="primary" disabled={off}>
              Save
            </Button>
            <Button onClick={() => setEditing(false)} disabled={busy}>
              Cancel
            </Button>
          </div>
        </form>
      ) : null}
    </div>
  );
}

/** Replay on the delivery log: the same message, same webhook-id, sent again now. */
export function ReplayButton({ id }: { id: number }) {
  const router = useRouter();
  const hydrated = useHydrated();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <span className={styles.actions}>
      <Button
        size="small"
        disabled={busy || !hydrated}
        onClick={async () => {
          setBusy(true);
          setError(null);
          const r = await call(`/api/v1/alerts/deliveries/${id}/replay`, 'POST');
          setBusy(false);
          if (!r.ok) return setError(r.message);
          router.refresh();
          // The sender picks the replay up within a couple of seconds: look again then.
          setTimeout(() => router.refresh(), 3000);
        }}
      >
        {busy ? 'Queuing…' : 'Replay'}
      </Button>
      {error ? (
        <span className={styles.error} role="alert">
          {error}
        </span>
      ) : null}
    </span>
  );
}
