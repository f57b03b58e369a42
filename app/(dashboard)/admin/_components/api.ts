'use client';
// Client-side calls to the admin API: same-origin fetch, so the browser sends the cookie and Origin.

export class AdminApiError extends Error {}

export async function adminFetch<T>(url: string, method: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = (await res.json().catch(() => null)) as { error?: { message?: string; request_id?: string } } | null;
  if (!res.ok) {
    const msg = data?.error?.message ?? `The server answered ${res.status}.`;
    throw new AdminApiError(data?.error?.request_id ? `${msg} (request ${data.error.request_id})` : msg);
  }
  return data as T;
}

export function formatTime(ms: number | null): string {
  if (!ms) return '—';
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}
