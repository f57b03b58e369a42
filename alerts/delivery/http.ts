// One POST of a JSON body to a checked destination, following at most 3 redirects, each target checked again
// (scheme and connected address), with a timeout. Answers are read and dropped (bounded).
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { checkScheme, classifyAddress, DestinationError, guardedLookup } from './ssrf';

export interface PostResult {
  status: number | null;
  error: string | null;
  /** Retry-After of a 429/503, in ms. */
  retry_after_ms: number | null;
}

const MAX_REDIRECTS = 3;
const MAX_ANSWER_BYTES = 64 * 1024;

function once(url: URL, body: string, headers: Record<string, string>, allowPrivate: boolean, timeoutMs: number): Promise<{ status: number; location: string | null; retryAfter: string | null }> {
  return new Promise((resolve, reject) => {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    // A literal IP skips DNS (and so the lookup hook): check it here.
    if (net.isIP(host)) {
      const cls = classifyAddress(host);
      if (cls !== 'public' && !((cls === 'private' || cls === 'loopback') && allowPrivate))
        return reject(new DestinationError(`${host} is a ${cls.replace('_', '-')} address${cls === 'private' || cls === 'loopback' ? '; an admin must allow private addresses' : ''}`, 'address'));
    }
    const mod = url.protocol === 'https:' ? https : http;
    const req = mod.request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'errata-alerts/1', ...headers },
        lookup: guardedLookup(allowPrivate) as unknown as net.LookupFunction,
        timeout: timeoutMs,
      },
      (res) => {
        let read = 0;
        res.on('data', (c: Buffer) => {
          read += c.length;
          if (read > MAX_ANSWER_BYTES) res.destroy();
        });
        const done = () => resolve({ status: res.statusCode ?? 0, location: res.headers.location ?? null, retryAfter: (res.headers['retry-after'] as string | undefined) ?? null });
        res.on('end', done);
        res.on('close', done);
        res.on('error', done);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

export async function postJson(rawUrl: string, body: string, headers: Record<string, string>, opts: { allowPrivate: boolean; timeoutMs?: number }): Promise<PostResult> {
  let url: URL;
  try {
    url = checkScheme(rawUrl);
    for (let hop = 0; ; hop++) {
      const r = await once(url, body, headers, opts.allowPrivate, opts.timeoutMs ?? 10_000);
      if (r.status >= 300 && r.status < 400 && r.location) {
        if (hop >= MAX_REDIRECTS) return { status: r.status, error: 'too many redirects', retry_after_ms: null };
        url = checkScheme(new URL(r.location, url).toString());
        continue;
      }
      const ra = r.retryAfter !== null && /^\d{1,6}$/.test(r.retryAfter) ? Number(r.retryAfter) * 1000 : null;
      return { status: r.status, error: r.status >= 200 && r.status < 300 ? null : `answered ${r.status}`, retry_after_ms: ra };
    }
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    return { status: null, error: err instanceof DestinationError ? `refused: ${msg}` : msg, retry_after_ms: null };
  }
}
