'use client';
// Acknowledge and silence buttons on an alert's page (engineers and admins).
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Button } from '@/components/ui/button';

async function post(url: string, body?: unknown): Promise<string | null> {
  const res = await fetch(url, { method: 'POST', credentials: 'same-origin', headers: body === undefined ? {} : { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.ok) return null;
  const data = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
  return data?.error?.message ?? `The server answered ${res.status}.`;
}

export function AlertActions({ id, acked, silenced }: { id: number; acked: boolean; silenced: boolean }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (url: string, body?: unknown) => {
    setBusy(true);
    setError(await post(url, body));
    setBusy(false);
    router.refresh();
  };
  return (
    <div style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap' }}>
      <Button onClick={() => run(`/api/v1/alerts/events/${id}/acknowledge`)} disabled={busy || acked}>
        {acked ? 'Acknowledged' : 'Acknowledge'}
      </Button>
      <Button onClick={() => run(`/api/v1/alerts/events/${id}/silence`, { until_ms: Date.now() + 3_600_000 })} disabled={busy}>
        Silence 1 h
      </Button>
      <Button onClick={() => run(`/api/v1/alerts/events/${id}/silence`, { until_ms: Date.now() + 86_400_000 })} disabled={busy}>
        Silence 1 day
      </Button>
      {silenced ? (
        <Button variant="ghost" onClick={() => run(`/api/v1/alerts/events/${id}/silence`, { until_ms: null })} disabled={busy}>
          Lift silence
        </Button>
      ) : null}
      {error ? <span role="alert">{error}</span> : null}
    </div>
  );
}
