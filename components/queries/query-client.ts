import { QueryClient, isServer } from '@tanstack/react-query';

/** One place for cache policy: data is fresh for 15 s, failed reads retry twice (never a 4xx). */
export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        refetchOnWindowFocus: false,
        retry: (failures, error) => !(error instanceof ApiRequestError && error.status < 500) && failures < 2,
      },
    },
  });
}

let browserClient: QueryClient | undefined;

/** A fresh client per server render, one shared client in the browser. */
export function getQueryClient(): QueryClient {
  if (isServer) return makeQueryClient();
  return (browserClient ??= makeQueryClient());
}

/** A failed API call, carrying the envelope's code and request id for the error state. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | null,
  ) {
    super(message);
  }
}

interface Envelope {
  error?: { code?: string; message?: string; request_id?: string };
}

/** GET a JSON API path with the session cookie; non-2xx answers become ApiRequestError. */
export async function fetchJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, { credentials: 'same-origin', signal, headers: { accept: 'application/json' } });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as Envelope;
    throw new ApiRequestError(
      res.status,
      body.error?.code ?? 'http_error',
      body.error?.message ?? `HTTP ${res.status}`,
      body.error?.request_id ?? res.headers.get('x-request-id'),
    );
  }
  return (await res.json()) as T;
}
