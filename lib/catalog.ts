// The platform's error reference as data: the one source for every code, cause and fix.
// Pure module (no DB, no Node APIs) so client components may import it.

export const ERROR_KINDS = [
  'client_input',
  'auth',
  'billing',
  'permission',
  'not_found',
  'conflict',
  'limit',
  'platform',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export const KIND_LABELS: Record<ErrorKind | 'unknown', string> = {
  client_input: 'Client input',
  auth: 'Authentication',
  billing: 'Billing',
  permission: 'Permission',
  not_found: 'Not found',
  conflict: 'Conflict',
  limit: 'Limit',
  platform: 'Platform',
  unknown: 'Unknown code',
};

export const STATUS_FAMILIES = ['400', '401', '402', '403', '404', '409', '422', '429', '5xx'] as const;
export type StatusFamily = (typeof STATUS_FAMILIES)[number];

export const CAPACITY_REASONS = ['daily_quota', 'concurrent_submissions', 'platform_queue'] as const;
export type CapacityReason = (typeof CAPACITY_REASONS)[number];

export const CAPACITY_REASON_INFO: Record<CapacityReason, { label: string; fix: string; reply: string }> = {
  daily_quota: {
    label: 'Daily quota cap reached',
    fix: 'Retry tomorrow (the quota resets daily), or upgrade the tier for a higher daily cap.',
    reply:
      'Your account reached its daily submission quota. It resets at the start of the next day; upgrading your tier raises the cap.',
  },
  concurrent_submissions: {
    label: 'Concurrent-submissions cap reached',
    fix: 'Wait for in-flight runs to finish, then retry; or upgrade the tier for more concurrent submissions.',
    reply:
      'You had the maximum number of submissions running at once. Once one of them finishes, the same request will go through.',
  },
  platform_queue: {
    label: 'Platform queue at capacity',
    fix: 'Not caused by the customer: the platform queue was full. Retry later with backoff.',
    reply:
      'Our processing queue was briefly full. This was on our side, not yours: please retry in a few minutes.',
  },
};

export type DetailField = 'field' | 'retry_after' | 'used' | 'limit' | 'reason';

/**
 * What the reference tells a client to do before sending the same request again: `never` (the fix is a change on
 * the client's side: input, key, scopes, credits), `after_wait` (Retry-After, or "wait briefly"), `with_backoff`,
 * `after_check` (the resource's state may change on its own).
 */
export const RETRY_ADVICE = ['never', 'after_wait', 'with_backoff', 'after_check'] as const;
export type RetryAdvice = (typeof RETRY_ADVICE)[number];

export interface CatalogEntry {
  code: string;
  family: StatusFamily;
  /** The status the reference gives this code; 5xx codes accept any 5xx. */
  status: number;
  title: string;
  kind: ErrorKind;
  cause: string;
  fix: string;
  /** The `details` keys that carry meaning for this code. */
  details: readonly DetailField[];
  /** A reply support staff can send the customer, in plain words. */
  reply: string;
  retry: RetryAdvice;
}

const entries = [
  {
    code: 'invalid_parameter',
    family: '400',
    status: 400,
    title: 'Bad request',
    kind: 'client_input',
    cause: 'A query string parameter is malformed.',
    fix: 'Read the field value and the message; fix the input.',
    details: ['field'],
    reply:
      'The request was rejected because one of its query parameters was malformed (see the field named below). Correcting that value and sending the request again will fix it.',
    retry: 'never',
  },
  {
    code: 'invalid_body',
    family: '400',
    status: 400,
    title: 'Bad request',
    kind: 'client_input',
    cause: 'The JSON body did not parse or did not match schema.',
    fix: 'Validate the JSON before sending. Check field types.',
    details: ['field'],
    reply:
      'The request body was not valid JSON or did not match the expected schema. Please validate the JSON and check the field types before retrying.',
    retry: 'never',
  },
  {
    code: 'validation_failed',
    family: '422',
    status: 422,
    title: 'Request did not validate',
    kind: 'client_input',
    cause: "A submission's parameters are inconsistent.",
    fix: 'Read the message for the specific reason.',
    details: ['field'],
    reply:
      'The submission was well-formed but its parameters were inconsistent with each other. The error message names the specific problem; adjusting those parameters will let it through.',
    retry: 'never',
  },
  {
    code: 'idempotency_key_mismatch',
    family: '422',
    status: 422,
    title: 'Request did not validate',
    kind: 'client_input',
    cause: 'The same Idempotency-Key was reused with a different body.',
    fix: 'Generate a fresh UUID for each distinct submission.',
    details: [],
    reply:
      'The Idempotency-Key on this request had already been used with a different body. Please generate a fresh UUID for each distinct submission.',
    retry: 'never',
  },
  {
    code: 'missing_credentials',
    family: '401',
    status: 401,
    title: 'Not authenticated',
    kind: 'auth',
    cause: 'No Authorization header.',
    fix: 'Send the header with Bearer <key>.',
    details: [],
    reply:
      'The request arrived without an Authorization header. Please send your API key as "Authorization: Bearer <key>".',
    retry: 'never',
  },
  {
    code: 'invalid_credentials',
    family: '401',
    status: 401,
    title: 'Not authenticated',
    kind: 'auth',
    cause: 'The key does not exist, was revoked, or has expired.',
    fix: 'Check the key. Rotate or create a new one.',
    details: [],
    reply:
      'The API key used was not valid: it does not exist, was revoked, or has expired. Please check the key, or create a new one in your dashboard.',
    retry: 'never',
  },
  {
    code: 'account_disabled',
    family: '401',
    status: 401,
    title: 'Not authenticated',
    kind: 'auth',
    cause: 'The owning account is disabled or unverified.',
    fix: 'Sign in to the website and resolve the warning.',
    details: [],
    reply:
      'The account that owns this key is disabled or not yet verified. Signing in to the website will show the warning to resolve.',
    retry: 'never',
  },
  {
    code: 'insufficient_credits',
    family: '402',
    status: 402,
    title: 'Payment required',
    kind: 'billing',
    cause: 'Your free + paid credit balance is at or below the negative-balance cap (default $1).',
    fix: 'Top up credits. See Credits.',
    details: ['used', 'limit'],
    reply:
      'Your credit balance reached the negative-balance cap, so new requests are paused. Topping up credits resumes service immediately.',
    retry: 'never',
  },
  {
    code: 'scope_required',
    family: '403',
    status: 403,
    title: 'Not authorised',
    kind: 'permission',
    cause: 'The key does not have the scope this endpoint needs.',
    fix: "Edit the key's scopes (Editing the scopes on an existing key) or use a different key.",
    details: [],
    reply:
      "The API key used does not have the scope this endpoint needs. You can add the scope to the key in your dashboard, or use a key that has it.",
    retry: 'never',
  },
  {
    code: 'tier_limit_exceeded',
    family: '403',
    status: 403,
    title: 'Not authorised',
    kind: 'limit',
    cause: "A submission parameter is above your tier's cap (e.g. num_generations, num_genes).",
    fix: 'Reduce the parameter, or upgrade your tier. See Rate limits and quotas.',
    details: ['field', 'used', 'limit'],
    reply:
      "A parameter of the submission was above your tier's cap. Reducing it to the limit shown, or upgrading your tier, will let it through.",
    retry: 'never',
  },
  {
    code: 'forbidden',
    family: '403',
    status: 403,
    title: 'Not authorised',
    kind: 'permission',
    cause: 'The action is not allowed on this resource.',
    fix: 'Check ownership or share state.',
    details: [],
    reply:
      'That action is not allowed on this resource for your account. Please check that the resource is yours or has been shared with you.',
    retry: 'never',
  },
  {
    code: 'not_found',
    family: '404',
    status: 404,
    title: 'Not found',
    kind: 'not_found',
    cause: 'The id does not exist or does not belong to your account.',
    fix: 'Check the id and that the resource is yours.',
    details: [],
    reply:
      'The id in the request does not exist or does not belong to your account. Please double-check the id.',
    retry: 'never',
  },
  {
    code: 'state_conflict',
    family: '409',
    status: 409,
    title: 'Conflict',
    kind: 'conflict',
    cause: 'The submission cannot move from its current state to the requested one.',
    fix: 'Check the current status first.',
    details: [],
    reply:
      'The submission could not move from its current state to the one requested. Checking its current status first will show which actions are possible.',
    retry: 'after_check',
  },
  {
    code: 'duplicate_resource',
    family: '409',
    status: 409,
    title: 'Conflict',
    kind: 'conflict',
    cause: 'A resource with this name already exists.',
    fix: 'Pick a different name.',
    details: [],
    reply: 'A resource with this name already exists. Please pick a different name.',
    retry: 'never',
  },
  {
    code: 'idempotency_key_in_progress',
    family: '409',
    status: 409,
    title: 'Conflict',
    kind: 'conflict',
    cause: 'A request with the same Idempotency-Key is still being processed.',
    fix: 'Wait briefly and retry the same request.',
    details: [],
    reply:
      'A request with the same Idempotency-Key was still being processed. Waiting a moment and retrying the same request will return its result.',
    retry: 'after_wait',
  },
  {
    code: 'rate_limited',
    family: '429',
    status: 429,
    title: 'Too many requests',
    kind: 'limit',
    cause: 'Per-minute rate limit hit (default 60 req/min).',
    fix: 'Honor Retry-After, then retry. See Rate limits and quotas.',
    details: ['retry_after', 'limit'],
    reply:
      'Your key hit its per-minute rate limit. Waiting for the Retry-After period before retrying (and spreading requests out) avoids this.',
    retry: 'after_wait',
  },
  {
    code: 'capacity_exceeded',
    family: '429',
    status: 429,
    title: 'Too many requests',
    kind: 'limit',
    cause: 'One of: daily-quota cap, concurrent-submissions cap, or platform queue at capacity.',
    fix: 'Read details.reason to tell which. Wait for in-flight runs to finish, retry tomorrow, or upgrade the tier.',
    details: ['reason', 'used', 'limit', 'retry_after'],
    reply: 'A capacity limit was reached.',
    retry: 'after_wait',
  },
  {
    code: 'too_many_active_api_requests',
    family: '429',
    status: 429,
    title: 'Too many requests',
    kind: 'limit',
    cause: 'You already have the maximum number of API submissions in flight (default 5).',
    fix: 'Wait for one to finish before creating another.',
    details: ['used', 'limit'],
    reply:
      'You already had the maximum number of API submissions in flight. Once one of them finishes you can create another.',
    retry: 'after_wait',
  },
  {
    code: 'internal_error',
    family: '5xx',
    status: 500,
    title: 'Server-side problem',
    kind: 'platform',
    cause: 'Something on our side broke. We log every occurrence.',
    fix: 'Retry with backoff. If it persists, contact support with the request id from the response.',
    details: [],
    reply:
      'This was an error on our side, not yours, and we are looking into it. Retrying with backoff should succeed; sorry for the trouble.',
    retry: 'with_backoff',
  },
  {
    code: 'service_unavailable',
    family: '5xx',
    status: 503,
    title: 'Server-side problem',
    kind: 'platform',
    cause: 'The platform is temporarily over-loaded or in maintenance.',
    fix: 'Retry after the period in Retry-After.',
    details: ['retry_after'],
    reply:
      'The platform was briefly overloaded or in maintenance. Retrying after the Retry-After period will succeed.',
    retry: 'after_wait',
  },
] as const satisfies readonly CatalogEntry[];

export const CATALOG: readonly CatalogEntry[] = entries;
export type KnownCode = (typeof entries)[number]['code'];
export const ERROR_CODES = entries.map((e) => e.code) as readonly KnownCode[];

const byCode = new Map<string, CatalogEntry>(CATALOG.map((e) => [e.code, e]));

export function getCatalogEntry(code: string): CatalogEntry | undefined {
  return byCode.get(code);
}

export function statusFamily(status: number): StatusFamily | null {
  if (status >= 500 && status <= 599) return '5xx';
  const s = String(status);
  return (STATUS_FAMILIES as readonly string[]).includes(s) ? (s as StatusFamily) : null;
}

/** True when the catalog gives this code another status than the one seen (5xx codes accept any 5xx). */
export function isStatusMismatch(code: string, status: number): boolean {
  const entry = byCode.get(code);
  if (!entry) return false;
  return entry.family === '5xx' ? status < 500 || status > 599 : entry.status !== status;
}

/** True when the reference says retrying the same request cannot succeed (the client must change something first). */
export function isFutileRetryCode(code: string): boolean {
  return byCode.get(code)?.retry === 'never';
}

export function kindOf(code: string): ErrorKind | 'unknown' | null {
  if (code === '') return null;
  return byCode.get(code)?.kind ?? 'unknown';
}

export function statusClass(status: number): string {
  return `${Math.floor(status / 100)}xx`;
}
