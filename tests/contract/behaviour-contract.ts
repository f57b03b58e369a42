// The client-behaviour part of the request-store contract (BehaviourReads in db/store.ts), run by store-contract.ts
// inside its suite on the same two stores. Generated key behaviours (honoured, early, immediate, abandoned, futile,
// storm, idempotency key reuse and in-progress retries) are written shuffled, split and partly resent; every store
// must classify them exactly as the from-scratch definition (behaviour/reference.ts) says, answer every behaviour
// read as the reference store does over all the contract data, and give behaviour/ the same verdicts and sentences.
import { expect, test } from 'vitest';
import { describeClientAction, getIdempotencyKeyChain, getKeyBehaviour, listWorstKeys } from '@/behaviour';
import { computeBehaviour } from '@/behaviour/reference';
import type { RequestStore } from '@/db/store';
import type { FutileRepeat, KeyDayRow, LimitRecord, RequestRow } from '@/db/types';
import { prepareBatch } from '@/ingest';
import { toRow } from '@/ingest/write';
import { dayRange, readClass, RETRY_CLASS_VALUES, type LimitFact } from '@/lib/behaviour-rules';
import { build, toEvent, type GatewayLine, type Kind, type Scenario } from '../support/behaviour-scenarios';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** Inside the contract's data range (CONTRACT_START_MS .. CONTRACT_END_MS), on keys of their own. */
const T0 = Date.UTC(2026, 10, 18, 6, 0, 0);
/** After every abandonment is final. */
export const BEHAVIOUR_NOW = Date.UTC(2026, 10, 21);
const RANGE = { from: Date.UTC(2026, 10, 15), to: Date.UTC(2026, 10, 22) };
const HOSTILE_IDEMPOTENCY_KEY = `idem_"q'\\ ünï 🙂; DROP`;

interface Planned extends Scenario {
  /** What the scenario's limit must be classified as (retry kinds). */
  expect?: LimitRecord['retry_class'];
  limit_id?: string;
  idempotency_key?: string;
}

const SCENARIOS: Planned[] = [
  { kind: 'honours', key_id: 'bc_honours', t0: T0, retry_after_s: 30, param: 31_000, expect: 'honoured' },
  // The same key honours again the next day: two key-days.
  { kind: 'honours', key_id: 'bc_honours', t0: T0 + DAY + 3 * HOUR, retry_after_s: 5, param: 4_200, expect: 'honoured' },
  { kind: 'early', key_id: 'bc_early', t0: T0 + 10 * MIN, retry_after_s: 30, param: 9_000, expect: 'early' },
  { kind: 'immediate', key_id: 'bc_immediate', t0: T0 + 20 * MIN, retry_after_s: 20, param: 250, expect: 'immediate' },
  { kind: 'abandons', key_id: 'bc_abandons', t0: T0 + 30 * MIN, retry_after_s: 60, param: 5_000, expect: 'abandoned' },
  { kind: 'futile', key_id: 'bc_futile', t0: T0 + 40 * MIN, retry_after_s: 0, param: 8 },
  { kind: 'storm', key_id: 'bc_storm', t0: T0 + 50 * MIN, retry_after_s: 30, param: 24 },
  { kind: 'key_reuse', key_id: 'bc_reuse', t0: T0 + 60 * MIN, retry_after_s: 0, param: 0 },
  { kind: 'in_progress', key_id: 'bc_in_progress', t0: T0 + 70 * MIN, retry_after_s: 0, param: 0 },
];

/** Every scenario's gateway lines with ids of their own, the limit and idempotency key each fixes, and a mixed-route key. */
function plan(): { lines: GatewayLine[]; scenarios: Planned[] } {
  const lines: GatewayLine[] = [];
  const scenarios: Planned[] = [];
  let n = 0;
  const rename = new Map<string, string>();
  const id = (old: string) => {
    let v = rename.get(old);
    if (!v) rename.set(old, (v = `bc_req_${(++n).toString().padStart(4, '0')}`));
    return v;
  };
  for (const s of SCENARIOS) {
    const b = build(s);
    const idem = b.idempotency_key && s.kind === 'key_reuse' ? HOSTILE_IDEMPOTENCY_KEY : b.idempotency_key ? `bc_${s.kind}_idem` : undefined;
    for (const l of b.lines) lines.push({ ...l, request_id: id(l.request_id), ...(l.idempotency_key ? { idempotency_key: idem } : {}) });
    scenarios.push({ ...s, limit_id: b.limit_id && id(b.limit_id), idempotency_key: idem });
  }
  // A limit on one route, the next request on another 400 ms later, the same route 45 s later: immediate over any
  // route, honoured on its own route.
  const k = 'bc_mixed';
  const t = T0 + 80 * MIN;
  const common = { method: 'POST', key_id: k, account_id: 'acct_bc_mixed', tier: 'pro' };
  lines.push(
    { ...common, request_id: 'bc_mixed_1', timestamp: t, status: 503, route: '/v1/a', error: { code: 'service_unavailable', message: 'busy', details: { retry_after: 30 } } },
    { ...common, request_id: 'bc_mixed_2', timestamp: t + 400, status: 200, route: '/v1/b' },
    { ...common, request_id: 'bc_mixed_3', timestamp: t + 45_000, status: 200, route: '/v1/a' },
  );
  return { lines, scenarios };
}

const PLAN = plan();
export const BEHAVIOUR_KEYS = [...new Set(PLAN.lines.map((l) => l.key_id))];

/** The lines as the pipeline stores them, shuffled (a fixed permutation) into batches, some resent after the rest. */
export function behaviourBatches(): RequestRow[][] {
  const lines = [...PLAN.lines];
  let seed = 20261118;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = lines.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [lines[i], lines[j]] = [lines[j], lines[i]];
  }
  const batches: GatewayLine[][] = [];
  for (let i = 0; i < lines.length; i += 9) batches.push(lines.slice(i, i + 9));
  const sends = [...batches, batches[1], batches[0], batches[batches.length - 1]];
  return sends.map((b) => {
    const p = prepareBatch(Buffer.from(b.map((l) => JSON.stringify(l)).join('\n')));
    if (p.errors.length) throw new Error(`behaviour contract data rejected: ${JSON.stringify(p.errors)}`);
    return p.records.map(toRow);
  });
}

/** The from-scratch facts as a store reports them, at BEHAVIOUR_NOW. */
function expectedLimits(now: number): LimitRecord[] {
  const f = computeBehaviour(PLAN.lines.map(toEvent));
  const rec = (l: LimitFact): LimitRecord => ({
    request_id: l.request_id,
    code: l.code,
    key_id: l.key_id,
    ts_ms: l.ts_ms,
    status: l.status,
    route: l.route === '' ? null : l.route,
    retry_after_ms: l.retry_after_ms,
    retry_class: readClass(l.class_any, l.ts_ms, now),
    next_request_id: l.next_any?.request_id ?? null,
    next_gap_ms: l.next_any ? l.next_any.ts_ms - l.ts_ms : null,
    retry_class_same_route: readClass(l.class_route, l.ts_ms, now),
    next_same_route_request_id: l.next_route?.request_id ?? null,
    next_same_route_gap_ms: l.next_route ? l.next_route.ts_ms - l.ts_ms : null,
    requests_before: l.before_n,
    requests_after: l.after_n,
    storm: l.storm,
  });
  return f.limits.map(rec).sort((a, b) => b.ts_ms - a.ts_ms || (a.request_id < b.request_id ? 1 : a.request_id > b.request_id ? -1 : 0));
}

function expectedFutile(): FutileRepeat[] {
  return computeBehaviour(PLAN.lines.map(toEvent))
    .futile.filter((x) => x.repeat)
    .map((x) => ({ request_id: x.request_id, code: x.code, key_id: x.key_id, ts_ms: x.ts_ms, route: x.route === '' ? null : x.route }))
    .sort((a, b) => b.ts_ms - a.ts_ms || (a.request_id < b.request_id ? 1 : -1));
}

function expectedKeyDays(now: number): KeyDayRow[] {
  const out = new Map<string, KeyDayRow>();
  const row = (key_id: string, ts: number) => {
    const day_ms = Math.floor(ts / DAY) * DAY;
    const k = `${day_ms}\u0000${key_id}`;
    let r = out.get(k);
    if (!r) {
      r = { day_ms, key_id, limited: 0, honoured: 0, early: 0, immediate: 0, abandoned: 0, pending: 0, storms: 0, futile_retries: 0, idempotency_mismatch: 0, idempotency_in_progress: 0 };
      out.set(k, r);
    }
    return r;
  };
  for (const l of expectedLimits(now)) {
    const r = row(l.key_id, l.ts_ms);
    r.limited++;
    r[l.retry_class]++;
    if (l.storm) r.storms++;
  }
  for (const f of expectedFutile()) row(f.key_id, f.ts_ms).futile_retries++;
  for (const l of PLAN.lines) {
    if (l.error?.code === 'idempotency_key_mismatch') row(l.key_id, l.timestamp).idempotency_mismatch++;
    if (l.error?.code === 'idempotency_key_in_progress') row(l.key_id, l.timestamp).idempotency_in_progress++;
  }
  return [...out.values()].sort((a, b) => a.day_ms - b.day_ms || (a.key_id < b.key_id ? -1 : 1));
}

type Same = <T>(label: string, ask: (s: RequestStore) => Promise<T>) => Promise<T | undefined>;

/** Registers the behaviour tests; call inside the store contract's describe, before anything deletes data. */
export function behaviourContract(stores: () => { ref: RequestStore; sut: RequestStore; same: Same }, timeout: number): void {
  const scenario = (kind: Kind) => PLAN.scenarios.find((s) => s.kind === kind)!;

  test('behaviour: generated key behaviours classified exactly as the from-scratch definition, after shuffled and resent batches', async () => {
    const { sut } = stores();
    const q = { ...RANGE, now: BEHAVIOUR_NOW, keys: BEHAVIOUR_KEYS };
    const limits = await sut.behaviourLimits({ ...q, limit: 10_000 });
    expect(limits).toEqual(expectedLimits(BEHAVIOUR_NOW));
    for (const s of PLAN.scenarios.filter((x) => x.expect)) {
      expect(limits.find((l) => l.request_id === s.limit_id)?.retry_class, `${s.kind} ${s.limit_id}`).toBe(s.expect);
    }
    const storm = limits.find((l) => l.request_id === scenario('storm').limit_id)!;
    expect(storm.storm).toBe(true);
    expect(storm.requests_after).toBe(24);
    const mixed = limits.find((l) => l.request_id === 'bc_mixed_1')!;
    expect([mixed.retry_class, mixed.retry_class_same_route, mixed.next_request_id, mixed.next_same_route_request_id]).toEqual(['immediate', 'honoured', 'bc_mixed_2', 'bc_mixed_3']);
    const byClass = new Map<string, number>();
    for (const l of expectedLimits(BEHAVIOUR_NOW)) byClass.set(l.retry_class, (byClass.get(l.retry_class) ?? 0) + 1);
    expect(await sut.retryClassCounts({ ...q })).toEqual(RETRY_CLASS_VALUES.filter((c) => byClass.has(c)).map((c) => ({ retry_class: c, limits: byClass.get(c) })));
    expect(await sut.retryClassCounts({ ...q, routes: ['/v1/a'], statuses: [{ kind: 'class', class: 5 }] })).toEqual([{ retry_class: 'immediate', limits: 1 }]);
    expect(await sut.retryClassCounts({ ...q, codes: ['service_unavailable'], statuses: [{ kind: 'status', status: 429 }] })).toEqual([]);
    const stormsByKey = new Map<string, number>();
    for (const l of expectedLimits(BEHAVIOUR_NOW)) if (l.storm) stormsByKey.set(l.key_id, (stormsByKey.get(l.key_id) ?? 0) + 1);
    expect(await sut.retryStormCounts(q)).toEqual([...stormsByKey].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key_id, storms]) => ({ key_id, storms })));
    expect((await sut.retryStormCounts(q)).map((s) => s.key_id)).toEqual(['bc_storm']);
    const futile = await sut.futileRepeats({ ...q, limit: 10_000 });
    expect(futile).toEqual(expectedFutile());
    expect(futile.filter((f) => f.key_id === 'bc_futile')).toHaveLength(8);
    expect(await sut.behaviourKeyDays(q)).toEqual(expectedKeyDays(BEHAVIOUR_NOW));
    // Read half an hour after the abandoned limit: not abandoned yet, pending.
    const early = scenario('abandons').t0 + 30 * MIN;
    expect((await sut.behaviourLimit(scenario('abandons').limit_id!, 'rate_limited', early))?.retry_class).toBe('pending');
    expect(await sut.behaviourKeyDays({ ...q, now: early, keys: ['bc_abandons'] })).toEqual(expectedKeyDays(early).filter((r) => r.key_id === 'bc_abandons'));
    expect((await sut.behaviourKeyDays({ ...q, now: early, keys: ['bc_abandons'] }))[0]).toMatchObject({ abandoned: 0, pending: 1 });
    // An idempotency key's chain, byte for byte, oldest first.
    const chain = await sut.idempotencyChain(HOSTILE_IDEMPOTENCY_KEY);
    expect(chain.truncated).toBe(false);
    expect(chain.rows.map((r) => [r.status, r.code, r.request_fingerprint, r.idempotent_replayed])).toEqual([
      [200, '', 'fp_a', null],
      [200, '', 'fp_a', true],
      [200, '', 'fp_a', true],
      [422, 'idempotency_key_mismatch', 'fp_b', null],
    ]);
    expect(await sut.hasIdempotencyKey(HOSTILE_IDEMPOTENCY_KEY)).toBe(true);
    expect(await sut.hasIdempotencyKey(HOSTILE_IDEMPOTENCY_KEY.toUpperCase())).toBe(false);
    expect((await sut.idempotencyChain('bc_missing_idem')).rows).toEqual([]);
    const t = scenario('futile').t0;
    expect(await sut.countFutileRepeats('bc_futile', 'invalid_credentials', t - HOUR, t + HOUR)).toBe(8);
    expect(await sut.countFutileRepeats('bc_futile', 'invalid_credentials', t + 7_000 + 1, t + HOUR)).toBe(7);
    const st = scenario('storm');
    // (t0, t0 + 1500]: ten requests 150 ms apart.
    expect(await sut.countKeyRequestsBetween('bc_storm', st.t0, st.t0 + 1_500)).toBe(10);
    expect(await sut.countKeyRequestsBetween('bc_storm', st.t0 - 60_000, st.t0)).toBe(3);
  }, timeout);

  test('behaviour: every read agrees with the reference store over all the contract data', async () => {
    const { ref, same } = stores();
    const ranges = {
      all: RANGE,
      day: { from: T0, to: T0 + 1 },
      partial: { from: T0 + 25 * MIN, to: T0 + DAY + 5 * HOUR + 7_123 },
      empty: { from: Date.UTC(2026, 9, 1), to: Date.UTC(2026, 9, 3) },
    };
    const keySets: Record<string, string[] | undefined> = {
      every: undefined,
      none: [],
      scenario: BEHAVIOUR_KEYS,
      one: ['bc_storm'],
      hostile: [`key_"hostile'\\0`, 'key_ünï', 'bc_missing'],
    };
    for (const now of [BEHAVIOUR_NOW, scenario('abandons').t0 + 20 * MIN]) {
      for (const [rn, r] of Object.entries(ranges)) {
        for (const [kn, keys] of Object.entries(keySets)) {
          const q = { ...r, now, keys };
          await same(`behaviourKeyDays ${rn}/${kn}/${now}`, (s) => s.behaviourKeyDays(q));
          for (const order of ['newest', 'fastest', 'largest_storm'] as const) {
            for (const limit of [100_000, 3]) await same(`behaviourLimits ${rn}/${kn}/${order}/${limit}`, (s) => s.behaviourLimits({ ...q, order, limit }));
          }
          await same(`behaviourLimits storms ${rn}/${kn}`, (s) => s.behaviourLimits({ ...q, storm_only: true, order: 'largest_storm', limit: 100 }));
          for (const c of [...RETRY_CLASS_VALUES.map((v) => [v]), ['immediate', 'early'], ['abandoned', 'pending'], ['pending', 'honoured']] as const) {
            await same(`behaviourLimits ${rn}/${kn}/${c.join('+')}`, (s) => s.behaviourLimits({ ...q, retry_class: c, order: 'fastest', limit: 1000 }));
          }
          await same(`retryClassCounts ${rn}/${kn}`, (s) => s.retryClassCounts(q));
          await same(`retryClassCounts filtered ${rn}/${kn}`, (s) =>
            s.retryClassCounts({ ...q, routes: ['/v1/submissions', '/v1/a'], codes: ['rate_limited', 'service_unavailable'], statuses: [{ kind: 'status', status: 429 }, { kind: 'class', class: 5 }] }),
          );
          await same(`retryStormCounts ${rn}/${kn}`, (s) => s.retryStormCounts(q));
          await same(`futileRepeats ${rn}/${kn}`, (s) => s.futileRepeats({ ...q, limit: 100_000 }));
          await same(`futileRepeats codes ${rn}/${kn}`, (s) => s.futileRepeats({ ...q, codes: ['invalid_credentials', 'scope_required'], limit: 5 }));
        }
      }
    }
    // Keyset pages, newest first, to the end.
    const q = { ...RANGE, now: BEHAVIOUR_NOW };
    const all = await ref.behaviourLimits({ ...q, limit: 100_000 });
    expect(all.length).toBeGreaterThan(20);
    let before: { ts_ms: number; request_id: string; code: string } | null = null;
    let walked = 0;
    for (let page = 0; page < 200; page++) {
      const got = await same(`behaviourLimits page ${page}`, (s) => s.behaviourLimits({ ...q, limit: 7, before }));
      if (!got || got.length === 0) break;
      walked += got.length;
      const last = got[got.length - 1];
      before = { ts_ms: last.ts_ms, request_id: last.request_id, code: last.code };
    }
    expect(walked).toBe(all.length);
    for (const l of all) await same(`behaviourLimit ${l.request_id}`, (s) => s.behaviourLimit(l.request_id, l.code, BEHAVIOUR_NOW));
    for (const [id, code] of [['bc_mixed_2', ''], ['bc_missing', 'rate_limited'], [`req_it's`, 'rate_limited']] as const) {
      expect(await same(`behaviourLimit ${id}`, (s) => s.behaviourLimit(id, code, BEHAVIOUR_NOW))).toBeNull();
    }
    for (const key of [...BEHAVIOUR_KEYS, `key_"hostile'\\0`, 'bc_missing']) {
      for (const code of ['invalid_credentials', 'validation_failed']) await same(`countFutileRepeats ${key}/${code}`, (s) => s.countFutileRepeats(key, code, RANGE.from, RANGE.to));
      await same(`countKeyRequestsBetween ${key}`, (s) => s.countKeyRequestsBetween(key, T0 - 1, T0 + 90 * MIN));
    }
    for (const idem of [HOSTILE_IDEMPOTENCY_KEY, 'bc_in_progress_idem', 'bc_missing_idem', '', HOSTILE_IDEMPOTENCY_KEY.slice(0, -1)]) {
      await same(`idempotencyChain ${JSON.stringify(idem)}`, (s) => s.idempotencyChain(idem));
      await same(`hasIdempotencyKey ${JSON.stringify(idem)}`, (s) => s.hasIdempotencyKey(idem));
    }
  }, timeout * 2);

  test('behaviour: verdicts, worst keys, chains and support sentences read the same through behaviour/ on every store', async () => {
    const { sut, same } = stores();
    const range = { ...RANGE, now: BEHAVIOUR_NOW };
    for (const key of BEHAVIOUR_KEYS) await same(`getKeyBehaviour ${key}`, (s) => getKeyBehaviour(s, key, range));
    const worst = await same('listWorstKeys', (s) => listWorstKeys(s, range, 500));
    const verdicts = new Map(worst!.map((k) => [k.key_id, k.verdicts]));
    expect(verdicts.get('bc_storm')).toContain('retry_storm');
    expect(verdicts.get('bc_futile')).toEqual(['futile_retries']);
    expect(verdicts.get('bc_reuse')).toEqual(['reuses_idempotency_keys']);
    expect(verdicts.has('bc_honours')).toBe(false);
    const honours = await getKeyBehaviour(sut, 'bc_honours', range);
    expect(honours.total).toMatchObject({ limited: 2, honoured: 2, verdicts: ['well_behaved'] });
    expect(honours.days.map((d) => d.day_ms)).toEqual([dayRange(T0, T0).from, dayRange(T0, T0).from + DAY]);
    const reuse = await getIdempotencyKeyChain(sut, HOSTILE_IDEMPOTENCY_KEY);
    const created = PLAN.lines.find((l) => l.idempotency_key === HOSTILE_IDEMPOTENCY_KEY)!.request_id;
    expect(reuse?.summary).toBe(`Created by ${created}, replayed twice, then reused with a different body (422 idempotency_key_mismatch).`);
    expect(reuse?.flags).toEqual({ reused_with_different_body: true, in_progress_retry_too_fast: false });
    const inProgress = await getIdempotencyKeyChain(sut, 'bc_in_progress_idem');
    expect(inProgress?.flags.in_progress_retry_too_fast).toBe(true);
    // What support would be told about each scenario's first records.
    for (const l of PLAN.lines.filter((x) => x.status >= 400)) {
      await same(`describeClientAction ${l.request_id}`, async (s) => {
        const d = await s.getRequest(l.request_id);
        return Promise.all(d!.records.map((r) => describeClientAction(s, r, BEHAVIOUR_NOW)));
      });
    }
    const im = await sut.getRequest(scenario('immediate').limit_id!);
    expect(await describeClientAction(sut, im!.records[0], BEHAVIOUR_NOW)).toBe(
      'Your integration sent 1 request during the 20 seconds it was asked to wait (Retry-After: 20); the first came 250 ms after the limit. Honouring Retry-After avoids further limits.',
    );
  }, timeout);
}
