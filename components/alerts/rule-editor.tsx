'use client';
// The rule editor: a rule's fields, the scope as the same query string every view uses, a 7-day backtest preview
// (how often it would have fired) before saving.
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { ALERT_KINDS, ALERT_MEASURES, ALERT_SPLITS, ALERT_WINDOWS } from '@/lib/alert-kinds';
import { Button } from '@/components/ui/button';
import { formatUtc } from '@/components/ui/format';
import type { AlertBacktest as Backtest } from '@/lib/api-types';

const LABELS: Record<string, string> = {
  error_count: 'Error count',
  error_rate: 'Error rate',
  count: 'Requests matching the scope',
  retry_storms: "Retry storms (a key's rate jumps right after a 429/503)",
  anomaly: 'Anomaly (against the learned baseline)',
  threshold: 'Threshold (a fixed number)',
  no_data: 'No data (usually sends, stopped)',
  '5m': '5 minutes (page)',
  '1h': '1 hour (warning)',
};

async function call<T>(url: string, body: unknown): Promise<{ ok: true; data: T } | { ok: false; message: string }> {
  const res = await fetch(url, { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const data = (await res.json().catch(() => null)) as (T & { error?: { message?: string } }) | null;
  if (!res.ok) return { ok: false, message: data?.error?.message ?? `The server answered ${res.status}.` };
  return { ok: true, data: data as T };
}

export function RuleEditor() {
  const router = useRouter();
  const [form, setForm] = useState({ name: '', measure: 'error_rate', kind: 'anomaly', window: '5m', split: '', scope: '', threshold: '' });
  const [preview, setPreview] = useState<Backtest | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'preview' | 'save' | null>(null);

  const spec = () => {
    const scope: Record<string, string[]> = {};
    for (const [k, v] of new URLSearchParams(form.scope.replace(/^\?/, ''))) (scope[k] ??= []).push(v);
    return {
      name: form.name || 'Untitled rule',
      measure: form.measure,
      kind: form.kind,
      window: form.window,
      split: form.split || null,
      scope,
      ...(form.kind === 'threshold' ? { threshold: Number(form.threshold) } : {}),
    };
  };
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => {
    setForm({ ...form, [k]: e.target.value });
    setPreview(null);
  };
  const runPreview = async () => {
    setBusy('preview');
    setError(null);
    const r = await call<Backtest>('/api/v1/alerts/rules/backtest', spec());
    setBusy(null);
    if (r.ok) setPreview(r.data);
    else setError(r.message);
  };
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy('save');
    setError(null);
    const r = await call<{ id: number }>('/api/v1/alerts/rules', spec());
    setBusy(null);
    if (r.ok) router.push('/alerts');
    else setError(r.message);
  };
  const field = { display: 'grid', gap: 4, maxWidth: 520 } as const;
  return (
    <form onSubmit={save} style={{ display: 'grid', gap: 12 }} aria-label="Alert rule">
      <label style={field}>
        Name
        <input name="name" value={form.name} onChange={set('name')} required maxLength={120} />
      </label>
      <label style={field}>
        Measure
        <select name="measure" value={form.measure} onChange={set('measure')}>
          {ALERT_MEASURES.map((m) => (
            <option key={m} value={m}>
              {LABELS[m]}
            </option>
          ))}
        </select>
      </label>
      <label style={field}>
        Scope (filters as in a view's address, e.g. <code>status=5xx&amp;tier=free</code> or <code>code=rate_limited</code>)
        <input name="scope" value={form.scope} onChange={set('scope')} placeholder="status=5xx" />
      </label>
      <label style={field}>
        Split by
        <select name="split" value={form.split} onChange={set('split')}>
          <option value="">No split (the whole scope)</option>
          {ALERT_SPLITS.map((s) => (
            <option key={s} value={s}>
              each {s} on its own
            </option>
          ))}
        </select>
      </label>
      <label style={field}>
        Kind
        <select name="kind" value={form.kind} onChange={set('kind')}>
          {ALERT_KINDS.map((k) => (
            <option key={k} value={k}>
              {LABELS[k]}
            </option>
          ))}
        </select>
      </label>
      {form.kind === 'threshold' ? (
        <label style={field}>
          Threshold (a count, or a share 0–1 for an error rate)
          <input name="threshold" type="number" step="any" min="0" value={form.threshold} onChange={set('threshold')} required />
        </label>
      ) : null}
      <label style={field}>
        Window
        <select name="window" value={form.window} onChange={set('window')}>
          {ALERT_WINDOWS.map((w) => (
            <option key={w} value={w}>
              {LABELS[w]}
            </option>
          ))}
        </select>
      </label>
      <div style={{ display: 'flex', gap: 8 }}>
        <Button onClick={runPreview} disabled={busy !== null}>
          {busy === 'preview' ? 'Checking the last 7 days…' : 'Preview: last 7 days'}
        </Button>
        <Button type="submit" variant="primary" disabled={busy !== null}>
          Save rule
        </Button>
      </div>
      {error ? <p role="alert">{error}</p> : null}
      {preview ? (
        <div role="status" data-testid="backtest">
          <p>
            <strong>
              Would have fired {preview.fired_count} {preview.fired_count === 1 ? 'time' : 'times'}
            </strong>{' '}
            over {preview.windows} windows{preview.complete ? ' (the last 7 days)' : ' (time ran out before the whole week)'}; {preview.pending_only} more breached once without firing
            {preview.baseline !== 'none' ? `; ${preview.baseline.replace('_', ' ')} baseline` : ''}. Windows with under 50 requests never breach.
          </p>
          {preview.fired.length ? (
            <ul>
              {preview.fired.slice(0, 10).map((f) => (
                <li key={`${f.group}-${f.fired_ms}`}>
                  {formatUtc(f.fired_ms, { zone: true })}
                  {f.group ? ` · ${f.group}` : ''}: {f.observed} vs {Math.round(f.expected * 10) / 10} expected{f.resolved_ms ? `, resolved ${formatUtc(f.resolved_ms)}` : ''}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </form>
  );
}
