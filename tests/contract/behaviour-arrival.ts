// Client behaviour under any arrival (issue 18 on every store): generated key behaviours go through the real ingest
// pipeline into a reference SQLite store in order, and into the store under test shuffled, in batches of random
// size, with resends and a batch half old and half new. Every BehaviourReads answer, and the four behaviour fields
// in lookups, lists and CSV, must be identical.
//
//   behaviourArrivalContract({ name: 'chdb', open: async () => openMyStore(), reference: async () => openSqliteStore(':memory:') });
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RequestStore } from '@/db/store';
import { processBatch } from '@/ingest';
import { parseFilters } from '@/lib/filters';
import { behaviourStories } from '@/demo/traffic';
import { RETRY_CLASS_VALUES } from '@/lib/behaviour-rules';
import { build, scenarioArb, type GatewayLine } from '../support/behaviour-scenarios';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Scenarios start over two days across a UTC midnight, so per-day counts split. */
const T0 = Date.UTC(2026, 10, 24, 21, 13, 7, 123);
const T1 = T0 + 2 * DAY;
const KEYS = ['key_a', 'key_b', 'key_c', "key_'q\\d", 'key_e', 'key_f'];

export interface BehaviourArrivalOptions {
  name: string;
  open: () => Promise<RequestStore>;
  reference: () => Promise<RequestStore>;
  timeoutMs?: number;
}

/** Deterministic scenarios: many per key, so their windows overlap and a batch corrects facts stored before it. */
export function arrivalLines(): GatewayLine[] {
  const [scenarios] = fc.sample(fc.array(scenarioArb(KEYS, fc.integer({ min: T0, max: T1 })), { minLength: 90, maxLength: 90 }), { seed: 18, numRuns: 1 });
  const lines = scenarios.flatMap((s) => build(s).lines);
  // Plus dense traffic on some keys around the limits (storms, near successors) and the demo's three stories.
  const [dense] = fc.sample(fc.array(fc.tuple(fc.constantFrom(...KEYS), fc.integer({ min: T0, max: T1 })), { minLength: 400, maxLength: 400 }), { seed: 180, numRuns: 1 });
  dense.forEach(([key_id, ts], i) => {
    lines.push({ request_id: `req_dense_${i.toString().padStart(4, '0')}`, timestamp: ts, status: 200, method: 'GET', route: i % 2 ? '/v1/submissions' : '/v1/other', key_id, account_id: `acct_${key_id}`, tier: 'pro', user_agent: `ua/${i % 5}` });
  });
  for (const r of behaviourStories({ end: T1, seed: 18 })) lines.push({ ...(r as unknown as GatewayLine), timestamp: Date.parse(String(r.timestamp)) });
  return lines;
}

const enc = (lines: readonly GatewayLine[]) => new TextEncoder().encode(lines.map((l) => JSON.stringify(l)).join('\n'));

export function behaviourArrivalContract(opts: BehaviourArrivalOptions): void {
  const timeout = opts.timeoutMs ?? 120_000;
  describe(`client behaviour under shuffled and resent arrival: ${opts.name}`, () => {
    let ref: RequestStore;
    let sut: RequestStore;
    const lines = arrivalLines();
    const limitIds: string[] = [];
    const idemKeys = [...new Set(lines.map((l) => l.idempotency_key).filter((k): k is string => k !== undefined))];
    let from = 0;
    let to = 0;
    const timings: Record<string, number> = {};

    async function same<T>(label: string, ask: (s: RequestStore) => Promise<T>): Promise<T> {
      const want = await ask(ref);
      const got = await ask(sut);
      if (JSON.stringify(got) !== JSON.stringify(want)) expect(got, label).toEqual(want);
      return want;
    }

    beforeAll(async () => {
      ref = await opts.reference();
      sut = await opts.open();
      const inOrder = [...lines].sort((a, b) => a.timestamp - b.timestamp);
      for (let i = 0; i < inOrder.length; i += 200) await processBatch(ref, enc(inOrder.slice(i, i + 200)), { token_id: null, received_ms: T1 });
      // Shuffled, in batches of 1 to 120 lines; a third of the batches resent later, one batch half resent half new.
      const [order] = fc.sample(fc.array(fc.nat(), { minLength: lines.length * 2, maxLength: lines.length * 2 }), { seed: 1818, numRuns: 1 });
      const shuffled = [...lines];
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = order[i] % (i + 1);
        [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
      }
      const batches: GatewayLine[][] = [];
      for (let i = 0, k = 0; i < shuffled.length; k++) {
        const size = 1 + (order[lines.length + k] % 120);
        batches.push(shuffled.slice(i, i + size));
        i += size;
      }
      const resends = batches.filter((_, i) => i % 3 === 1);
      const last = batches.pop()!;
      const started = Date.now();
      for (const b of batches) await processBatch(sut, enc(b), { token_id: null, received_ms: T1 });
      for (const b of resends) await processBatch(sut, enc(b), { token_id: null, received_ms: T1 });
      await processBatch(sut, enc([...batches[0], ...last]), { token_id: null, received_ms: T1 });
      timings.write_ms = Date.now() - started;
      timings.batches = batches.length + resends.length + 1;
      from = Math.floor(T0 / DAY) * DAY - DAY;
      to = Math.ceil((T1 + 2 * HOUR) / DAY) * DAY + DAY;
      for (const l of await ref.behaviourLimits({ from, to, now: T1 + DAY, limit: 100_000 })) limitIds.push(`${l.request_id}\u0000${l.code}`);
    }, 600_000);

    afterAll(async () => {
      console.log(`[behaviour arrival ${opts.name}] ${JSON.stringify(timings)}`);
      await sut?.close();
      await ref?.close();
    });

    test('the data has every behaviour', async () => {
      const limits = await ref.behaviourLimits({ from, to, now: T1 + DAY, limit: 100_000 });
      const classes = new Set(limits.map((l) => l.retry_class));
      for (const c of ['honoured', 'early', 'immediate', 'abandoned'] as const) expect(classes, c).toContain(c);
      expect(limits.some((l) => l.storm)).toBe(true);
      expect((await ref.futileRepeats({ from, to, now: T1 + DAY, limit: 1000 })).length).toBeGreaterThan(20);
      expect(idemKeys.length).toBeGreaterThan(5);
    });

    test('per key and day counts, at several clocks (pending turns abandoned), all keys and one', async () => {
      const t = Date.now();
      for (const now of [T1 - 30 * MIN, T1 + 10 * MIN, T1 + 2 * HOUR, T1 + 3 * DAY]) {
        await same(`keyDays now=${now}`, (s) => s.behaviourKeyDays({ from, to, now }));
        for (const key of KEYS) await same(`keyDays ${key} now=${now}`, (s) => s.behaviourKeyDays({ from, to, now, keys: [key] }));
        await same(`keyDays one day now=${now}`, (s) => s.behaviourKeyDays({ from: T0 + DAY, to: T0 + DAY + 1, now }));
      }
      timings.key_days_ms = Date.now() - t;
    }, timeout);

    test('limits: every order, class filter, storms, keyset pages', async () => {
      const t = Date.now();
      const now = T1 + 20 * MIN;
      for (const order of ['newest', 'fastest', 'largest_storm'] as const) {
        for (const keys of [undefined, ['key_a'], ['key_b', "key_'q\\d"]]) {
          await same(`limits ${order} ${keys}`, (s) => s.behaviourLimits({ from, to, now, keys, order, limit: 10_000 }));
          await same(`limits ${order} ${keys} storms`, (s) => s.behaviourLimits({ from, to, now, keys, order, storm_only: true, limit: 10_000 }));
        }
      }
      for (const c of RETRY_CLASS_VALUES) await same(`limits class ${c}`, (s) => s.behaviourLimits({ from, to, now, retry_class: [c], limit: 10_000 }));
      await same('limits immediate+early fastest', (s) => s.behaviourLimits({ from, to, now, retry_class: ['immediate', 'early'], order: 'fastest', limit: 10 }));
      await same('limits abandoned+pending', (s) => s.behaviourLimits({ from, to, now, retry_class: ['abandoned', 'pending'], limit: 10_000 }));
      // Newest first, 17 at a time, walked with the keyset.
      let before: { ts_ms: number; request_id: string; code: string } | null = null;
      for (let page = 0; page < 100; page++) {
        const got: Awaited<ReturnType<RequestStore['behaviourLimits']>> = await same(`limits page ${page}`, (s) => s.behaviourLimits({ from, to, now, limit: 17, before }));
        if (got.length < 17) break;
        const l = got[got.length - 1];
        before = { ts_ms: l.ts_ms, request_id: l.request_id, code: l.code };
      }
      timings.limits_ms = Date.now() - t;
    }, timeout);

    test('one limit at a time (support replies), and what is not a limit', async () => {
      const t = Date.now();
      expect(limitIds.length).toBeGreaterThan(50);
      for (const id of limitIds) {
        const [request_id, code] = id.split('\u0000');
        await same(`limit ${request_id}`, (s) => s.behaviourLimit(request_id, code, T1 + 10 * MIN));
      }
      await same('limit missing', (s) => s.behaviourLimit('req_dense_0001', '', T1));
      timings.limit_each_ms = Math.round((Date.now() - t) / (limitIds.length + 1));
    }, timeout);

    test('futile repeats and counts; key requests between', async () => {
      for (const keys of [undefined, ['key_a'], ['key_c', 'key_e']]) {
        await same(`futile ${keys}`, (s) => s.futileRepeats({ from, to, now: T1, keys, limit: 10_000 }));
        await same(`futile ${keys} 5`, (s) => s.futileRepeats({ from, to, now: T1, keys, limit: 5, codes: ['invalid_credentials'] }));
      }
      const some = lines.filter((_, i) => i % 11 === 0);
      for (const l of some) {
        const code = l.error?.code ?? 'invalid_credentials';
        await same(`countFutile ${l.request_id}`, (s) => s.countFutileRepeats(l.key_id, code, l.timestamp - HOUR, l.timestamp + HOUR));
        await same(`between ${l.request_id}`, (s) => s.countKeyRequestsBetween(l.key_id, l.timestamp, l.timestamp + 30_000));
      }
    }, timeout);

    test('idempotency chains and the four fields in lookups, lists and CSV', async () => {
      for (const k of [...idemKeys, 'idem_missing', "idem_'q"]) {
        await same(`chain ${k}`, (s) => s.idempotencyChain(k));
        await same(`has ${k}`, (s) => s.hasIdempotencyKey(k));
      }
      const withFields = lines.filter((l) => l.idempotency_key || l.user_agent).slice(0, 60);
      expect(withFields.length).toBeGreaterThan(20);
      // Arrival order gives each store its own ids, so ties on ts_ms order differently: compare the records, sorted.
      for (const l of withFields) await same(`getRequest ${l.request_id}`, async (s) => (await s.getRequest(l.request_id))?.records);
      const p = new URLSearchParams({ from: new Date(from).toISOString(), to: new Date(to).toISOString() });
      const f = parseFilters(p, { now: to });
      const byId = (a: { request_id: string; code: string | null }, b: { request_id: string; code: string | null }) =>
        a.request_id < b.request_id ? -1 : a.request_id > b.request_id ? 1 : (a.code ?? '') < (b.code ?? '') ? -1 : 1;
      await same('list', async (s) => (await s.listRequests(f, { limit: 5000 })).records.sort(byId));
      const csv = async (s: RequestStore) => Buffer.from(await new Response(await s.requestsCsv(f)).arrayBuffer()).toString('utf8').split('\r\n').sort();
      const body = (await same('csv', csv)).join('\n');
      expect(body).toContain('idem_');
    }, timeout);
  });
}
