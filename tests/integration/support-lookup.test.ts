// Support's lookup against a real migrated SQLite: near-miss ids by bounded index reads, the key history behind
// "looks revoked since", and the combined answer for a pasted email.
import { beforeEach, describe, expect, test } from 'vitest';
import { openDatabase, type Db } from '@/db/client';
import { getKeyHistory, getKeySummary } from '@/db/queries/key-history';
import { findNearRequestIds, findRequestIdVariants, getNewestRecordMs } from '@/db/queries/near-ids';
import { lookupForSupport } from '@/db/queries/support-lookup';
import { planLookup } from '@/lib/lookup-tokens';
import { explainKeyHistory } from '@/lib/key-insight';
import { insertRecords, makeRecord } from '../support/factories';

const M = 60_000;
const H = 60 * M;
const NOW = Date.UTC(2026, 10, 30, 18, 0, 0);

let db: Db;
beforeEach(() => {
  db = openDatabase(':memory:');
});

describe('near-miss ids', () => {
  test('REQ_ and a dropped prefix resolve; one wrong, missing or extra character is suggested', () => {
    insertRecords(db, [
      makeRecord({ request_id: 'req_Kx81mQ2pZt5wL0aa', ts_ms: NOW - H }),
      makeRecord({ request_id: 'req_Kx81mQ2pZt5wL0ab', ts_ms: NOW - H }),
      makeRecord({ request_id: 'req_9aB7cD5eF3gH1iJk', ts_ms: NOW - H }),
    ]);
    expect(findRequestIdVariants(db, ['REQ_9aB7cD5eF3gH1iJk', '9aB7cD5eF3gH1iJk', 'req_nothing123'])).toEqual(
      new Map([
        ['REQ_9aB7cD5eF3gH1iJk', 'req_9aB7cD5eF3gH1iJk'],
        ['9aB7cD5eF3gH1iJk', 'req_9aB7cD5eF3gH1iJk'],
      ]),
    );
    const near = findNearRequestIds(db, ['req_Kx81mQ2pZt5wL0ax', 'req_9aB7cD5eF3gHliJk', 'req_9aB7cD5eF3gH1iJ', 'req_9aB7cD5eF3gH1iJkk', 'req_zzzzzzzzzzzzzzz1']);
    expect(near.get('req_Kx81mQ2pZt5wL0ax')).toEqual(['req_Kx81mQ2pZt5wL0aa', 'req_Kx81mQ2pZt5wL0ab']);
    expect(near.get('req_9aB7cD5eF3gHliJk')).toEqual(['req_9aB7cD5eF3gH1iJk']); // l for 1, mid-id: a point read
    expect(near.get('req_9aB7cD5eF3gH1iJ')).toEqual(['req_9aB7cD5eF3gH1iJk']);
    expect(near.get('req_9aB7cD5eF3gH1iJkk')).toEqual(['req_9aB7cD5eF3gH1iJk']);
    expect(near.has('req_zzzzzzzzzzzzzzz1')).toBe(false);
  });

  test('a typo early in the id is found only by look-alike characters: the range scans stay within budget', () => {
    const ids = Array.from({ length: 3000 }, (_, i) => `req_${String(i).padStart(6, '0')}abcdefgh`);
    insertRecords(db, ids.map((request_id) => makeRecord({ request_id, ts_ms: NOW - H })));
    const st = db.$client.prepare("SELECT DISTINCT request_id FROM requests WHERE request_id >= ? AND request_id < ? ORDER BY request_id LIMIT ?");
    const plan = db.$client.prepare(`EXPLAIN QUERY PLAN ${st.source}`).all('a', 'b', 1) as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING (COVERING )?INDEX requests_request_id_code/);
    // "x" for "0" near the start: not a look-alike, and every prefix range before it holds >200 ids → no suggestion, bounded.
    expect(findNearRequestIds(db, ['req_x01234abcdefgh']).has('req_x01234abcdefgh')).toBe(false);
    // "O" for "0" at the same place: a look-alike, found by a point read.
    expect(findNearRequestIds(db, ['req_O01234abcdefgh']).get('req_O01234abcdefgh')).toEqual(['req_001234abcdefgh']);
  });

  test('the newest stored record time', () => {
    expect(getNewestRecordMs(db)).toBeNull();
    insertRecords(db, [makeRecord({ ts_ms: NOW - 5 * M }), makeRecord({ ts_ms: NOW - H })]);
    expect(getNewestRecordMs(db)).toBe(NOW - 5 * M);
  });
});

describe('key history', () => {
  // key_rev works for a day, then every request fails with invalid_credentials from 14:03:20.
  const revokedAt = Date.UTC(2026, 10, 30, 14, 3, 20);
  function seed() {
    const ok = Array.from({ length: 30 }, (_, i) => makeRecord({ key_id: 'key_rev', ts_ms: revokedAt - 26 * H + i * 50 * M }));
    const okSameHour = makeRecord({ key_id: 'key_rev', ts_ms: revokedAt - 2 * M });
    const bad = Array.from({ length: 40 }, (_, i) => makeRecord({ key_id: 'key_rev', code: 'invalid_credentials', ts_ms: revokedAt + i * 5 * M }));
    insertRecords(db, [...ok, okSameHour, ...bad]);
    return bad;
  }

  test('reads the hour where the run began and places the start exactly', () => {
    const bad = seed();
    const anchor = { code: 'invalid_credentials', reason: null, ts_ms: bad[30].ts_ms };
    const h = getKeyHistory(db, { key_id: 'key_rev', anchor, now_ms: NOW });
    expect(h.edge_rows.length).toBeGreaterThan(0);
    expect(explainKeyHistory(h, anchor)).toMatchObject({ kind: 'run', since_ms: revokedAt, exact: true, count: 40, before: 31, ongoing: true });
  });

  test('the read-only summary support sees', () => {
    seed();
    const s = getKeySummary(db, { key_id: 'key_rev', from_ms: NOW - 7 * 24 * H, to_ms: NOW });
    expect(s).toMatchObject({ key_id: 'key_rev', account_id: 'acct_test', tier: 'free', requests: 71, errors: 40 });
    expect(s.by_code[0]).toEqual({ code: 'invalid_credentials', count: 40 });
    expect(s.recent_failures).toHaveLength(10);
    expect(s.recent_failures[0].ts_ms).toBeGreaterThan(s.recent_failures[9].ts_ms);
  });
});

test('lookupForSupport: found (directly and as REQ_), missing with suggestions, not ids, the store', () => {
  insertRecords(db, [
    makeRecord({ request_id: 'req_AAAA1111bbbb2222', code: 'not_found', ts_ms: NOW - H }),
    makeRecord({ request_id: 'req_CCCC3333dddd4444', code: 'rate_limited', ts_ms: NOW - 2 * H }),
  ]);
  const email = 'Hi,\nThese failed: req_AAAA1111bbbb2222, REQ_CCCC3333dddd4444 and req_AAAA1111bbbb2223.\nAlso ref ab12\u200bcd34ef.\nThanks';
  const r = lookupForSupport(db, planLookup(email), { now_ms: NOW });
  expect(r.found.map((f) => [f.request_id, f.asked])).toEqual([
    ['req_AAAA1111bbbb2222', null],
    ['req_CCCC3333dddd4444', 'REQ_CCCC3333dddd4444'],
  ]);
  expect(r.missing).toEqual([{ id: 'req_AAAA1111bbbb2223', did_you_mean: ['req_AAAA1111bbbb2222'] }]);
  expect(r.not_ids).toEqual(['ab12⟨U+200B⟩cd34ef']);
  expect(r.retention_days).toBe(30);
  expect(r.newest_record_ms).toBe(NOW - H);
});
