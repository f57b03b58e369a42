// An idempotency key's chain: every request that used it, in order, and what it says in plain words.
import type { ChainRow } from '@/db/types';
import type { IdempotencyChain } from '@/lib/api-types';
import { compareEvents, IN_PROGRESS_MIN_WAIT_MS, type ChainRole } from '@/lib/behaviour-rules';

export { CHAIN_ROLES, type ChainRole } from '@/lib/behaviour-rules';

/** One request of the chain, as the store reads it. */
export type ChainRequest = ChainRow;


/** A request of the chain with its role and the ms since the previous request (null for the first). */
export type ChainStep = IdempotencyChain['steps'][number];

/** What the chain says: the API's answer (lib/wire.ts idempotencyChainSchema) less the key and whether it was cut. */
export type ChainReading = Omit<IdempotencyChain, 'idempotency_key' | 'truncated'>;

const times = (n: number) => (n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`);

export function readChain(requests: readonly ChainRequest[]): ChainReading {
  const sorted = [...requests].sort(compareEvents);
  let original: string | null = null;
  let created = false;
  const fingerprints = new Set<string>();
  const steps: ChainStep[] = [];
  let tooFast = false;
  for (let i = 0; i < sorted.length; i++) {
    const r = sorted[i];
    const prev = i > 0 ? sorted[i - 1] : null;
    if (r.request_fingerprint !== null) fingerprints.add(r.request_fingerprint);
    let role: ChainRole;
    if (r.code === 'idempotency_key_mismatch') role = 'mismatch';
    else if (r.code === 'idempotency_key_in_progress') role = 'in_progress';
    else if (r.idempotent_replayed === true) role = 'replayed';
    else if (original !== null && r.request_fingerprint !== null && r.request_fingerprint !== original) role = 'different_body';
    else if (r.status < 400 && !created) role = 'created';
    else if (r.status >= 400) role = 'failed';
    else role = 'retried';
    if (role === 'created') created = true;
    if (original === null && r.request_fingerprint !== null && role !== 'mismatch') original = r.request_fingerprint;
    const gap_ms = prev ? r.ts_ms - prev.ts_ms : null;
    if (prev && prev.code === 'idempotency_key_in_progress' && gap_ms !== null && gap_ms < IN_PROGRESS_MIN_WAIT_MS) tooFast = true;
    steps.push({ ...r, role, gap_ms });
  }
  const count = (role: ChainRole) => steps.filter((s) => s.role === role).length;
  const counts = {
    requests: steps.length,
    replayed: count('replayed'),
    in_progress: count('in_progress'),
    mismatch: count('mismatch'),
    fingerprints: fingerprints.size,
  };
  return {
    steps,
    summary: summarize(steps, tooFast),
    flags: { reused_with_different_body: counts.mismatch > 0 || count('different_body') > 0 || fingerprints.size > 1, in_progress_retry_too_fast: tooFast },
    counts,
  };
}

/** Runs of the same role become one clause: "created by req_a, replayed twice, then reused with a different body (422 ...)". */
function summarize(steps: readonly ChainStep[], tooFast: boolean): string {
  if (steps.length === 0) return 'No request used this idempotency key.';
  const clauses: string[] = [];
  for (let i = 0; i < steps.length; ) {
    let j = i;
    while (j < steps.length && steps[j].role === steps[i].role) j++;
    const run = steps.slice(i, j);
    const s = run[0];
    const n = run.length;
    switch (s.role) {
      case 'created':
        clauses.push(`created by ${s.request_id}`);
        break;
      case 'failed':
        clauses.push(i === 0 ? `first sent as ${s.request_id} (${s.status}${s.code ? ` ${s.code}` : ''})` : `failed ${times(n)} (${s.status}${s.code ? ` ${s.code}` : ''})`);
        if (i === 0 && n > 1) clauses.push(`failed ${times(n - 1)} more`);
        break;
      case 'replayed':
        clauses.push(`replayed ${times(n)}`);
        break;
      case 'in_progress': {
        const fastest = Math.min(...run.map((r) => r.gap_ms ?? Infinity));
        const wait = Number.isFinite(fastest) ? `, ${formatGap(fastest)} after the previous attempt` : '';
        clauses.push(`retried while the first was still in progress (409)${n > 1 ? ` ${times(n)}` : ''}${wait}`);
        break;
      }
      case 'mismatch':
        clauses.push(`reused with a different body (422 idempotency_key_mismatch)${n > 1 ? ` ${times(n)}` : ''}`);
        break;
      case 'different_body':
        clauses.push(`sent again with a different body${n > 1 ? ` ${times(n)}` : ''} (${s.status}${s.code ? ` ${s.code}` : ''})`);
        break;
      case 'retried':
        clauses.push(`sent again ${times(n)}`);
        break;
    }
    i = j;
  }
  let text = clauses[0];
  for (let k = 1; k < clauses.length; k++) text += k === clauses.length - 1 && k > 1 ? `, then ${clauses[k]}` : k === 1 && clauses.length === 2 ? `, then ${clauses[k]}` : `, ${clauses[k]}`;
  text = text.charAt(0).toUpperCase() + text.slice(1) + '.';
  if (tooFast) text += ` It retried sooner than ${IN_PROGRESS_MIN_WAIT_MS / 1000} s after a 409; the reference advises waiting briefly.`;
  return text;
}

export function formatGap(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}
