// The store's reads return exactly the API's wire format (lib/wire.ts): every read of a seeded SQLite store parses
// under its schema and comes out of the parse unchanged. A field a query adds without the schema is stripped by the
// parse and fails the comparison; a field it drops or mistypes fails the parse; at any depth.
import { beforeAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { backtestRule } from '@/alerts/backtest';
import { AlertEvaluator } from '@/alerts/evaluator';
import { acknowledgeAlert, channelView, createRule, deliveryView, replayDelivery, silenceAlert } from '@/alerts/verbs';
import { alertDetail, listAlerts } from '@/alerts/views';
import { getIdempotencyKeyChain, getKeyBehaviour, listWorstKeys } from '@/behaviour';
import { lookupAnswer } from '@/components/lookup/lookup-answer';
import { openDatabase } from '@/db/client';
import { filterValues } from '@/db/filter-values';
import { sqliteStoreOn } from '@/db/sqlite/store';
import { insertAlertChannel, insertClaimedDelivery, listDeliveries, recordDeliveryAttempt } from '@/db/queries/alerts';
import { listAudit, recordAudit } from '@/db/queries/audit';
import { createToken, listTokens } from '@/db/queries/tokens';
import { createUser, listUsers } from '@/db/queries/users';
import { processBatch } from '@/ingest';
import { parseRuleSpec } from '@/lib/alert-rules';
import { parseFilters } from '@/lib/filters';
import { OTHER_GROUP } from '@/lib/groups';
import {
  alertChannelSchema,
  auditEntrySchema,
  createdTokenSchema,
  tokenSchema,
  userSchema,
  alertDeliverySchema,
  alertDetailSchema,
  alertEventSchema,
  alertRuleSchema,
  backtestSchema,
  breakdownSchema,
  filterValuesSchema,
  futileRepeatSchema,
  idempotencyChainSchema,
  keyBehaviourSchema,
  keyDayVerdictSchema,
  keyInsightSchema,
  limitRecordSchema,
  lookupResultSchema,
  requestDetailSchema,
  requestPageSchema,
  requestRecordSchema,
  summarySchema,
  timeseriesSchema,
} from '@/lib/wire';
import { build, type GatewayLine } from '../support/behaviour-scenarios';
import { insertRecords, makeRecord } from '../support/factories';

const H = 3_600_000;
const T0 = Date.UTC(2026, 10, 25, 8);
const NOW = T0 + 2 * 86_400_000;

/** The parse must succeed and give back the value itself, nothing stripped. */
function exactly(schema: z.ZodType, value: unknown): void {
  const parsed = schema.safeParse(value);
  expect(parsed.error?.issues ?? []).toEqual([]);
  expect(parsed.data).toStrictEqual(value);
}

const line = (id: string, ts: number, extra: Partial<GatewayLine> = {}): GatewayLine => ({
  request_id: id,
  timestamp: ts,
  status: 200,
  method: 'POST',
  route: '/v1/submissions',
  key_id: 'k_wire',
  account_id: 'acct_wire',
  tier: 'pro',
  ...extra,
});

// Successes, catalog errors with details and a reason, an unknown code, a status mismatch, a keyless record, a request
// id with two records, the optional gateway fields, and behaviour scenarios (limits, storms, futile repeats, chains).
const LINES: GatewayLine[] = [
  ...Array.from({ length: 12 }, (_, i) => line(`req_wire_ok_${i}`, T0 + i * 60_000, { tier: i % 3 ? 'pro' : 'free', user_agent: 'sdk/1.2' })),
  line('req_wire_quota_1', T0 + 5_000, { status: 429, error: { code: 'capacity_exceeded', message: 'Daily quota used up.', details: { reason: 'daily_quota', limit: 1000 } } }),
  line('req_wire_quota_1', T0 + 5_001, { status: 500, error: { code: 'internal_error', message: 'Boom.', details: {} } }),
  line('req_wire_unknown_1', T0 + 7_000, { status: 418, error: { code: 'made_up_code', message: 'What?', details: { x: [1, 2] } } }),
  line('req_wire_mismatch_1', T0 + 9_000, { status: 503, error: { code: 'invalid_credentials', message: 'Bad key.', details: {} } }),
  { request_id: 'req_wire_keyless_1', timestamp: T0 + 11_000, status: 401, method: 'GET', route: '/v1/me', error: { code: 'invalid_credentials', message: 'No key.', details: {} } } as GatewayLine,
  line('req_wire_idem_1', T0 + 13_000, { idempotency_key: 'idem_wire', request_fingerprint: 'fp_1', idempotent_replayed: false }),
  ...Array.from({ length: 6 }, (_, i) => line(`req_wire_revoked_${i}`, T0 + H + i * 60_000, { status: 401, error: { code: 'invalid_credentials', message: 'Revoked.', details: {} } })),
  ...build({ kind: 'immediate', key_id: 'k_imm', t0: T0, retry_after_s: 30, param: 200 }).lines,
  ...build({ kind: 'storm', key_id: 'k_storm', t0: T0 + 10 * 60_000, retry_after_s: 10, param: 30 }).lines,
  ...build({ kind: 'futile', key_id: 'k_futile', t0: T0 + 20 * 60_000, retry_after_s: 0, param: 4 }).lines,
];
const REUSE = build({ kind: 'key_reuse', key_id: 'k_reuse', t0: T0 + 30 * 60_000, retry_after_s: 0, param: 0 });
LINES.push(...REUSE.lines);

async function seeded() {
  const store = sqliteStoreOn(openDatabase(':memory:'));
  const body = new TextEncoder().encode(LINES.map((l) => JSON.stringify(l)).join('\n'));
  const r = await processBatch(store, body, { token_id: null, received_ms: T0, min_ts_ms: 0 });
  expect(r.errors).toEqual([]);
  return store;
}

const filters = (q = '') => parseFilters(new URLSearchParams(`from=${T0 - H}&to=${T0 + 3 * H}${q ? `&${q}` : ''}`), { now: NOW });

describe('the store returns exactly the wire format', () => {
  let store: Awaited<ReturnType<typeof seeded>>;
  beforeAll(async () => {
    store = await seeded();
  });

  test('request detail: records with and without a catalog entry, the key around it', async () => {
    for (const id of ['req_wire_quota_1', 'req_wire_unknown_1', 'req_wire_mismatch_1', 'req_wire_keyless_1', 'req_wire_idem_1', 'req_wire_ok_3']) {
      const d = await store.getRequest(id);
      expect(d, id).not.toBeNull();
      exactly(requestDetailSchema, d);
    }
    const quota = await store.getRequest('req_wire_quota_1');
    expect(quota?.records.map((r) => r.code)).toEqual(['capacity_exceeded', 'internal_error']);
    expect(quota?.around?.timeline.length).toBeGreaterThan(1);
    expect((await store.getRequest('req_wire_keyless_1'))?.around).toBeNull();
  });

  test('list pages, both directions, and the records of several ids', async () => {
    const first = await store.listRequests(filters(), { limit: 5 });
    exactly(requestPageSchema, first);
    expect(first.next_cursor).not.toBeNull();
    const second = await store.listRequests(filters(), { cursor: first.next_cursor, limit: 5 });
    exactly(requestPageSchema, second);
    exactly(requestPageSchema, await store.listRequests(filters(), { before: second.prev_cursor, limit: 5 }));
    exactly(requestPageSchema, await store.listRequests(filters('status=4xx&key=k_wire'), { limit: 50 }));
    const byId = await store.getRequests(['req_wire_quota_1', 'req_wire_ok_0', 'req_nope']);
    exactly(z.array(requestRecordSchema), [...byId.values()].flat());
  });

  test('summary, with and without error filters', async () => {
    exactly(summarySchema, await store.summary(filters()));
    exactly(summarySchema, await store.summary(filters('code=invalid_credentials&tier=pro')));
    // Failures only: no totals, and a population that failed every request.
    exactly(summarySchema, await store.summary(filters('key=k_futile')));
  });

  test('breakdowns by every kind of dimension, cut into `other`', async () => {
    for (const by of ['code', 'key', 'tier', 'status', 'status_class', 'reason', 'route'] as const) {
      exactly(breakdownSchema, await store.breakdown(filters(), { by, limit: 2 }));
    }
    const cut = await store.breakdown(filters(), { by: 'key', limit: 1 });
    expect(cut.other).not.toBeNull();
  });

  test('filter values, with and without a typed value', async () => {
    exactly(filterValuesSchema, await filterValues(store, filters(), { field: 'code', q: '', limit: 5 }));
    const typed = await filterValues(store, filters(), { field: 'code', q: 'Invalid_credentials', limit: 5 });
    expect(typed.typed).not.toBeNull();
    exactly(filterValuesSchema, typed);
    exactly(filterValuesSchema, await filterValues(store, filters(), { field: 'key', q: 'k_', limit: 2 }));
  });

  test('series: plain, split with the rest in OTHER_GROUP, per minute', async () => {
    exactly(timeseriesSchema, await store.timeseries(filters(), { interval: 'hour' }));
    const split = await store.timeseries(filters(), { interval: 'auto', by: 'key', limit: 2 });
    expect(split.groups.map((g) => g.key)).toContain(OTHER_GROUP);
    exactly(timeseriesSchema, split);
    exactly(timeseriesSchema, await store.timeseries(filters('code=rate_limited'), { interval: 'minute', by: 'code', limit: 3 }));
  });

  test('support lookup: its records and insights, and the answer the API words from it', async () => {
    const text = 'Hi, req_wire_quota_1 and REQ_wire_revoked_5 failed, req_wire_unknown_1 too; req_wire_nope_1 and req_wire_ok_1?';
    const s = await store.supportLookup(text, { now_ms: NOW });
    expect(s.found.map((f) => f.request_id)).toEqual(['req_wire_quota_1', 'req_wire_revoked_5', 'req_wire_unknown_1', 'req_wire_ok_1']);
    expect(s.missing.map((m) => m.id)).toEqual(['req_wire_nope_1']);
    expect(s.found.some((f) => f.insight !== null)).toBe(true);
    for (const f of s.found) {
      exactly(z.array(requestRecordSchema), f.records);
      exactly(requestRecordSchema, f.main);
      exactly(keyInsightSchema.nullable(), f.insight);
    }
    exactly(lookupResultSchema, lookupAnswer(s));
  });

  test('client behaviour: limits, futile repeats, per-day verdicts, chains', async () => {
    const q = { from: T0 - H, to: T0 + 86_400_000, now: NOW };
    const limits = await store.behaviourLimits({ ...q, limit: 100 });
    expect(limits.length).toBeGreaterThan(0);
    exactly(z.array(limitRecordSchema), limits);
    const futile = await store.futileRepeats({ ...q, limit: 100 });
    expect(futile.length).toBeGreaterThan(0);
    exactly(z.array(futileRepeatSchema), futile);
    exactly(z.array(keyDayVerdictSchema.omit({ verdicts: true, score: true })), await store.behaviourKeyDays(q));
    exactly(keyBehaviourSchema, await getKeyBehaviour(store, 'k_storm', q));
    exactly(z.array(keyDayVerdictSchema), await listWorstKeys(store, q));
    for (const key of [REUSE.idempotency_key!, 'idem_wire']) {
      const chain = await getIdempotencyKeyChain(store, key);
      expect(chain, key).not.toBeNull();
      exactly(idempotencyChainSchema, chain);
    }
  });
});

describe('the alert answers are exactly the wire format', () => {
  const MIN = 60_000;
  const W = 5 * MIN;

  test('rules, events, an alert with its transitions and series, acknowledge and silence, a backtest', async () => {
    const db = openDatabase(':memory:');
    const store = sqliteStoreOn(db);
    const T = Math.floor(Date.now() / W) * W - 12 * W;
    const recs = [];
    for (let w = 2; w < 5; w++) for (let i = 0; i < 30; i++) recs.push(makeRecord({ code: 'internal_error', status: 500, ts_ms: T + w * W + i * 1000 }));
    insertRecords(db, recs);
    const spec = { name: '5xx over 20', measure: 'error_count', scope: { status: ['5xx'] }, kind: 'threshold', threshold: 20, min_requests: 0, min_count: 1 };
    exactly(alertRuleSchema, createRule(db, 'test', spec));
    const now = T + 9 * W + MIN;
    const evaluator = new AlertEvaluator({ db, store, baseUrl: 'http://errata.example', now: () => now, lagMs: MIN, maxCatchUpMs: 60 * MIN, createDefaults: false });
    expect((await evaluator.tick()).windows).toBeGreaterThan(0);
    const alerts = listAlerts(db);
    expect(alerts.length).toBe(1);
    exactly(z.array(alertEventSchema), alerts);
    const detail = await alertDetail(db, store, alerts[0].id, now);
    expect(detail.transitions.length).toBeGreaterThan(1);
    expect(detail.series.length).toBeGreaterThan(0);
    exactly(alertDetailSchema, detail);
    exactly(alertEventSchema, silenceAlert(db, 'eng@test', alerts[0].id, now + 60 * MIN, now));
    exactly(alertEventSchema, acknowledgeAlert(db, 'eng@test', alerts[0].id, now));
    exactly(backtestSchema, await backtestRule(store, parseRuleSpec(spec), { now, days: 1 }));
  });

  test('channels and the delivery log: a channel, a delivery with its attempts, and a replay', () => {
    const db = openDatabase(':memory:');
    const config = JSON.stringify({ host: 'smtp.example', port: 587, user: 'alerts', pass: 'secret', from: 'errata@example', to: ['oncall@example'] });
    const channel = channelView(insertAlertChannel(db, { name: 'on-call mail', type: 'email', config, allow_private: false }, NOW));
    exactly(alertChannelSchema, channel);
    expect(channel.config.pass).not.toBe('secret');
    const d = insertClaimedDelivery(db, { channel_id: channel.id, message_id: 'msg_1', payload: JSON.stringify({ type: 'alert.test' }) }, NOW, 60_000);
    recordDeliveryAttempt(db, d.id, { at_ms: NOW, duration_ms: 120, http_status: null, error: 'connection refused' }, { status: 'pending', next_attempt_ms: NOW + 60_000 });
    const [logged] = listDeliveries(db, {}).map((row) => deliveryView(db, row));
    exactly(alertDeliverySchema, logged);
    expect(logged.attempts_log).toEqual([{ at_ms: NOW, duration_ms: 120, http_status: null, error: 'connection refused' }]);
    expect(logged.payload).toEqual({ type: 'alert.test' });
    exactly(alertDeliverySchema, replayDelivery(db, 'admin@test', d.id, NOW + 1000));
  });
});

describe('the admin answers are exactly the wire format', () => {
  test('users, tokens (listed and created) and audit entries', async () => {
    const db = openDatabase(':memory:');
    await createUser(db, { email: 'admin@test', role: 'admin', password: 'a long enough password 1' });
    exactly(z.array(userSchema), listUsers(db));
    exactly(createdTokenSchema, createToken(db, { name: 'shipper', scopes: ['ingest'] }));
    exactly(z.array(tokenSchema), listTokens(db));
    recordAudit(db, { actor: 'admin@test', action: 'token.create', target: 'token:1', details: { scopes: ['ingest'] } });
    recordAudit(db, { actor: 'cli', action: 'retention.set' });
    exactly(z.array(auditEntrySchema), listAudit(db));
    expect(listAudit(db).length).toBe(2);
  });
});
