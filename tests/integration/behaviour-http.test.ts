// Client behaviour over HTTP against the production build: generated behaviours ingested shuffled, split and
// resent through POST /api/v1/ingest, then read back from the API and the CSV and compared with the reference.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { computeBehaviour } from '@/behaviour/reference';
import { openDatabase, type Db } from '@/db/client';
import { createToken } from '@/db/queries/tokens';
import { RETRIES_CSV_COLUMNS } from '@/lib/csv';
import { breakdownSchema, idempotencyChainSchema, keyBehaviourSchema, requestDetailSchema, retriesSchema, worstKeysSchema } from '@/lib/wire';
import { build, toEvent, type GatewayLine, type Scenario } from '../support/behaviour-scenarios';
import { startServer, type TestServer } from '../support/server';

const H = 3_600_000;
let server: TestServer;
let db: Db;
let ingestToken: string;
let read: string;
const T = Math.floor(Date.now() / 60_000) * 60_000 - 6 * H;

const scenarios: Scenario[] = [
  { kind: 'honours', key_id: 'key_polite', t0: T, retry_after_s: 30, param: 31_000 },
  { kind: 'honours', key_id: 'key_polite', t0: T + 10 * 60_000, retry_after_s: 20, param: 25_000 },
  ...[0, 1, 2, 3, 4].map((i): Scenario => ({ kind: 'immediate', key_id: 'key_ignores', t0: T + i * 10 * 60_000, retry_after_s: 30, param: 200 + i * 100 })),
  { kind: 'early', key_id: 'key_ignores', t0: T + 60 * 60_000, retry_after_s: 30, param: 5_000 },
  { kind: 'abandons', key_id: 'key_quits', t0: T, retry_after_s: 60, param: 0 },
  { kind: 'futile', key_id: 'key_futile', t0: T, retry_after_s: 0, param: 12 },
  { kind: 'storm', key_id: 'key_storm', t0: T, retry_after_s: 10, param: 40 },
  { kind: 'key_reuse', key_id: 'key_reuse', t0: T, retry_after_s: 0, param: 0 },
  { kind: 'in_progress', key_id: 'key_reuse', t0: T + H, retry_after_s: 0, param: 0 },
];
const built = scenarios.map(build);
const lines: GatewayLine[] = built.flatMap((b) => b.lines);
const reference = computeBehaviour(lines.map(toEvent));

/** A seeded shuffle, so a failure reproduces. */
function shuffle<T>(xs: T[], seed: number): T[] {
  const out = [...xs];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const get = (path: string) => fetch(`${server.baseUrl}${path}`, { headers: { authorization: `Bearer ${read}` } });

beforeAll(async () => {
  server = await startServer();
  db = openDatabase(server.databasePath, { migrate: false });
  ingestToken = createToken(db, { name: 'shipper', scopes: ['ingest'] }).token;
  read = createToken(db, { name: 'reader', scopes: ['read'] }).token;
  const shuffled = shuffle(lines, 7);
  const batches: GatewayLine[][] = [];
  for (let i = 0; i < shuffled.length; i += 9) batches.push(shuffled.slice(i, i + 9));
  // Every third batch is sent twice (a shipper retrying), and the order of sends is shuffled again.
  const sends = shuffle([...batches, ...batches.filter((_, i) => i % 3 === 0)], 11);
  let accepted = 0;
  let duplicates = 0;
  for (const b of sends) {
    const res = await fetch(`${server.baseUrl}/api/v1/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ingestToken}`, 'content-type': 'application/x-ndjson' },
      body: b.map((l) => JSON.stringify(l)).join('\n'),
    });
    expect(res.status).toBe(200);
    const r = (await res.json()) as { accepted: number; duplicates: number; rejected: number };
    expect(r.rejected).toBe(0);
    accepted += r.accepted;
    duplicates += r.duplicates;
  }
  expect(accepted).toBe(lines.length);
  expect(duplicates).toBeGreaterThan(0);
}, 180_000);

afterAll(async () => {
  db?.$client.close();
  await server?.stop();
});

describe('client behaviour over HTTP', () => {
  test('every limit has the class the reference gives it, in the API and in the CSV', async () => {
    const res = await get('/api/v1/behaviour/retries?from=now-2d&limit=1000');
    expect(res.status).toBe(200);
    const body = retriesSchema.parse(await res.json());
    const api = new Map(body.retries.map((r) => [r.request_id, r]));
    expect(api.size).toBe(reference.limits.length);
    for (const l of reference.limits) {
      const r = api.get(l.request_id)!;
      expect([r.request_id, r.retry_class, r.retry_class_same_route, r.storm, r.next_request_id]).toEqual([
        l.request_id,
        l.class_any,
        l.class_route,
        l.storm,
        l.next_any?.request_id ?? null,
      ]);
    }
    const csvRes = await get('/api/v1/export/behaviour.csv?view=retries&from=now-2d');
    expect(csvRes.status).toBe(200);
    const rows = parse(await csvRes.text(), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0])).toEqual([...RETRIES_CSV_COLUMNS]);
    expect(rows.length).toBe(reference.limits.length);
    for (const row of rows) expect(row.retry_class).toBe(api.get(row.request_id)!.retry_class);
  });

  test('the keys that behave worst, with their verdicts (API and CSV)', async () => {
    const res = await get('/api/v1/behaviour/keys?from=now-2d');
    const body = worstKeysSchema.parse(await res.json());
    const verdicts = Object.fromEntries(body.keys.map((k) => [k.key_id, k.verdicts]));
    expect(verdicts.key_ignores).toEqual(['ignores_retry_after']);
    expect(verdicts.key_storm).toContain('retry_storm');
    expect(verdicts.key_futile).toEqual(['futile_retries']);
    expect(verdicts.key_reuse).toEqual(['reuses_idempotency_keys']);
    expect(verdicts.key_polite).toBeUndefined();
    expect(body.keys[0].key_id).toBe('key_storm');
    const csv = parse(await (await get('/api/v1/export/behaviour.csv?view=keys&from=now-2d')).text(), { columns: true }) as Record<string, string>[];
    expect(csv.map((r) => r.key_id)).toEqual(body.keys.map((k) => k.key_id));
    expect(csv.find((r) => r.key_id === 'key_futile')).toMatchObject({ verdicts: 'futile_retries', futile_retries: '12' });
  });

  test("a key's behaviour: counts per day and the worst examples as request ids", async () => {
    const body = keyBehaviourSchema.parse(await (await get('/api/v1/behaviour/keys/key_ignores?from=now-2d')).json());
    expect(body.total).toMatchObject({ limited: 6, immediate: 5, early: 1, honoured: 0, verdicts: ['ignores_retry_after'] });
    const immediateIds = built.slice(2, 7).map((b) => b.limit_id);
    expect(body.worst_retries.slice(0, 5).map((r) => r.request_id)).toEqual(immediateIds);
    const polite = keyBehaviourSchema.parse(await (await get('/api/v1/behaviour/keys/key_polite?from=now-2d')).json());
    expect(polite.total).toMatchObject({ limited: 2, honoured: 2, verdicts: ['well_behaved'] });
    const quits = keyBehaviourSchema.parse(await (await get('/api/v1/behaviour/keys/key_quits?from=now-2d')).json());
    expect(quits.total).toMatchObject({ limited: 1, abandoned: 1 });
  });

  test("an idempotency key's chain, and the request page's fields", async () => {
    const reuse = built[scenarios.findIndex((s) => s.kind === 'key_reuse')];
    const res = await get(`/api/v1/idempotency/${reuse.idempotency_key}`);
    expect(res.status).toBe(200);
    const chain = idempotencyChainSchema.parse(await res.json());
    expect(chain.summary).toBe(`Created by ${reuse.lines[0].request_id}, replayed twice, then reused with a different body (422 idempotency_key_mismatch).`);
    expect(chain.flags).toEqual({ reused_with_different_body: true, in_progress_retry_too_fast: false });
    const inProgress = built[scenarios.findIndex((s) => s.kind === 'in_progress')];
    const chain2 = idempotencyChainSchema.parse(await (await get(`/api/v1/idempotency/${inProgress.idempotency_key}`)).json());
    expect(chain2.flags.in_progress_retry_too_fast).toBe(true);
    expect((await get('/api/v1/idempotency/idem_never_seen')).status).toBe(404);

    const detail = requestDetailSchema.parse(await (await get(`/api/v1/requests/${reuse.lines[1].request_id}`)).json());
    expect(detail.records[0]).toMatchObject({ idempotency_key: reuse.idempotency_key, request_fingerprint: 'fp_a', idempotent_replayed: true });
    const filtered = (await (await get(`/api/v1/requests?from=now-2d&idempotency_key=${reuse.idempotency_key}`)).json()) as { records: unknown[] };
    expect(filtered.records).toHaveLength(4);
  });

  test('stats/breakdown and breakdown.csv by retry_class count the limits of each class', async () => {
    const want = new Map<string, number>();
    for (const l of reference.limits) want.set(l.class_any, (want.get(l.class_any) ?? 0) + 1);
    const res = await get('/api/v1/stats/breakdown?by=retry_class&from=now-2d');
    expect(res.status).toBe(200);
    const body = breakdownSchema.parse(await res.json());
    expect(body.by).toBe('retry_class');
    expect(new Map(body.rows.map((r) => [r.value, r.errors]))).toEqual(want);
    expect(body.total.errors).toBe(reference.limits.length);
    const csv = parse(await (await get('/api/v1/export/breakdown.csv?by=retry_class&from=now-2d')).text(), { columns: true }) as Record<string, string>[];
    expect(new Map(csv.map((r) => [r.retry_class, Number(r.errors)]))).toEqual(want);
    const bad = await get('/api/v1/stats/breakdown?by=retry_class&from=now-2d&tier=free');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { details: { field: string } } }).error.details.field).toBe('tier');
  });

  test('retry_class filters the list, and an unknown class is a 400 naming the parameter', async () => {
    const body = retriesSchema.parse(await (await get('/api/v1/behaviour/retries?from=now-2d&retry_class=honoured')).json());
    expect(new Set(body.retries.map((r) => r.key_id))).toEqual(new Set(['key_polite']));
    const bad = await get('/api/v1/behaviour/retries?retry_class=rude');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { details: { field: string } } }).error.details.field).toBe('retry_class');
  });
});
