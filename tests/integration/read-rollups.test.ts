// Every breakdown and series read from rollups equals the same count over raw rows, on random data and filters.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { openDatabase, type Db } from '@/db/client';
import { getBreakdown, getSummary, getTimeseries, planSegments } from '@/db/queries/stats';
import type { GatewayRecord } from '@/ingest/types';
import { kindOf, statusClass } from '@/lib/catalog';
import { countRate, isErrorDimension, matchesError, matchesPopulation } from '@/lib/error-rate';
import { BREAKDOWN_DIMENSIONS, parseFilters, type BreakdownDimension, type Filters } from '@/lib/filters';
import { bucketStarts, chooseBucket } from '@/lib/time-buckets';
import { OTHER_GROUP } from '@/lib/groups';
import { insertRecords, makeRecord } from '../support/factories';

const M = 60_000;
const H = 60 * M;
const T0 = Date.UTC(2026, 9, 1, 0, 0, 0);
const D = 24 * H;
// Ten days, so multi-day ranges with partial edge days read whole days from rollup_key_day.
const SPAN = 10 * D;

function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = prng(20261125);
const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

const KEYS = ['k1', 'k2', 'k3', 'k4', null] as const;
const ACCOUNTS = ['a1', 'a2', null] as const;
const TIERS = ['free', 'pro', null] as const;
const ROUTES = ['/v1/submissions', '/v1/submissions/{id}', '/v1/keys', null] as const;
const METHODS = ['GET', 'POST', null] as const;
const ERRORS: [string, number, string | null][] = [
  ['rate_limited', 429, null],
  ['capacity_exceeded', 429, 'daily_quota'],
  ['capacity_exceeded', 429, 'platform_queue'],
  ['internal_error', 500, null],
  ['internal_error', 503, null],
  ['not_found', 404, null],
  ['weird_new_code', 418, null],
];

const records: GatewayRecord[] = [];
let db: Db;

beforeAll(() => {
  db = openDatabase(':memory:');
  for (let i = 0; i < 6000; i++) {
    // Cluster a third of the records near hour and minute edges, where routing between sources changes.
    const base = rand() < 0.33 ? T0 + Math.floor(rand() * (SPAN / H)) * H + Math.floor(rand() * 2 - 1) * Math.floor(rand() * 90_000) : T0 + Math.floor(rand() * SPAN);
    const err = rand() < 0.4 ? pick(ERRORS) : null;
    records.push(
      makeRecord({
        ts_ms: Math.max(T0, base),
        code: err ? err[0] : '',
        status: err ? err[1] : pick([200, 201, 204, 302]),
        reason: err ? err[2] : null,
        key_id: pick(KEYS),
        account_id: pick(ACCOUNTS),
        tier: pick(TIERS),
        route: pick(ROUTES),
        method: pick(METHODS),
      }),
    );
  }
  for (let i = 0; i < records.length; i += 500) insertRecords(db, records.slice(i, i + 500));
});

/** The rule of lib/error-rate.ts over [lo, hi): in the population (requests), and passing the error filters too. */
function inPopulation(r: GatewayRecord, f: Filters, lo = f.from, hi = f.to): boolean {
  return matchesPopulation(r, { ...f, from: lo, to: hi });
}
function matches(r: GatewayRecord, f: Filters, lo = f.from, hi = f.to): boolean {
  return inPopulation(r, f, lo, hi) && matchesError(r, f);
}
/** Matching failures: what `errors` counts. */
function matchingErrors(f: Filters, lo = f.from, hi = f.to) {
  return records.filter((r) => r.status >= 400 && matches(r, f, lo, hi));
}

function dimensionValueOf(r: GatewayRecord, by: BreakdownDimension): string | null {
  switch (by) {
    case 'status':
      return String(r.status);
    case 'status_class':
      return statusClass(r.status);
    case 'kind':
      return kindOf(r.code);
    case 'code':
      return r.code === '' ? null : r.code;
    case 'key':
      return r.key_id;
    case 'account':
      return r.account_id;
    default:
      return r[by];
  }
}

function reference(f: Filters, by: BreakdownDimension, lo = f.from, hi = f.to) {
  const m = new Map<string | null, { requests: number; errors: number; records: number }>();
  let population = 0;
  for (const r of records) {
    if (!inPopulation(r, f, lo, hi)) continue;
    population++;
    const v = dimensionValueOf(r, by);
    const c = m.get(v) ?? { requests: 0, errors: 0, records: 0 };
    c.requests++;
    if (matchesError(r, f)) {
      c.records++;
      if (r.status >= 400) c.errors++;
    }
    m.set(v, c);
  }
  // Grouped by an error dimension, a group is a share of the whole population; groups nothing matches drop out.
  if (isErrorDimension(by)) {
    for (const [v, c] of m) {
      if (c.records === 0 && c.errors === 0) m.delete(v);
      else c.requests = population;
    }
  }
  return m;
}

const asMap = (rows: { value: string | null; requests: number; errors: number; records: number }[]) =>
  new Map(rows.map((r) => [r.value, { requests: r.requests, errors: r.errors, records: r.records }]));

function randomFilters(): Filters {
  const len = pick([5 * M + 7_001, 47 * M, 3 * H + 13 * M, 5 * H, 26 * H + 1, 49 * H + 29 * M + 31_337, 4 * D + 5 * H + 13 * M + 7_001, 7 * D - 1, 2 * D]);
  const from = T0 + Math.floor(rand() * (SPAN - len));
  const q = new URLSearchParams({ from: String(from), to: String(from + len) });
  const options: [string, readonly (string | null)[]][] = [
    ['status', ['4xx', '5xx', '429', '200']],
    ['code', ['rate_limited', 'capacity_exceeded', 'internal_error', 'weird_new_code']],
    ['tier', TIERS],
    ['key', KEYS],
    ['account', ACCOUNTS],
    ['route', ROUTES],
    ['method', METHODS],
    ['reason', ['daily_quota', 'platform_queue']],
  ];
  const n = pick([0, 0, 1, 1, 2]);
  for (let i = 0; i < n; i++) {
    const [name, values] = pick(options);
    const v = pick(values.filter((x): x is string => x !== null));
    q.append(name, v);
    if (rand() < 0.3) q.append(name, pick(values.filter((x): x is string => x !== null)));
  }
  return parseFilters(q, { now: T0 + SPAN });
}

describe('rollups equal raw counts (randomized)', () => {
  test('the data set spans hour edges and has every kind of missing dimension', () => {
    expect(records.filter((r) => r.key_id === null && r.account_id === null).length).toBeGreaterThan(50);
    expect(new Set(records.map((r) => Math.floor(r.ts_ms / H))).size).toBeGreaterThan(60);
  });

  test('planSegments uses hourly rollups for whole hours and raw rows only for sub-minute or key edges', () => {
    const from = T0 + 30 * M + 15_000;
    const to = T0 + 5 * H + 10 * M;
    expect(planSegments(from, to, new Set(['status', 'code']))).toEqual([
      { source: 'raw', from, to: T0 + 31 * M },
      { source: 'minute', from: T0 + 31 * M, to: T0 + H },
      { source: 'code_hour', from: T0 + H, to: T0 + 5 * H },
      { source: 'minute', from: T0 + 5 * H, to },
    ]);
    // A route needs rollup_hour, the narrowest hourly rollup that has it.
    expect(planSegments(from, to, new Set(['status', 'route'])).map((s) => s.source)).toEqual(['raw', 'hour', 'raw']);
    expect(planSegments(from, to, new Set(['status', 'key']))).toEqual([
      { source: 'raw', from, to: T0 + H },
      { source: 'key_hour', from: T0 + H, to: T0 + 5 * H },
      { source: 'raw', from: T0 + 5 * H, to },
    ]);
    expect(planSegments(from, to, new Set(['route', 'key']))).toEqual([{ source: 'raw', from, to }]);
  });

  test('planSegments reads whole UTC days from rollup_day or rollup_key_day only when no bucket is finer than a day', () => {
    const from = T0 + D + 22 * H + 30 * M;
    const to = T0 + 5 * D + 2 * H + 10 * M;
    expect(planSegments(from, to, new Set(['status', 'key']), 'day')).toEqual([
      { source: 'raw', from, to: T0 + D + 23 * H },
      { source: 'key_hour', from: T0 + D + 23 * H, to: T0 + 2 * D },
      { source: 'key_day', from: T0 + 2 * D, to: T0 + 5 * D },
      { source: 'key_hour', from: T0 + 5 * D, to: T0 + 5 * D + 2 * H },
      { source: 'raw', from: T0 + 5 * D + 2 * H, to },
    ]);
    expect(planSegments(from, to, new Set(['status', 'key']), 'hour').map((s) => s.source)).toEqual(['raw', 'key_hour', 'raw']);
    expect(planSegments(from, to, new Set(['status', 'code']), 'day')).toEqual([
      { source: 'minute', from, to: T0 + D + 23 * H },
      { source: 'code_hour', from: T0 + D + 23 * H, to: T0 + 2 * D },
      { source: 'day', from: T0 + 2 * D, to: T0 + 5 * D },
      { source: 'code_hour', from: T0 + 5 * D, to: T0 + 5 * D + 2 * H },
      { source: 'minute', from: T0 + 5 * D + 2 * H, to },
    ]);
    expect(planSegments(from, to, new Set(['route']), 'hour').map((s) => s.source)).toEqual(['raw', 'hour', 'raw']);
  });

  test('a multi-day range with unaligned edges read partly from rollup_day: breakdowns, the summary and daily series equal raw counts', () => {
    const from = T0 + 22 * H + 30 * M + 1_234;
    const to = T0 + 9 * D + 2 * H + 10 * M + 7;
    expect(planSegments(from, to, new Set(['route']), 'day').map((s) => s.source)).toContain('day');
    for (const extra of [{}, { route: '/v1/keys' }, { status: '5xx', method: 'POST' }, { tier: 'free', code: 'rate_limited' }] as Record<string, string>[]) {
      const f = parseFilters(new URLSearchParams({ from: String(from), to: String(to), ...extra }), { now: T0 + SPAN });
      for (const by of ['route', 'method', 'code', 'status', 'tier', 'reason'] as const) {
        expect(asMap(getBreakdown(db, f, { by, limit: 1000 }).rows), `by=${by} ${JSON.stringify(extra)}`).toEqual(reference(f, by));
      }
      expect(getSummary(db, f).requests.value).toBe(records.filter((r) => inPopulation(r, f, f.from, f.to)).length);
      const t = getTimeseries(db, f, { interval: 'day', by: 'route', limit: 3 });
      for (const b of t.buckets) {
        const inBucket = records.filter((r) => inPopulation(r, f, Math.max(b.ts_ms, f.from), Math.min(b.ts_ms + D, f.to)));
        expect(b.requests, b.ts).toBe(inBucket.length);
      }
    }
  });

  test('a multi-day range with unaligned edges: key and account breakdowns, keys with errors and a daily key series equal raw counts', () => {
    const from = T0 + D + 22 * H + 30 * M + 1_234;
    const to = T0 + 8 * D + 2 * H + 10 * M + 7;
    for (const extra of [{}, { key: 'k2' }, { account: 'a1', status: '4xx' }, { tier: 'pro' }] as Record<string, string>[]) {
      const f = parseFilters(new URLSearchParams({ from: String(from), to: String(to), ...extra }), { now: T0 + SPAN });
      for (const by of ['key', 'account', 'code', 'status'] as const) {
        expect(asMap(getBreakdown(db, f, { by, limit: 1000 }).rows), `by=${by} ${JSON.stringify(extra)}`).toEqual(reference(f, by));
      }
      expect(getSummary(db, f).keys_with_errors.value).toBe(new Set(matchingErrors(f).filter((r) => r.key_id).map((r) => r.key_id)).size);
      const t = getTimeseries(db, f, { interval: 'day', by: 'key', limit: 2 });
      for (const b of t.buckets) {
        const inBucket = records.filter((r) => inPopulation(r, f, Math.max(b.ts_ms, f.from), Math.min(b.ts_ms + D, f.to)));
        expect(b.requests).toBe(inBucket.length);
        for (const g of t.groups) {
          if (g.key === OTHER_GROUP) continue;
          expect(b.groups![g.key].requests, `${g.key} @ ${b.ts}`).toBe(inBucket.filter((r) => (r.key_id ?? '') === g.key).length);
        }
      }
    }
  });

  // An existing database's day rollups are backfilled from its hourly ones (hour buckets never straddle a UTC day).
  test.each([
    ['rollup_day', '0009_day-rollup.sql', ['rollup_hour'], 1],
    ['rollup_code_hour', '0010_code-hour-rollup.sql', ['rollup_minute'], 1],
    ['rollup_key_day', '0001_key-day-rollup.sql', ['rollup_hour', 'rollup_key_hour'], 2],
  ] as const)('the upgrade backfill rebuilds %s from the hourly rollups exactly as ingest writes it', (table, file, sources, statements) => {
    // Every row, in one order whatever the table's width.
    const rowsOf = (d: Db) => (d.$client.prepare(`SELECT * FROM ${table}`).all() as unknown[]).map((r) => JSON.stringify(r)).sort();
    const written = rowsOf(db);
    expect(written.length).toBeGreaterThan(100);
    const migration = fs.readFileSync(path.resolve('db/migrations', file), 'utf8').split('--> statement-breakpoint');
    const backfill = migration.filter((stmt) => stmt.includes('INSERT INTO'));
    expect(backfill).toHaveLength(statements);
    const copy = openDatabase(':memory:');
    try {
      for (const t of sources) {
        const rows = db.$client.prepare(`SELECT * FROM ${t}`).raw().all() as unknown[][];
        const ins = copy.$client.prepare(`INSERT INTO ${t} VALUES (${rows[0].map(() => '?').join(', ')})`);
        for (const r of rows) ins.run(...r);
      }
      copy.$client.prepare(`DELETE FROM ${table}`).run();
      for (const stmt of backfill) copy.$client.prepare(stmt).run();
      expect(rowsOf(copy)).toEqual(written);
    } finally {
      copy.$client.close();
    }
  });

  test.each(Array.from({ length: 30 }, (_, i) => i))('case %i: every breakdown and the summary', () => {
    const f = randomFilters();
    for (const by of BREAKDOWN_DIMENSIONS) {
      const got = getBreakdown(db, f, { by, limit: 1000 });
      const want = reference(f, by);
      expect(asMap(got.rows), `by=${by} ${JSON.stringify(f)}`).toEqual(want);
      for (let i = 1; i < got.rows.length; i++) expect(got.rows[i - 1].errors).toBeGreaterThanOrEqual(got.rows[i].errors);
    }
    const s = getSummary(db, f);
    const want = countRate(records, f);
    const cur = matchingErrors(f);
    expect(s.requests.value).toBe(want.requests);
    expect(s.errors.value).toBe(want.errors);
    expect(s.error_rate.value).toBe(s.no_totals ? null : want.error_rate);
    expect(s.errors_5xx.value).toBe(cur.filter((r) => r.status >= 500).length);
    expect(s.keys_with_errors.value).toBe(new Set(cur.filter((r) => r.key_id).map((r) => r.key_id)).size);
    const len = f.to - f.from;
    const prevF = { ...f, from: f.from - len, to: f.from };
    const prev = matchingErrors(prevF);
    expect(s.requests.previous).toBe(countRate(records, prevF).requests);
    expect(s.errors_4xx.value).toBe(cur.filter((r) => r.status < 500).length);
    expect(s.errors.previous).toBe(prev.length);
    expect(s.keys_with_errors.previous).toBe(new Set(prev.filter((r) => r.key_id).map((r) => r.key_id)).size);
  });

  test.each(Array.from({ length: 20 }, (_, i) => i))('case %i: every series interval, with and without `by`', () => {
    const f = randomFilters();
    for (const interval of ['auto', 'minute', 'hour', 'day'] as const) {
      const choice = chooseBucket(f.from, f.to, interval);
      const rawMinute = choice?.interval === 'minute' && (f.key.length || f.account.length || f.route.length || f.method.length);
      if (!choice || (rawMinute && f.to - f.from > 6 * H)) {
        expect(() => getTimeseries(db, f, { interval })).toThrow(/interval/);
        continue;
      }
      const by = pick([null, ...BREAKDOWN_DIMENSIONS.filter((d) => choice.interval !== 'minute' || ['status', 'code', 'tier', 'reason', 'kind', 'status_class'].includes(d))]);
      const t = getTimeseries(db, f, { interval, by, limit: 3 });
      expect(t.interval).toBe(choice.interval);
      if (by) {
        // The series' groups are the range's top values, as the breakdown ranks them, with the rest as "(other)".
        const bd = getBreakdown(db, f, { by, limit: 3 });
        expect(t.groups.filter((g) => g.key !== OTHER_GROUP).map((g) => [g.value, g.requests, g.errors, g.records])).toEqual(bd.rows.map((r) => [r.value, r.requests, r.errors, r.records]));
        expect(t.groups.find((g) => g.key === OTHER_GROUP)?.requests ?? null).toBe(bd.other?.requests ?? null);
      }
      expect(t.buckets.map((b) => b.ts_ms)).toEqual(bucketStarts(f.from, f.to, choice.interval_ms));
      for (const b of t.buckets) {
        const lo = Math.max(b.ts_ms, f.from);
        const hi = Math.min(b.ts_ms + choice.interval_ms, f.to);
        const inBucket = countRate(records, { ...f, from: lo, to: hi });
        expect(b.requests, `${interval} ${b.ts}`).toBe(inBucket.requests);
        expect(b.errors).toBe(inBucket.errors);
        const everything = countRate(records, { ...f, from: lo, to: hi, status: [], code: [], reason: [], key: [], account: [], tier: [], route: [], method: [] });
        const noSuccess = (c: { requests: number; failures: number }) => c.failures > 0 && c.failures === c.requests;
        expect(b.no_totals).toBe(noSuccess(inBucket) && noSuccess(everything));
        if (!by) continue;
        const want = reference(f, by, lo, hi);
        let otherReq = b.requests;
        for (const g of t.groups) {
          if (g.key === OTHER_GROUP) continue;
          const w = want.get(g.value) ?? { requests: isErrorDimension(by) ? b.requests : 0, errors: 0, records: 0 };
          expect(b.groups![g.key], `${by}=${g.key} @ ${b.ts}`).toEqual({ requests: w.requests, errors: w.errors });
          otherReq -= w.requests;
        }
        if (t.groups.some((g) => g.key === OTHER_GROUP)) expect(b.groups![OTHER_GROUP].requests).toBe(isErrorDimension(by) ? b.requests : otherReq);
      }
    }
  });
});
