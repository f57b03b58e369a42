// Generated weeks of per-minute counts with daily and weekly seasonality and overdispersion, with scripted
// incidents, and a store over them with the same filter and breakdown semantics as the SQLite store (for the
// fields the alert rules use). Big enough for weeks at 1,000 requests/minute without millions of rows.
import { isErrorDimension } from '@/lib/error-rate';
import type { AlertStore } from '@/alerts/store';
import type { Breakdown, BreakdownRow, Timeseries } from '@/lib/api-types';
import type { BreakdownDimension, Filters } from '@/lib/filters';
import { createRng, type Rng } from '@/demo/traffic';

const MIN = 60_000;
const DAY = 86_400_000;
export const WEEK = 7 * DAY;

export const CODES = ['', 'invalid_parameter', 'rate_limited', 'internal_error', 'invalid_credentials', 'state_conflict'] as const;
const STATUS_OF: Record<string, number> = { '': 200, invalid_parameter: 400, rate_limited: 429, internal_error: 500, invalid_credentials: 401, state_conflict: 409 };

export interface KeySpec {
  key: string;
  tier: string;
  route: string;
  share: number;
  /** Error share per code (the rest succeeds). */
  errors: Partial<Record<(typeof CODES)[number], number>>;
}

export const KEYS: KeySpec[] = [
  { key: 'key_big', tier: 'enterprise', route: '/v1/submissions', share: 0.3, errors: { invalid_parameter: 0.02, rate_limited: 0.005, internal_error: 0.003 } },
  { key: 'key_a', tier: 'pro', route: '/v1/submissions', share: 0.12, errors: { invalid_parameter: 0.03, internal_error: 0.003 } },
  { key: 'key_b', tier: 'pro', route: '/v1/submissions/{id}', share: 0.1, errors: { invalid_parameter: 0.01, rate_limited: 0.02, internal_error: 0.003 } },
  { key: 'key_c', tier: 'starter', route: '/v1/submissions', share: 0.1, errors: { invalid_parameter: 0.04, internal_error: 0.003 } },
  { key: 'key_d', tier: 'starter', route: '/v1/problems', share: 0.1, errors: { invalid_parameter: 0.02, rate_limited: 0.01, internal_error: 0.003 } },
  { key: 'key_e', tier: 'free', route: '/v1/problems', share: 0.1, errors: { invalid_parameter: 0.05, internal_error: 0.003 } },
  { key: 'key_f', tier: 'free', route: '/v1/submissions', share: 0.08, errors: { invalid_parameter: 0.02, invalid_credentials: 0.01, internal_error: 0.003 } },
  { key: 'key_g', tier: 'free', route: '/v1/problems', share: 0.085, errors: { invalid_parameter: 0.03, internal_error: 0.003 } },
  { key: 'key_small', tier: 'free', route: '/v1/submissions', share: 0.015, errors: {} },
];

/** Requests per minute at the top of a weekday: a daily shape peaking mid-afternoon UTC, quieter weekends. */
export function shape(ms: number): number {
  const hour = (ms % DAY) / 3_600_000;
  const daily = 0.3 + 0.7 * Math.max(0, Math.sin(((hour - 6) / 18) * Math.PI)) ** 1.5;
  const dow = new Date(ms).getUTCDay();
  return daily * (dow === 0 || dow === 6 ? 0.5 : 1);
}

export interface Incident {
  name: string;
  from: number;
  to: number;
  /** Changes one minute's expected counts per key and code. */
  apply(ms: number, key: KeySpec, rates: Map<string, number>): void;
}

function poisson(rng: Rng, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * gauss(rng)));
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= rng();
  } while (p > l);
  return k - 1;
}

function gauss(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(rng() || 1e-12)) * Math.cos(2 * Math.PI * rng());
}

/** Struct-of-arrays cells: one per (minute, key, code) with a count. */
export class WeeksData {
  minuteStart: number;
  minutes: number;
  offsets: Int32Array;
  keyIdx: Uint8Array;
  codeIdx: Uint8Array;
  count: Int32Array;
  dayTotals = new Map<number, number>();

  constructor(opts: { start: number; weeks: number; peakPerMinute: number; seed: number; incidents: Incident[] }) {
    const rng = createRng(opts.seed);
    this.minuteStart = opts.start;
    this.minutes = Math.round((opts.weeks * WEEK) / MIN);
    const cap = this.minutes * KEYS.length * 4;
    const keyIdx = new Uint8Array(cap);
    const codeIdx = new Uint8Array(cap);
    const count = new Int32Array(cap);
    this.offsets = new Int32Array(this.minutes + 1);
    let n = 0;
    let noise = 1;
    for (let m = 0; m < this.minutes; m++) {
      const ms = opts.start + m * MIN;
      this.offsets[m] = n;
      // Slowly wandering level (AR(1) on a log scale): real traffic varies more than Poisson.
      noise = Math.exp(0.9 * Math.log(noise) + 0.06 * gauss(rng));
      const level = opts.peakPerMinute * shape(ms) * noise;
      const active = opts.incidents.filter((i) => ms >= i.from && ms < i.to);
      for (let k = 0; k < KEYS.length; k++) {
        const spec = KEYS[k];
        const total = level * spec.share;
        const rates = new Map<string, number>();
        let errShare = 0;
        for (const [code, share] of Object.entries(spec.errors)) {
          rates.set(code, total * share);
          errShare += share;
        }
        rates.set('', total * (1 - errShare));
        for (const inc of active) inc.apply(ms, spec, rates);
        for (const [code, lambda] of rates) {
          const c = poisson(rng, lambda);
          if (c === 0) continue;
          keyIdx[n] = k;
          codeIdx[n] = CODES.indexOf(code as (typeof CODES)[number]);
          count[n] = c;
          n++;
          const day = Math.floor(ms / DAY) * DAY;
          this.dayTotals.set(day, (this.dayTotals.get(day) ?? 0) + c);
        }
      }
    }
    this.offsets[this.minutes] = n;
    this.keyIdx = keyIdx.subarray(0, n);
    this.codeIdx = codeIdx.subarray(0, n);
    this.count = count.subarray(0, n);
  }
}

function matches(f: Filters, key: KeySpec, code: string): boolean {
  const status = STATUS_OF[code];
  if (f.status.length && !f.status.some((s) => (s.kind === 'class' ? Math.floor(status / 100) === s.class : s.status === status))) return false;
  if (f.code.length && !f.code.includes(code)) return false;
  if (f.tier.length && !f.tier.includes(key.tier)) return false;
  if (f.key.length && !f.key.includes(key.key)) return false;
  if (f.route.length && !f.route.includes(key.route)) return false;
  if (f.account.length || f.method.length || f.reason.length) return false;
  return true;
}

function dimensionValueOf(by: BreakdownDimension, key: KeySpec, code: string): string | null {
  switch (by) {
    case 'key':
      return key.key;
    case 'tier':
      return key.tier;
    case 'route':
      return key.route;
    case 'code':
      return code === '' ? null : code;
    case 'status':
      return String(STATUS_OF[code]);
    case 'status_class':
      return `${Math.floor(STATUS_OF[code] / 100)}xx`;
    default:
      throw new Error(`weeks store: no ${by} dimension`);
  }
}

const rate = (r: { requests: number; errors: number }) => (r.requests ? r.errors / r.requests : null);

/** The store the evaluator reads: breakdowns and day series over the generated cells. */
export function weeksStore(data: WeeksData, counter?: { calls: number }): AlertStore {
  return {
    // The generated weeks carry no client-behaviour facts.
    async retryStormCounts() {
      return [];
    },
    async breakdown(f, opts) {
      if (counter) counter.calls++;
      // The error-rate rule (lib/error-rate.ts), as the real stores count: population filters choose the requests,
      // error filters which failures count; an error dimension's rows all share the population as requests.
      const population = { ...f, status: [], code: [], reason: [] };
      const errorDim = isErrorDimension(opts.by);
      let populationRequests = 0;
      const acc = new Map<string | null, { requests: number; errors: number; records: number }>();
      const m0 = Math.max(0, Math.ceil((f.from - data.minuteStart) / MIN));
      const m1 = Math.min(data.minutes, Math.ceil((f.to - data.minuteStart) / MIN));
      for (let m = m0; m < m1; m++) {
        for (let i = data.offsets[m]; i < data.offsets[m + 1]; i++) {
          const key = KEYS[data.keyIdx[i]];
          const code = CODES[data.codeIdx[i]];
          if (!matches(population, key, code)) continue;
          const n = data.count[i];
          populationRequests += n;
          const all = matches(f, key, code);
          if (errorDim && !all) continue;
          const v = dimensionValueOf(opts.by, key, code);
          const c = acc.get(v) ?? { requests: 0, errors: 0, records: 0 };
          c.requests += n;
          if (all) c.records += n;
          if (all && STATUS_OF[code] >= 400) c.errors += n;
          acc.set(v, c);
        }
      }
      const totalErrors = [...acc.values()].reduce((n, c) => n + c.errors, 0);
      const all: BreakdownRow[] = [...acc]
        .map(([value, c]) => {
          const counts = { requests: errorDim ? populationRequests : c.requests, errors: c.errors };
          return { value, ...counts, error_rate: rate(counts), records: c.records, share: totalErrors ? c.errors / totalErrors : null };
        })
        .sort((a, b) => b.errors - a.errors || b.requests - a.requests);
      const total = { requests: populationRequests, errors: totalErrors, records: [...acc.values()].reduce((n, c) => n + c.records, 0) };
      const limit = opts.limit ?? 50;
      const out: Breakdown = {
        by: opts.by,
        from: new Date(f.from).toISOString(),
        to: new Date(f.to).toISOString(),
        from_ms: f.from,
        to_ms: f.to,
        rows: all.slice(0, limit),
        other: null,
        total: { value: null, ...total, error_rate: rate(total), share: totalErrors ? 1 : null },
      };
      return out;
    },
    async timeseries(f, opts) {
      if (opts?.interval !== 'day' || opts.by) throw new Error('weeks store: day series only');
      const buckets = [];
      for (let d = Math.floor(f.from / DAY) * DAY; d < f.to; d += DAY) {
        const requests = data.dayTotals.get(d) ?? 0;
        buckets.push({ ts: new Date(d).toISOString(), ts_ms: d, requests, errors: 0, error_rate: null, no_totals: false });
      }
      const out: Timeseries = { interval: 'day', interval_ms: DAY, auto: false, tick_format: 'MMM d', from: '', to: '', from_ms: f.from, to_ms: f.to, by: null, groups: [], buckets };
      return out;
    },
    async listRequests() {
      // Cells have no request ids; the detection test has no channels, so no notification asks for samples.
      return { records: [], next_cursor: null, prev_cursor: null };
    },
  };
}
