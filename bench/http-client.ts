// A lean keep-alive HTTP client: the bench's own overhead must stay small next to the server's.
import http from 'node:http';

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export function keepAliveAgent(maxSockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  agent?: http.Agent;
  /** Called with each body chunk instead of buffering it (the response body is then empty). */
  onData?: (chunk: Buffer) => void;
  timeoutMs?: number;
}

/**
 * One request. A GET that fails before any answer because the server closed an idle keep-alive socket
 * (its keepAliveTimeout elapsed during a long floor query) is retried once on a fresh socket.
 */
export async function request(url: string, options: RequestOptions = {}): Promise<HttpResponse> {
  try {
    return await requestOnce(url, options);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const method = options.method ?? 'GET';
    if (method === 'GET' && (code === 'ECONNRESET' || code === 'EPIPE') && !(err as { answered?: boolean }).answered) {
      return requestOnce(url, options);
    }
    throw err;
  }
}

function requestOnce(url: string, options: RequestOptions): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: options.agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => (options.onData ? options.onData(c) : chunks.push(c)));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', (err) => reject(Object.assign(err, { answered: true })));
      },
    );
    req.on('error', reject);
    req.setTimeout(options.timeoutMs ?? 120_000, () => req.destroy(new Error(`timeout after ${options.timeoutMs ?? 120_000} ms: ${url}`)));
    if (options.body !== undefined) req.end(options.body);
    else req.end();
  });
}

export function json<T>(res: HttpResponse): T {
  return JSON.parse(res.body.toString('utf8')) as T;
}
