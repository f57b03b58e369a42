// GET /api/v1/stats/values over HTTP: values offered as the user types, with counts over the range under the other
// filters; the catalog's codes offered unseen; a typed value neither the catalog nor the data knows is flagged.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openDatabase, type Db } from '@/db/client';
import { createToken } from '@/db/queries/tokens';
import { errorEnvelopeSchema, filterValuesSchema } from '@/lib/wire';
import { insertRecords, makeRecord } from '../support/factories';
import { startServer, type TestServer } from '../support/server';

const M = 60_000;
const TO = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000;
const FROM = TO - 6 * 60 * M;
const RANGE = `from=${FROM}&to=${TO}`;
let server: TestServer;
let db: Db;
let read: string;

beforeAll(async () => {
  server = await startServer();
  db = openDatabase(server.databasePath, { migrate: false });
  read = createToken(db, { name: 'values test', scopes: ['read'] }).token;
  insertRecords(db, [
    ...Array.from({ length: 12 }, (_, i) => makeRecord({ ts_ms: FROM + i * M, tier: 'pro', key_id: 'key_pro1', code: i < 4 ? 'rate_limited' : '' , status: i < 4 ? 429 : 200 })),
    ...Array.from({ length: 5 }, (_, i) => makeRecord({ ts_ms: FROM + i * M, tier: 'free', key_id: 'key_free1', code: i < 2 ? 'internal_error' : '', status: i < 2 ? 500 : 200 })),
    // 1,000 busier keys push key_zz_rare beyond the breakdown's top rows.
    ...Array.from({ length: 1000 }, (_, i) => makeRecord({ ts_ms: FROM + 30 * M, tier: 'free', key_id: `key_bulk${i}`, code: 'not_found', status: 404 })),
    makeRecord({ ts_ms: FROM + 40 * M, tier: 'free', key_id: 'key_zz_rare' }),
  ]);
});

afterAll(async () => {
  db?.$client.close();
  await server?.stop();
});

async function values(query: string) {
  const res = await fetch(`${server.baseUrl}/api/v1/stats/values?${RANGE}&${query}`, { headers: { authorization: `Bearer ${read}` } });
  return { res, body: (await res.json()) as unknown };
}

describe('GET /api/v1/stats/values', () => {
  test('codes containing the text, seen ones with counts first, unseen catalog codes offered with 0', async () => {
    const { res, body } = await values('field=code&q=rate');
    expect(res.status).toBe(200);
    const v = filterValuesSchema.parse(body);
    expect(v.values[0]).toEqual({ value: 'rate_limited', count: 4, errors: 4, known: true });
    expect(v.typed).toMatchObject({ value: 'rate', unknown: true });
    const all = filterValuesSchema.parse((await values('field=code')).body);
    expect(all.values.map((x) => x.value).slice(0, 2)).toEqual(['not_found', 'rate_limited']);
    const unseen = filterValuesSchema.parse((await values('field=code&q=account_disabled')).body);
    expect(unseen.typed).toMatchObject({ value: 'account_disabled', count: 0, known: true, unknown: false });
  });

  test('tiers with requests and failures under the other filters; a case slip is suggested', async () => {
    const v = filterValuesSchema.parse((await values('field=tier&key=key_pro1')).body);
    expect(v.values).toEqual([{ value: 'pro', count: 12, errors: 4, known: false }]);
    const slip = filterValuesSchema.parse((await values('field=tier&q=PRO')).body);
    expect(slip.typed).toMatchObject({ value: 'PRO', unknown: true, did_you_mean: 'pro' });
    const none = filterValuesSchema.parse((await values('field=code&q=not_a_code_at_all')).body);
    expect(none).toMatchObject({ values: [], typed: { unknown: true, did_you_mean: null } });
  });

  test('a key beyond the top 1,000 rows is still known when typed exactly', async () => {
    const v = filterValuesSchema.parse((await values('field=key&q=key_zz_rare')).body);
    expect(v.typed).toMatchObject({ value: 'key_zz_rare', count: 1, unknown: false });
  });

  test('a bad field or an unknown parameter is a 400 in the envelope', async () => {
    for (const [q, field] of [['field=colour', 'field'], ['field=code&key_id=x', 'key_id'], ['', 'field']] as const) {
      const { res, body } = await values(q);
      expect(res.status, q).toBe(400);
      expect(errorEnvelopeSchema.parse(body).error.details.field).toBe(field);
    }
  });
});
