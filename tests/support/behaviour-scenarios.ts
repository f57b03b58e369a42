// Generated key behaviours as gateway records (the ingest format), each with what it must be classified as.
import fc from 'fast-check';
import { retryAfterMs, type BehaviourEvent } from '@/lib/behaviour-rules';

export interface GatewayLine {
  request_id: string;
  timestamp: number;
  status: number;
  method: string;
  route: string;
  key_id: string;
  account_id: string;
  tier: string;
  error?: { code: string; message: string; details: Record<string, unknown> };
  idempotency_key?: string;
  request_fingerprint?: string;
  idempotent_replayed?: boolean;
  user_agent?: string;
}

export const KINDS = ['honours', 'early', 'immediate', 'abandons', 'futile', 'storm', 'key_reuse', 'in_progress'] as const;
export type Kind = (typeof KINDS)[number];

export interface Scenario {
  kind: Kind;
  key_id: string;
  t0: number;
  retry_after_s: number;
  /** honours/early/immediate: the gap to the next request, ms. futile: how many repeats. storm: requests after. */
  param: number;
}

export interface Built {
  lines: GatewayLine[];
  /** The request id of the limit whose class the scenario fixes (retry kinds), or of the chain's key. */
  limit_id?: string;
  idempotency_key?: string;
}

let seq = 0;
const nextId = (prefix: string) => `${prefix}_${(++seq).toString(36).padStart(6, '0')}`;

const base = (key_id: string, ts: number, route = '/v1/submissions'): GatewayLine => ({
  request_id: nextId('req'),
  timestamp: ts,
  status: 200,
  method: 'POST',
  route,
  key_id,
  account_id: `acct_${key_id}`,
  tier: 'free',
});

const limited = (key_id: string, ts: number, retry_after_s: number, route?: string): GatewayLine => ({
  ...base(key_id, ts, route),
  status: 429,
  error: { code: 'rate_limited', message: 'Too many requests.', details: { retry_after: retry_after_s, limit: 60 } },
});

const failed = (key_id: string, ts: number, code: string, status: number): GatewayLine => ({
  ...base(key_id, ts),
  status,
  error: { code, message: code, details: {} },
});

export function build(s: Scenario): Built {
  const { key_id, t0, retry_after_s: ra } = s;
  switch (s.kind) {
    case 'honours':
    case 'early':
    case 'immediate': {
      const l = limited(key_id, t0, ra);
      return { lines: [l, base(key_id, t0 + s.param)], limit_id: l.request_id };
    }
    case 'abandons': {
      const l = limited(key_id, t0, ra);
      return { lines: [base(key_id, t0 - 5_000), l, base(key_id, t0 + 3_600_000 + 1 + s.param)], limit_id: l.request_id };
    }
    case 'futile': {
      const lines = [];
      for (let i = 0; i <= s.param; i++) lines.push(failed(key_id, t0 + i * 7_000, 'invalid_credentials', 401));
      return { lines };
    }
    case 'storm': {
      const lines = [base(key_id, t0 - 50_000), base(key_id, t0 - 20_000)];
      const l = limited(key_id, t0, ra);
      lines.push(l);
      for (let i = 1; i <= s.param; i++) lines.push(i % 2 ? limited(key_id, t0 + i * 150, ra) : base(key_id, t0 + i * 150));
      return { lines, limit_id: l.request_id };
    }
    case 'key_reuse': {
      const idem = nextId('idem');
      const a = { ...base(key_id, t0), idempotency_key: idem, request_fingerprint: 'fp_a' };
      const b = { ...base(key_id, t0 + 2_000), idempotency_key: idem, request_fingerprint: 'fp_a', idempotent_replayed: true };
      const c = { ...base(key_id, t0 + 4_000), idempotency_key: idem, request_fingerprint: 'fp_a', idempotent_replayed: true };
      const d = { ...failed(key_id, t0 + 9_000, 'idempotency_key_mismatch', 422), idempotency_key: idem, request_fingerprint: 'fp_b' };
      return { lines: [a, b, c, d], idempotency_key: idem };
    }
    case 'in_progress': {
      const idem = nextId('idem');
      const a = { ...base(key_id, t0), idempotency_key: idem, request_fingerprint: 'fp_x' };
      const b = { ...failed(key_id, t0 + 150, 'idempotency_key_in_progress', 409), idempotency_key: idem, request_fingerprint: 'fp_x' };
      const c = { ...failed(key_id, t0 + 300, 'idempotency_key_in_progress', 409), idempotency_key: idem, request_fingerprint: 'fp_x' };
      const d = { ...base(key_id, t0 + 6_000), idempotency_key: idem, request_fingerprint: 'fp_x', idempotent_replayed: true };
      return { lines: [a, b, c, d], idempotency_key: idem };
    }
  }
}

/** A scenario whose parameters fit its kind: each classifies exactly as its name says when alone on its key. */
export function scenarioArb(keys: readonly string[], t0: fc.Arbitrary<number>): fc.Arbitrary<Scenario> {
  const key = fc.constantFrom(...keys);
  return fc.oneof(
    fc.record({ kind: fc.constant('honours' as Kind), key_id: key, t0, retry_after_s: fc.integer({ min: 1, max: 120 }), param: fc.nat(60_000) }).map((s) => ({
      ...s,
      param: Math.max(0, s.retry_after_s * 1000 - 1000) + s.param,
    })),
    fc.record({ kind: fc.constant('early' as Kind), key_id: key, t0, retry_after_s: fc.integer({ min: 3, max: 120 }), param: fc.nat() }).map((s) => ({
      ...s,
      param: 1000 + (s.param % (s.retry_after_s * 1000 - 2000)),
    })),
    fc.record({ kind: fc.constant('immediate' as Kind), key_id: key, t0, retry_after_s: fc.integer({ min: 2, max: 120 }), param: fc.nat(999) }),
    fc.record({ kind: fc.constant('abandons' as Kind), key_id: key, t0, retry_after_s: fc.integer({ min: 1, max: 600 }), param: fc.nat(100_000) }),
    fc.record({ kind: fc.constant('futile' as Kind), key_id: key, t0, retry_after_s: fc.constant(0), param: fc.integer({ min: 1, max: 25 }) }),
    fc.record({ kind: fc.constant('storm' as Kind), key_id: key, t0, retry_after_s: fc.integer({ min: 5, max: 60 }), param: fc.integer({ min: 10, max: 60 }) }),
    fc.record({ kind: fc.constant('key_reuse' as Kind), key_id: key, t0, retry_after_s: fc.constant(0), param: fc.constant(0) }),
    fc.record({ kind: fc.constant('in_progress' as Kind), key_id: key, t0, retry_after_s: fc.constant(0), param: fc.constant(0) }),
  );
}

/** What the classifiers see of a line (as the pipeline stores it). */
export function toEvent(l: GatewayLine): BehaviourEvent {
  return {
    request_id: l.request_id,
    code: l.error?.code ?? '',
    ts_ms: l.timestamp,
    status: l.status,
    key_id: l.key_id,
    route: l.route,
    retry_after_ms: retryAfterMs(l.status, l.error?.details ?? null),
  };
}
