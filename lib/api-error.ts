// The one error envelope: {"error":{code,message,details,request_id}}, the same shape the platform uses.
import { randomUUID } from 'node:crypto';
import { recordHttp } from './metrics';

export const API_ERROR_CODES = {
  invalid_parameter: 400,
  invalid_body: 400,
  missing_credentials: 401,
  invalid_credentials: 401,
  scope_required: 403,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  csrf_failed: 403,
  payload_too_large: 413,
  decompressed_too_large: 413,
  too_many_records: 413,
  unsupported_encoding: 415,
  unsupported_media_type: 415,
  rate_limited: 429,
  login_locked: 429,
  internal_error: 500,
  service_unavailable: 503,
  storage_unavailable: 503,
} as const;
export type ApiErrorCode = keyof typeof API_ERROR_CODES;

// Next.js bundles instrumentation.ts and each route separately, so one process can hold several copies of this
// class: the writer started at boot rejects with the boot bundle's ApiError, which a route's plain `instanceof` would
// not recognise (and answer 500). The brand is shared across copies.
const API_ERROR_BRAND = Symbol.for('errata.ApiError');

export class ApiError extends Error {
  readonly status: number;
  readonly [API_ERROR_BRAND] = true;
  static [Symbol.hasInstance](value: unknown): boolean {
    if (this !== ApiError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[API_ERROR_BRAND] === true;
  }
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = API_ERROR_CODES[code];
  }
}

export class NotFoundError extends ApiError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('not_found', message, details);
  }
}

export class ValidationError extends ApiError {
  constructor(message: string, field: string, details: Record<string, unknown> = {}) {
    super('invalid_parameter', message, { field, ...details });
  }
}

export function newRequestId(): string {
  return `req_${randomUUID().replace(/-/g, '')}`;
}

export function errorBody(code: string, message: string, details: Record<string, unknown>, requestId: string) {
  return { error: { code, message, details, request_id: requestId } };
}

interface ZodLikeIssue {
  path: PropertyKey[];
  message: string;
}
function isZodError(err: unknown): err is { issues: ZodLikeIssue[] } {
  return typeof err === 'object' && err !== null && (err as { name?: string }).name === 'ZodError';
}

/** Maps any thrown value to the envelope; unknown errors never echo their message. */
export function toErrorResponse(err: unknown, requestId: string): Response {
  let status = 500;
  let body;
  let headers: Record<string, string> = {};
  if (err instanceof ApiError) {
    status = err.status;
    headers = err.headers;
    body = errorBody(err.code, err.message, err.details, requestId);
  } else if (isZodError(err)) {
    status = 400;
    const first = err.issues[0];
    const field = first ? first.path.map(String).join('.') : '';
    body = errorBody('invalid_parameter', first ? `${field || 'input'}: ${first.message}` : 'Invalid input.', { field, issues: err.issues.map((i) => ({ field: i.path.map(String).join('.'), message: i.message })) }, requestId);
  } else {
    console.error(`[${requestId}]`, err);
    body = errorBody('internal_error', 'Something went wrong on our side. Quote the request id if it persists.', {}, requestId);
  }
  return Response.json(body, { status, headers: { ...headers, 'X-Request-Id': requestId, 'Cache-Control': 'no-store' } });
}

export function jsonResponse(data: unknown, requestId: string, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set('X-Request-Id', requestId);
  if (!headers.has('Cache-Control')) headers.set('Cache-Control', 'no-store');
  return Response.json(data, { ...init, headers });
}

export interface ApiOptions {
  /** Renders a typed failure in another format than the envelope (OTLP answers a google.rpc.Status). */
  renderError?: (err: ApiError, req: Request, requestId: string) => Response;
}

/**
 * Wraps a route handler: one request id per call, every failure mapped to the envelope, and every answer counted
 * in the HTTP metrics (lib/metrics.ts) by route template and status, up to the response's start.
 */
export function withApi<C>(handler: (req: Request, ctx: C, requestId: string) => Promise<Response>, options: ApiOptions = {}) {
  return async (req: Request, ctx: C): Promise<Response> => {
    const started = performance.now();
    const requestId = newRequestId();
    let res: Response;
    let code: string | undefined;
    try {
      res = await handler(req, ctx, requestId);
      if (!res.headers.has('X-Request-Id')) res.headers.set('X-Request-Id', requestId);
    } catch (err) {
      code = err instanceof ApiError ? err.code : 'internal_error';
      res = err instanceof ApiError && options.renderError ? options.renderError(err, req, requestId) : toErrorResponse(err, requestId);
    }
    try {
      recordHttp(new URL(req.url).pathname, req.method, res.status, (performance.now() - started) / 1000, code);
    } catch {
      /* metrics never fail a request */
    }
    return res;
  };
}
