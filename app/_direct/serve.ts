// The two hottest read endpoints answered straight from Node's HTTP server, outside the Next.js pipeline:
// support's lookup by request id (GET /api/v1/requests/{request_id}) and the liveness probe (GET /api/v1/health).
// Through Next each one costs ~2.5 ms of CPU on the main thread, ten times the lookup itself, and waits behind
// whatever Next is doing for ingest. The very same route handlers answer (access check, validation, envelope,
// metrics); only routing, header merging and compression are done here, the way next.config.ts and Next do them.
// scripts/start.mjs hands every request to serveDirect first; anything it does not take goes to Next.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { API_CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from '@/lib/security-headers';
import { GET as getHealth } from '../api/v1/health/route';
import { GET as getRequest } from '../api/v1/requests/[request_id]/route';

type Handler = (req: Request) => Promise<Response>;

const HEALTH_PATH = '/api/v1/health';
const REQUEST_PREFIX = '/api/v1/requests/';
/** Static siblings of [request_id], which Next routes before the dynamic segment. */
const STATIC_SIBLINGS = new Set(['lookup', '.', '..']);
/** Next's compression threshold: smaller bodies are sent as they are. */
const GZIP_MIN_BYTES = 1024;

/**
 * The handler for a request this module answers, or null for Next. Only exact, already-decoded paths are taken:
 * percent-escapes, trailing slashes and HEAD keep Next's own handling.
 */
export function directHandler(method: string | undefined, url: string | undefined): Handler | null {
  if (method !== 'GET' || !url) return null;
  const q = url.indexOf('?');
  const pathname = q < 0 ? url : url.slice(0, q);
  if (pathname === HEALTH_PATH) return (req) => getHealth(req, undefined);
  if (!pathname.startsWith(REQUEST_PREFIX)) return null;
  const request_id = pathname.slice(REQUEST_PREFIX.length);
  if (request_id === '' || request_id.includes('/') || request_id.includes('%') || STATIC_SIBLINGS.has(request_id)) return null;
  return (req) => getRequest(req, { params: Promise.resolve({ request_id }) });
}

/** True when the client takes gzip (a q=0 refuses it). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  for (const part of header.split(',')) {
    const [coding, ...params] = part.split(';');
    const name = coding.trim().toLowerCase();
    if (name !== 'gzip' && name !== '*') continue;
    const q = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  }
  return false;
}

// From req.headers, not rawHeaders: scripts/start.mjs has replaced the client's x-errata-peer there.
function webRequest(req: IncomingMessage): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') headers.set(name, value);
    else if (value) for (const v of value) headers.append(name, v);
  }
  return new Request(`http://localhost${req.url}`, { method: 'GET', headers });
}

async function answer(handler: Handler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const response = await handler(webRequest(req));
    let body = Buffer.from(await response.arrayBuffer());
    const headers: Record<string, string> = {};
    for (const { key, value } of SECURITY_HEADERS) headers[key] = value;
    headers['Content-Security-Policy'] = API_CONTENT_SECURITY_POLICY;
    response.headers.forEach((value, key) => {
      headers[key] = value;
    });
    headers['Vary'] = 'Accept-Encoding';
    if (body.length >= GZIP_MIN_BYTES && acceptsGzip(req.headers['accept-encoding'])) {
      body = gzipSync(body);
      headers['Content-Encoding'] = 'gzip';
    }
    headers['Content-Length'] = String(body.length);
    res.writeHead(response.status, headers);
    res.end(body);
  } catch (err) {
    // withApi turns every failure of the handler into the envelope: this is a failure to write the answer.
    console.error('errata: a direct answer failed', err);
    if (res.headersSent) res.destroy();
    else {
      res.statusCode = 500;
      res.end();
    }
  }
}

/** Answers the request and returns true when it is one of ours; false leaves it untouched for Next. */
export function serveDirect(req: IncomingMessage, res: ServerResponse): boolean {
  const handler = directHandler(req.method, req.url);
  if (!handler) return false;
  void answer(handler, req, res);
  return true;
}
