// The evaluator on a real SQLite store: restarts catch up missed windows once and never fire twice; acknowledge and
// silence; a stale catch-up is stored but not sent.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { openDatabase, type Db } from '@/db/client';
import { getCheckpoint, listAlertEvents, listAlertRules, listDeliveries, listTransitions } from '@/db/queries/alerts';
import { AlertEvaluator } from '@/alerts/evaluator';
import { sqliteStoreOn } from '@/db/sqlite/store';
import { acknowledgeAlert, createChannel, createRule, silenceAlert } from '@/alerts/verbs';
import { insertRecords, makeRecord } from '../support/factories';

const MIN = 60_000;
const W = 5 * MIN;

function fileDb(): { file: string; db: Db } {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'errata-alerts-eval-')), 'errata.db');
  return { file, db: openDatabase(file) };
}

/** 30 internal errors in each of windows [T + a·W, T + b·W). */
function burst(db: Db, T: number, a: number, b: number) {
  const recs = [];
  for (let w = a; w < b; w++) for (let i = 0; i < 30; i++) recs.push(makeRecord({ code: 'internal_error', status: 500, ts_ms: T + w * W + i * 1000 }));
  insertRecords(db, recs);
}

const RULE = { name: '5xx over 20', measure: 'error_count', scope: { status: ['5xx'] }, kind: 'threshold', threshold: 20, min_requests: 0, min_count: 1 };

function evaluator(db: Db, now: () => number, maxCatchUpMs = 60 * MIN) {
  return new AlertEvaluator({ db, store: sqliteStoreOn(db), baseUrl: 'http://errata.example', now, lagMs: MIN, maxCatchUpMs, createDefaults: false });
}

describe('alert evaluator', () => {
  test('a restart catches up the missed windows once; restarting again fires nothing twice', async () => {
    const { file, db } = fileDb();
    const T = Math.floor(Date.now() / W) * W - 12 * W;
    burst(db, T, 2, 5); // windows 2, 3, 4 breach
    createRule(db, 'test', RULE);
    await createChannel(db, 'admin', { type: 'webhook', name: 'ops', config: { url: 'http://127.0.0.1:9/x' }, allow_private: true });
    let now = T + W + MIN;
    // First process: judges window 0 and stops (before the burst).
    const first = evaluator(db, () => now);
    expect((await first.tick()).windows).toBeGreaterThan(0);
    const rule = listAlertRules(db)[0];
    expect(getCheckpoint(db, rule.id)).toBe(T + W);
    db.$client.close();

    // Down for 40 minutes; a new process on the same file catches up windows 1..8 once.
    now = T + 9 * W + MIN;
    const db2 = openDatabase(file);
    const r2 = await evaluator(db2, () => now).tick();
    expect(r2.windows).toBe(8);
    const events = listAlertEvents(db2);
    expect(events).toHaveLength(1);
    expect(listTransitions(db2, events[0].id).map((t) => `${t.to_state}@${(t.at_ms - T) / W}`)).toEqual(['pending@3', 'firing@4', 'resolved@8']);
    // One notification for firing and one for resolved.
    expect(listDeliveries(db2)).toHaveLength(2);

    // Another restart at the same time, and ticking twice: nothing judged again, nothing fired twice.
    const r3 = await evaluator(openDatabase(file), () => now).tick();
    const r4 = await evaluator(db2, () => now).tick();
    expect(r3.windows + r4.windows).toBe(0);
    expect(listDeliveries(db2)).toHaveLength(2);
    expect(listTransitions(db2, events[0].id)).toHaveLength(3);
  });

  test('a catch-up long after the fact stores the alert but sends nothing; silence holds notifications; acknowledge is recorded', async () => {
    const { db } = fileDb();
    const T = Math.floor(Date.now() / W) * W - 30 * W;
    burst(db, T, 2, 5);
    burst(db, T, 20, 27);
    createRule(db, 'test', RULE);
    await createChannel(db, 'admin', { type: 'webhook', name: 'ops', config: { url: 'http://127.0.0.1:9/x' }, allow_private: true });
    let now = T + MIN;
    const ev = evaluator(db, () => now, 180 * MIN);
    await ev.tick();
    // Back 2 hours later: the first burst fired and resolved 2 h ago: stored, delivery skipped as stale.
    now = T + 21 * W + MIN;
    await ev.tick();
    const old = listAlertEvents(db).find((e) => e.started_ms === T + 3 * W)!;
    expect(old.state).toBe('resolved');
    expect(listDeliveries(db).every((d) => d.status === 'skipped' && /caught up/.test(d.last_error ?? ''))).toBe(true);
    // The second burst is pending now; silence it for an hour and acknowledge it.
    const open = listAlertEvents(db, { states: ['pending'] })[0];
    silenceAlert(db, 'eng@test', open.id, now + 60 * MIN, now);
    acknowledgeAlert(db, 'eng@test', open.id, now);
    now = T + 22 * W + MIN;
    await ev.tick();
    const fired = listDeliveries(db, { event_id: open.id });
    expect(fired).toHaveLength(1);
    expect(fired[0].status).toBe('skipped');
    expect(fired[0].last_error).toMatch(/silenced until/);
    expect(listTransitions(db, open.id).map((t) => [t.to_state, t.actor])).toEqual([
      ['pending', null],
      ['silenced', 'eng@test'],
      ['acknowledged', 'eng@test'],
      ['firing', null],
    ]);
  });

  test('"a code never seen before" stays quiet until there is a week of history to tell what is new', async () => {
    const run = async (historyDays: number) => {
      const { db } = fileDb();
      const T = Math.floor(Date.now() / W) * W - 4 * W;
      insertRecords(db, [makeRecord({ code: 'invalid_parameter', ts_ms: T - historyDays * 86_400_000 }), makeRecord({ code: 'invalid_parameter', ts_ms: T - 2 * 86_400_000 })]);
      insertRecords(db, Array.from({ length: 20 }, (_, i) => makeRecord({ code: 'state_conflict', ts_ms: T + i * 20_000 })));
      createRule(db, 'test', { name: 'new code', measure: 'error_count', split: 'code', kind: 'threshold', threshold: 1, new_values_only: true, min_requests: 0, min_count: 1 });
      await evaluator(db, () => T + 3 * W).tick();
      return listAlertEvents(db).map((e) => `${e.group_value}:${e.state}`);
    };
    expect(await run(3)).toEqual([]);
    expect(await run(12)).toEqual(['state_conflict:firing']);
  });
});
