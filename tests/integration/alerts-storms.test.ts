// Alert rules over retry storms (issue 18 × alerts): a rule with measure retry_storms reads the client-behaviour
// facts through the store and fires for the key whose request rate jumped right after it was limited, and only it.
import { describe, expect, test } from 'vitest';
import { AlertEvaluator } from '@/alerts/evaluator';
import { createRule } from '@/alerts/verbs';
import { openDatabase, type Db } from '@/db/client';
import { listAlertEvents, listTransitions } from '@/db/queries/alerts';
import { sqliteStoreOn } from '@/db/sqlite/store';
import { processBatch } from '@/ingest';
import { ApiError } from '@/lib/api-error';
import { parseRuleSpec } from '@/lib/alert-rules';
import { build, type GatewayLine, type Scenario } from '../support/behaviour-scenarios';

const MIN = 60_000;
const W = 5 * MIN;
const RULE = { name: 'Retry storms per key', measure: 'retry_storms', split: 'key', kind: 'threshold', threshold: 1, min_requests: 0, min_count: 1 };

async function ingest(db: Db, scenarios: Scenario[]) {
  const lines: GatewayLine[] = scenarios.flatMap((s) => build(s).lines);
  const r = await processBatch(sqliteStoreOn(db), new TextEncoder().encode(lines.map((l) => JSON.stringify(l)).join('\n')), { token_id: null, min_ts_ms: 0 });
  expect(r.rejected).toBe(0);
}

function evaluator(db: Db, now: () => number) {
  return new AlertEvaluator({ db, store: sqliteStoreOn(db), baseUrl: 'http://errata.example', now, lagMs: MIN, maxCatchUpMs: 60 * MIN, createDefaults: false });
}

/** Every window of the last hour: a key that honours Retry-After; in windows 2 and 3 another key storms. */
function traffic(T: number, storms: boolean): Scenario[] {
  const out: Scenario[] = [];
  for (let w = 0; w < 10; w++) out.push({ kind: 'honours', key_id: 'key_calm', t0: T + w * W + 30_000, retry_after_s: 10, param: 12_000 });
  if (storms) for (const w of [2, 3]) out.push({ kind: 'storm', key_id: 'key_storm', t0: T + w * W + 60_000, retry_after_s: 30, param: 30 });
  return out;
}

describe('alert rules over retry storms', () => {
  test('an injected storm fires the rule for the storming key, and resolves after it', async () => {
    const db = openDatabase(':memory:');
    const T = Math.floor(Date.now() / W) * W - 12 * W;
    await ingest(db, traffic(T, true));
    createRule(db, 'test', RULE);
    const now = T + 9 * W + MIN;
    await evaluator(db, () => now).tick();
    const events = listAlertEvents(db);
    expect(events.map((e) => e.group_value)).toEqual(['key_storm']);
    expect(listTransitions(db, events[0].id).map((t) => `${t.to_state}@${(t.at_ms - T) / W}`)).toEqual(['pending@3', 'firing@4', 'resolved@7']);
    db.$client.close();
  });

  test('the same traffic without the storm fires nothing', async () => {
    const db = openDatabase(':memory:');
    const T = Math.floor(Date.now() / W) * W - 12 * W;
    await ingest(db, traffic(T, false));
    createRule(db, 'test', RULE);
    const r = await evaluator(db, () => T + 9 * W + MIN).tick();
    expect(r.windows).toBeGreaterThan(0);
    expect(listAlertEvents(db)).toEqual([]);
    db.$client.close();
  });

  test('a storm rule is scoped by what a limit records, split by key or not at all', () => {
    expect(parseRuleSpec({ ...RULE, scope: { route: ['/v1/submissions'], status: ['429'] } }).measure).toBe('retry_storms');
    for (const [bad, field] of [
      [{ split: 'code' }, 'split'],
      [{ kind: 'no_data', threshold: null }, 'kind'],
      [{ scope: { tier: ['free'] } }, 'scope.tier'],
    ] as const) {
      const err = (() => {
        try {
          parseRuleSpec({ ...RULE, ...bad });
        } catch (e) {
          return e;
        }
      })();
      expect(err, JSON.stringify(bad)).toBeInstanceOf(ApiError);
      expect((err as ApiError).details.field).toBe(field);
    }
  });
});
