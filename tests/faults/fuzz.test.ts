// Property-based garbage: bodies and records that are truncated, mistyped, huge, deeply nested, not UTF-8,
// full of NUL bytes, with odd timestamps and every alias. Each record gets its own error (or counts as the
// duplicate it is), each bad body its envelope error, the server stays up, and no stored row changes.
import fc from 'fast-check';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '@/db/client';
import { sqliteStoreOn } from '@/db/sqlite/store';
import { processBatch } from '@/ingest/index';
import {
  envelopeProblems,
  HEAVY,
  mib,
  post,
  prepareDatabase,
  recordFigure,
  rollupProblems,
  startFaultServer,
  storeDigest,
  type FaultServer,
} from '../support/faults-harness';
import {
  baselineNdjson,
  batchProblems,
  fuzzBatch,
  joinLines,
  msgpack,
  msgpackEntry,
  oddValidRecord,
  BASE_CODES,
  BASE_IDS,
} from '../support/faults-fuzz';
import { tempDatabasePath } from '../support/server';

const SEED = Number(process.env.FAULTS_SEED ?? 20261125);
const IN_PROCESS_RUNS = HEAVY ? 2000 : 120;
const HTTP_RUNS = HEAVY ? 1500 : 110;
const BODY_RUNS = HEAVY ? 3000 : 400;
const ODD_RUNS = HEAVY ? 500 : 60;
const MSGPACK_RUNS = HEAVY ? 600 : 40;
const now = Date.now();
const baselineRows = BASE_IDS * BASE_CODES.length;

function describeFailure(lines: { label: string; bytes: Uint8Array }[], problems: string[]): string {
  return `${problems.join('\n')}\nbatch labels: ${lines.map((l) => l.label).join(', ')}`;
}

describe('fuzzed records through the pipeline the writer runs (processBatch)', () => {
  let db: Db;
  let file: string;
  beforeAll(async () => {
    file = tempDatabasePath('errata-fuzz');
    db = openDatabase(file);
    const r = await processBatch(sqliteStoreOn(db), Buffer.from(baselineNdjson(now)), { token_id: 1 });
    expect(r.accepted).toBe(baselineRows);
  });
  afterAll(() => db?.$client.close());

  it(`${IN_PROCESS_RUNS} batches: per-record errors, nothing stored anew`, async () => {
    const before = storeDigest(file);
    let cases = 0;
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(fuzzBatch(now, 70), fc.boolean(), async (lines, crlf) => {
        let r;
        try {
          r = await processBatch(sqliteStoreOn(db), joinLines(lines, crlf), { token_id: 1 });
        } catch (err) {
          throw new Error(describeFailure(lines, [`the whole batch failed: ${(err as Error).name}: ${(err as Error).message}`]));
        }
        const p = batchProblems(lines, r);
        if (p.length) throw new Error(describeFailure(lines, p));
        cases += lines.length;
        rejected += r.rejected;
      }),
      { numRuns: IN_PROCESS_RUNS, seed: SEED, endOnFailure: true },
    );
    recordFigure('fuzz.in_process_records', { cases, rejected });
    expect(storeDigest(file)).toEqual(before);
    expect(cases).toBeGreaterThan(IN_PROCESS_RUNS * 20);
  });
});

describe('odd but valid records through processBatch', () => {
  it(`${ODD_RUNS} batches of fresh records with control bytes, NUL, separators, unicode in every dimension: stored, rollups agree with raw rows`, async () => {
    let cases = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(oddValidRecord(now), { minLength: 10, maxLength: 40 }), async (recs) => {
        // A fresh store per batch keeps the property stateless, so fast-check can shrink a failure.
        const db = openDatabase(':memory:');
        try {
          const body = Buffer.from(recs.map((r) => JSON.stringify(r.wire)).join('\n'));
          let r;
          try {
            r = await processBatch(sqliteStoreOn(db), body, { token_id: 1 });
          } catch (err) {
            throw new Error(`the whole batch failed: ${(err as Error).name}: ${(err as Error).message}`);
          }
          if (r.accepted + r.rejected !== recs.length || r.duplicates !== 0) throw new Error(`counts: ${JSON.stringify(r).slice(0, 400)}`);
          const problems = rollupProblems(db.$client);
          if (problems.length) throw new Error(problems.join('\n'));
          cases += recs.length;
        } finally {
          db.$client.close();
        }
      }),
      { numRuns: ODD_RUNS, seed: SEED + 3 },
    );
    recordFigure('fuzz.odd_valid_records', cases);
  });
});

describe('fuzzed input over HTTP', () => {
  let server: FaultServer;
  let before: { rows: number; digest: string };
  let httpCases = 0;
  beforeAll(async () => {
    const prepared = prepareDatabase();
    server = await startFaultServer(prepared);
    const r = await post(server.baseUrl, server.token, baselineNdjson(now));
    expect(r.status).toBe(200);
    expect(r.json.accepted).toBe(baselineRows);
    before = storeDigest(server.databasePath);
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
  });

  it(`${HTTP_RUNS} fuzzed batches, any encoding: per-record errors, nothing stored anew`, async () => {
    let cases = 0;
    let slowest = 0;
    await fc.assert(
      fc.asyncProperty(fuzzBatch(now, 90), fc.constantFrom('identity', 'gzip', 'deflate', 'deflate-raw'), fc.boolean(), async (lines, enc, crlf) => {
        const raw = joinLines(lines, crlf);
        const body = enc === 'gzip' ? zlib.gzipSync(raw) : enc === 'deflate' ? zlib.deflateSync(raw) : enc === 'deflate-raw' ? zlib.deflateRawSync(raw) : raw;
        const encoding = enc === 'identity' ? undefined : enc === 'gzip' ? 'gzip' : 'deflate';
        const r = await post(server.baseUrl, server.token, body, { encoding, timeoutMs: 15_000 });
        slowest = Math.max(slowest, r.ms);
        if (r.status !== 200) throw new Error(describeFailure(lines, [`answered ${r.status || r.error}: ${r.text.slice(0, 300)}`]));
        const p = batchProblems(lines, r.json);
        if (p.length) throw new Error(describeFailure(lines, p));
        cases += lines.length;
      }),
      { numRuns: HTTP_RUNS, seed: SEED + 1, endOnFailure: true },
    );
    httpCases += cases;
    recordFigure('fuzz.http_records', { cases, slowest_ms: Math.round(slowest), peak_rss: mib(server.peakRss()) });
    expect(storeDigest(server.databasePath)).toEqual(before);
  });

  it(`${MSGPACK_RUNS} MessagePack bodies (Fluent Bit's three entry shapes, junk entries): duplicates and per-entry errors`, async () => {
    let cases = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(msgpackEntry(now), { minLength: 10, maxLength: 50 }), fc.boolean(), async (entries, gz) => {
        // The body's first byte tells MessagePack from JSON: start with a [time, record] entry.
        const first = { bytes: msgpack([Math.floor(now / 1000), { request_id: 'req_fzbase_2', timestamp: now - 9000, status: 200 }]), dup: true, label: 'first' };
        const all = [first, ...entries];
        const raw = Buffer.concat(all.map((e) => e.bytes));
        const r = await post(server.baseUrl, server.token, gz ? zlib.gzipSync(raw) : raw, {
          encoding: gz ? 'gzip' : undefined,
          contentType: 'application/msgpack',
          timeoutMs: 15_000,
        });
        const dups = all.filter((e) => e.dup).length;
        const problems: string[] = [];
        if (r.status !== 200) problems.push(`answered ${r.status || r.error}: ${r.text.slice(0, 300)}`);
        else {
          if (r.json.accepted !== 0) problems.push(`accepted ${r.json.accepted}`);
          if (r.json.duplicates !== dups) problems.push(`duplicates ${r.json.duplicates}, expected ${dups}`);
          if (r.json.rejected !== all.length - dups) problems.push(`rejected ${r.json.rejected}, expected ${all.length - dups}`);
        }
        if (problems.length) throw new Error(`${problems.join('; ')}\nentries: ${all.map((e) => e.label).join(', ')}`);
        cases += all.length;
      }),
      { numRuns: MSGPACK_RUNS, seed: SEED + 4, endOnFailure: true },
    );
    httpCases += cases;
    recordFigure('fuzz.http_msgpack_entries', cases);
    expect(storeDigest(server.databasePath)).toEqual(before);
  });

  it(`${BODY_RUNS} garbage bodies: an envelope error or per-record errors, never a 5xx`, async () => {
    const dupLine = JSON.stringify({ request_id: 'req_fzbase_1', timestamp: now - 5000, status: 200 });
    const dupBody = Buffer.from(Array.from({ length: 30 }, () => dupLine).join('\n'));
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 4096 }).map((b) => ({ label: 'random bytes', body: b, expect: [200, 400] })),
      fc
        .constantFrom('', ' ', '\n\n\n', '\ufeff', '\ufeff\n', '[]', '[ ]', '{}', 'null', '[', ']', '{', '"', ',', '[,]', '[{},]', '[{}', '{}{', '\u0000', '{"a":1}\u0000')
        .map((s) => ({ label: `text ${JSON.stringify(s)}`, body: Buffer.from(s), expect: [200, 400] })),
      fc.double({ min: 0, max: 1, noNaN: true }).map((cut) => {
        const gz = zlib.gzipSync(dupBody);
        return { label: 'truncated gzip', body: gz.subarray(0, Math.floor(cut * gz.length)), encoding: 'gzip', expect: [200, 400] };
      }),
      fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 2048 }), fc.constantFrom('gzip', 'deflate', 'zstd', 'x-gzip', 'GZIP')).map(([b, e]) => ({
        label: `garbage ${e}`,
        body: b,
        encoding: e,
        expect: [200, 400],
      })),
      fc.constantFrom('br', 'compress', 'gzip, br', 'x-foo', 'gzip, gzip', 'identity, br').map((e) => ({
        label: `encoding ${e}`,
        body: dupBody,
        encoding: e,
        expect: [415],
      })),
      fc.tuple(fc.constantFrom(1_000, 100_000, 1_000_000), fc.constantFrom('[', '{"a":', '[{"request_id":'), fc.boolean()).map(([depth, open, closed]) => {
        // Up to ~2 MB: deep, but under the body cap (the over-size body has its own test).
        const n = Math.min(depth, Math.floor(2_000_000 / open.length));
        const close = open === '[' ? ']' : open === '{"a":' ? '}' : '}]';
        const text = open.repeat(n) + (closed ? '1' + close.repeat(n) : '');
        return { label: `nested ${n} ${open}${closed ? ' closed' : ''}`, body: Buffer.from(text), expect: [200, 400] };
      }),
      fc.uint8Array({ minLength: 1, maxLength: 512 }).map((b) => ({
        label: 'msgpack-looking bytes',
        body: Buffer.concat([Buffer.from([0x92 + (b[0] % 2)]), Buffer.from(b)]),
        contentType: 'application/msgpack',
        expect: [200, 400],
      })),
      fc.constantFrom(null, 'errata_nope', 'Basic abc', '').map((t) => ({ label: `credentials ${t}`, body: dupBody, token: t, expect: [401] })),
      fc.double({ min: 0, max: 1, noNaN: true }).map((cut) => {
        const arr = Buffer.from(`[${Array.from({ length: 30 }, () => dupLine).join(',')}]`);
        return { label: 'truncated array', body: arr.subarray(0, Math.max(1, Math.floor(cut * arr.length))), expect: [200, 400] };
      }),
    );
    const seen = new Map<number, number>();
    let slowest = 0;
    let slowestLabel = '';
    await fc.assert(
      fc.asyncProperty(body, async (c) => {
        const headers: Record<string, string> = {};
        if ('token' in c && c.token !== null) headers.authorization = c.token.startsWith('Basic') ? c.token : `Bearer ${c.token}`;
        const r = await post(server.baseUrl, 'token' in c ? null : server.token, c.body, {
          encoding: 'encoding' in c ? c.encoding : undefined,
          contentType: 'contentType' in c ? c.contentType : 'application/json',
          headers,
          timeoutMs: 15_000,
        });
        if (r.ms > slowest) [slowest, slowestLabel] = [r.ms, c.label];
        seen.set(r.status, (seen.get(r.status) ?? 0) + 1);
        const problems: string[] = [];
        if (!c.expect.includes(r.status)) problems.push(`status ${r.status || r.error}, expected ${c.expect.join('|')}: ${r.text.slice(0, 300)}`);
        if (r.status === 200 && r.json?.accepted !== 0) problems.push(`accepted ${r.json?.accepted}`);
        if (r.status !== 200 && r.status !== 0) problems.push(...envelopeProblems(r));
        if (r.ms > 10_000) problems.push(`answered in ${Math.round(r.ms)} ms`);
        if (problems.length) throw new Error(`${c.label}: ${problems.join('; ')}`);
      }),
      { numRuns: BODY_RUNS, seed: SEED + 2, endOnFailure: true },
    );
    httpCases += BODY_RUNS;
    recordFigure('fuzz.http_bodies', { cases: BODY_RUNS, statuses: Object.fromEntries(seen), slowest_ms: Math.round(slowest), slowest: slowestLabel });
    const health = await fetch(`${server.baseUrl}/api/v1/health`);
    expect(health.status).toBe(200);
    expect(storeDigest(server.databasePath)).toEqual(before);
    recordFigure('fuzz.http_cases_total', httpCases);
  });
});
