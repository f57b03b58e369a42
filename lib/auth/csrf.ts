// Origin checks for cookie-authenticated mutations: a browser always sends Origin on a cross-site POST.
import { trustedProxyHops } from '../rate-limit';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method.toUpperCase());
}

/**
 * The host this request was addressed to, as the browser saw it. X-Forwarded-Host counts only behind a trusted
 * proxy (ERRATA_TRUST_PROXY): otherwise it is the client's own word (and `next start` fills it from Host anyway).
 */
function requestHost(req: Request, hops: number): string {
  const forwarded = hops > 0 ? req.headers.get('x-forwarded-host')?.split(',')[0].trim() : undefined;
  return (forwarded || req.headers.get('host') || new URL(req.url).host).toLowerCase();
}

/**
 * True when a state-changing request comes from our own pages: its Origin names this host, or (older
 * browsers without Origin) Sec-Fetch-Site says same-origin. Requests with neither are refused.
 */
export function isSameOrigin(req: Request, hops = trustedProxyHops()): boolean {
  if (isSafeMethod(req.method)) return true;
  const origin = req.headers.get('origin');
  if (origin && origin !== 'null') {
    try {
      return new URL(origin).host.toLowerCase() === requestHost(req, hops);
    } catch {
      return false;
    }
  }
  if (origin === 'null') return false;
  return req.headers.get('sec-fetch-site') === 'same-origin';
}
