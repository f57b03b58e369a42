// A process-wide budget for the decoded bytes held by request bodies still being read. Each body is capped on
// its own (16 MiB on the wire, 64 MiB decompressed); this bounds their sum, so N concurrent uploads (or bombs)
// cost at most the budget, not N × 64 MiB.
//
// A body that would push the total past the budget is refused at once with 503 service_unavailable and a
// Retry-After, not made to wait: the size of a body is only known as it is decoded, so a waiting request would
// keep what it already holds while waiting for others that may be waiting too. Log shippers retry a 503.
//
// Small bodies are not starved by large ones: the last `reserve` bytes of the budget are granted only to bodies
// that stay under `smallBody`, so an ordinary batch is accepted even while bombs hold the rest.
import { ApiError } from '@/lib/api-error';
import { getEnv } from '@/lib/env';

const MiB = 1024 * 1024;
export const DEFAULT_DECODE_BUDGET = 256 * MiB;
/** A body of at most this many decoded bytes may use the reserved part of the budget. */
export const SMALL_BODY = 2 * MiB;
/** Seconds a refused client is asked to wait: a refused bomb releases its share within a second. */
export const BUDGET_RETRY_AFTER = 2;

/** What one body holds against the budget; release() is idempotent. */
export interface BudgetLease {
  readonly held: number;
  /** Takes `n` more bytes; false (nothing taken) when the budget cannot grant them. */
  grow(n: number): boolean;
  release(): void;
  /** The error to answer with after a refused grow(). */
  refusal(): ApiError;
}

export class DecodeBudget {
  used = 0;
  /** Largest `used` seen since the last resetPeak(): for tests and the report. */
  peak = 0;
  leases = 0;
  refused = 0;
  readonly reserve: number;

  constructor(
    readonly limit: number,
    options: { reserve?: number; smallBody?: number } = {},
  ) {
    this.reserve = Math.min(options.reserve ?? Math.floor(limit / 8), limit);
    this.smallBody = options.smallBody ?? SMALL_BODY;
  }
  readonly smallBody: number;

  lease(): BudgetLease {
    let held = 0;
    let released = false;
    this.leases++;
    return {
      get held() {
        return held;
      },
      grow: (n: number) => {
        if (released) return false;
        const own = held + n;
        const ceiling = own <= this.smallBody ? this.limit : this.limit - this.reserve;
        if (this.used + n > ceiling) {
          this.refused++;
          return false;
        }
        held = own;
        this.used += n;
        this.peak = Math.max(this.peak, this.used);
        return true;
      },
      release: () => {
        if (released) return;
        released = true;
        this.used -= held;
        this.leases--;
        held = 0;
      },
      refusal: () =>
        new ApiError(
          'service_unavailable',
          'The server is decoding too many large request bodies at once; retry after the Retry-After delay.',
          { retry_after: BUDGET_RETRY_AFTER, decode_budget_bytes: this.limit },
          { 'Retry-After': String(BUDGET_RETRY_AFTER) },
        ),
    };
  }

  resetPeak(): void {
    this.peak = this.used;
  }
}

/** A lease that never refuses: for bodies already in memory (the CLI's import). */
export const UNBUDGETED: BudgetLease = {
  held: 0,
  grow: () => true,
  release: () => {},
  refusal: () => new ApiError('service_unavailable', 'unreachable'),
};

const KEY = Symbol.for('errata.decodeBudget');

/** The budget shared by every request of this process (one per process even if bundled twice); ERRATA_DECODE_BUDGET_MB. */
export function processDecodeBudget(): DecodeBudget {
  const g = globalThis as { [KEY]?: DecodeBudget };
  g[KEY] ??= new DecodeBudget(getEnv().ERRATA_DECODE_BUDGET_MB * MiB);
  return g[KEY];
}
