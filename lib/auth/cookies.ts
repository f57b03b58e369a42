// The session cookie: HttpOnly, SameSite=Lax, Path=/, Secure when the request came over https.
export const SESSION_COOKIE = 'errata_session';

export function readCookie(cookieHeader: string | null | undefined, name: string): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const raw = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(raw);
      } catch {
        return raw;
      }
    }
  }
  return undefined;
}

/** https directly, or behind a proxy that says so. */
export function isSecureRequest(req: Request): boolean {
  if (new URL(req.url).protocol === 'https:') return true;
  return (req.headers.get('x-forwarded-proto') ?? '').split(',')[0].trim() === 'https';
}

export function sessionCookie(token: string, expiresMs: number, secure: boolean, now = Date.now()): string {
  const maxAge = Math.max(0, Math.floor((expiresMs - now) / 1000));
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure ? '; Secure' : ''}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure ? '; Secure' : ''}`;
}
