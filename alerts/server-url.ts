// The dashboard's address as users reach it, for links in notifications: ERRATA_PUBLIC_URL, else localhost:PORT.
import { getEnv } from '@/lib/env';

export function publicBaseUrl(): string {
  const env = getEnv();
  return (env.ERRATA_PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, '');
}
