// The facts kept at ingest equal the from-scratch classification whatever order the batches arrive in and however
// often they are resent: the real pipeline (processBatch) into a fresh migrated database, compared with the reference.
import { sqliteStoreOn } from '@/db/sqlite/store';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { computeBehaviour } from '@/behaviour/reference';
import { openDatabase, type Db } from '@/db/client';
import { processBatch } from '@/ingest';
import type { BehaviourFacts, FutileFact, LimitFact } from '@/lib/behaviour-rules';
import { build, scenarioArb, toEvent, type GatewayLine } from '../support/behaviour-scenarios';

const T0 = Date.UTC(2026, 10, 25, 8);
const enc = (lines: GatewayLine[]) => new TextEncoder().encode(lines.map((l) => JSON.stringify(l)).join('\n'));

interface LimitDbRow {
  request_id: string;
  code: string;
  key_id: string;
  ts_ms: number;
  status: number;
  route: string;
  retry_after_ms: number;
  next_any_request_id: string | null;
  next_any_code: string | null;
  next_any_ts_ms: number | null;
  class_any: LimitFact['class_any'];
  next_route_request_id: string | null;
  next_route_code: string | null;
  next_route_ts_ms: number | null;
  class_route: LimitFact['class_route'];
  before_n: number;
  after_n: number;
  storm: number;
}

function stored(db: Db): BehaviourFacts {
  const limits = (db.$client.prepare('SELECT * FROM behaviour_limits').all() as LimitDbRow[]).map(
    (r): LimitFact => ({
      request_id: r.request_id,
      code: r.code,
      key_id: r.key_id,
      ts_ms: r.ts_ms,
      status: r.status,
      route: r.route,
      retry_after_ms: r.retry_after_ms,
      next_any: r.next_any_request_id === null ? null : { request_id: r.next_any_request_id, code: r.next_any_code!, ts_ms: r.next_any_ts_ms! },
      class_any: r.class_any,
      next_route: r.next_route_request_id === null ? null : { request_id: r.next_route_request_id, code: r.next_route_code!, ts_ms: r.next_route_ts_ms! },
      class_route: r.class_route,
      before_n: r.before_n,
      after_n: r.after_n,
      storm: r.storm === 1,
    }),
  );
  const futile = (db.$client.prepare('SELECT * FROM behaviour_futile').all() as (Omit<FutileFact, 'repeat'> & { repeat: number })[]).map(
    (r): FutileFact => ({ ...r, repeat: r.repeat === 1 }),
  );
  return sortFacts({ limits, futile });
}

const byId = <T extends { request_id: string; code: string }>(a: T, b: T) =>
  a.request_id < b.request_id ? -1 : a.request_id > b.request_id ? 1 : a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
const sortFacts = (f: BehaviourFacts): BehaviourFacts => ({ limits: [...f.limits].sort(byId), futile: [...f.futile].sort(byId) });

describe('incremental client-behaviour facts', () => {
  test('equal the from-scratch computation for shuffled, split and resent batches', async () => {
    await fc.assert(
      fc.asyncProperty(
        // Few keys and a narrow time span, so scenarios interleave and each event's neighbours come from others.
        fc.array(scenarioArb(['key_a', 'key_b', 'key_c'], fc.integer({ min: T0, max: T0 + 2 * 3_600_000 })), { minLength: 1, maxLength: 10 }),
        fc.infiniteStream(fc.nat()),
        async (scenarios, rnd) => {
          const lines = scenarios.flatMap((s) => build(s).lines);
          const it = rnd[Symbol.iterator]();
          const next = () => it.next().value as number;
          const shuffled = [...lines];
          for (let i = shuffled.length - 1; i > 0; i--) {
            const j = next() % (i + 1);
            [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
          }
          const batches: GatewayLine[][] = [];
          for (let i = 0; i < shuffled.length; ) {
            const n = 1 + (next() % 12);
            batches.push(shuffled.slice(i, i + n));
            i += n;
          }
          // Log shippers resend whole batches, sometimes long after.
          const sends = [...batches, ...batches.filter(() => next() % 3 === 0)];
          for (let i = sends.length - 1; i > 0; i--) {
            const j = next() % (i + 1);
            [sends[i], sends[j]] = [sends[j], sends[i]];
          }
          const db = openDatabase(':memory:');
          try {
            let accepted = 0;
            for (const b of sends) {
              const r = await processBatch(sqliteStoreOn(db), enc(b), { token_id: null, received_ms: T0 });
              expect(r.rejected).toBe(0);
              accepted += r.accepted;
            }
            expect(accepted).toBe(lines.length);
            expect(stored(db)).toEqual(sortFacts(computeBehaviour(lines.map(toEvent))));
          } finally {
            db.$client.close();
          }
        },
      ),
      { numRuns: 120 },
    );
  });

  test('records without a key or behaviour fields leave the behaviour tables empty', async () => {
    const db = openDatabase(':memory:');
    const lines = [
      { request_id: 'r1', timestamp: T0, status: 429, error: { code: 'rate_limited', message: 'x', details: { retry_after: 5 } } },
      { request_id: 'r2', timestamp: T0 + 10, status: 200, key_id: 'k' },
    ];
    await processBatch(sqliteStoreOn(db), new TextEncoder().encode(lines.map((l) => JSON.stringify(l)).join('\n')), { token_id: null });
    expect(db.$client.prepare('SELECT count(*) FROM behaviour_limits').pluck().get()).toBe(0);
    expect(db.$client.prepare('SELECT count(*) FROM behaviour_futile').pluck().get()).toBe(0);
    db.$client.close();
  });
});
