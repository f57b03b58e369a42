// Overload: more senders than the one writer can take. Refusals are 429/503 with Retry-After and an envelope,
// no answer takes 10 s or more, and every batch that was answered 200 is stored: nothing accepted then lost.
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkStore,
  envelopeProblems,
  HEAVY,
  mib,
  post,
  prepareDatabase,
  recordFigure,
  sleep,
  startFaultServer,
  type FaultServer,
} from '../support/faults-harness';
import { chunk, generateTraffic, mulberry32, ndjson, truthOf } from '../support/faults-truth';

// Heavy: batches up to the 100,000-record limit (gzip, to fit 16 MiB), where the 10 s answer bound is tightest.
const SENDERS = HEAVY ? 12 : 16;
const PER_SENDER = HEAVY ? 100_000 : 3_000;
const BATCH = HEAVY ? [20_000, 100_000] : [500, 2_000];

describe('overload', () => {
  let server: FaultServer | null = null;
  afterAll(async () => {
    await server?.stop('SIGKILL');
  });

  it(`${SENDERS} senders against one writer with a queue of 2: refusals with Retry-After, answers under 10 s, exact counts`, async () => {
    const seed = 503;
    const { databasePath, token } = prepareDatabase();
    server = await startFaultServer({ databasePath, token, env: { ERRATA_WRITER_QUEUE: '2' } });
    const s = server;
    const all = generateTraffic(SENDERS * PER_SENDER, seed, Date.now());
    const truth = truthOf(all);
    let slowest = 0;
    let accepted = 0;
    let ok = 0;
    const refusals = new Map<string, number>();
    const problems: string[] = [];
    const retryAfters: number[] = [];
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: SENDERS }, async (_, id) => {
        const rnd = mulberry32(seed + id);
        const mine = all.slice(id * PER_SENDER, (id + 1) * PER_SENDER);
        for (const batch of chunk(mine, rnd, BATCH[0], BATCH[1])) {
          const body = HEAVY ? gzipSync(ndjson(batch)) : ndjson(batch);
          for (let attempt = 0; ; attempt++) {
            const r = await post(s.baseUrl, token, body, { timeoutMs: 30_000, encoding: HEAVY ? 'gzip' : undefined });
            slowest = Math.max(slowest, r.ms);
            if (r.ms >= 10_000) problems.push(`answer took ${Math.round(r.ms)} ms (${r.status})`);
            if (r.status === 200) {
              ok++;
              accepted += r.json.accepted;
              break;
            }
            const key = `${r.status || r.error}:${r.json?.error?.code ?? ''}`;
            refusals.set(key, (refusals.get(key) ?? 0) + 1);
            if (r.status !== 429 && r.status !== 503) {
              problems.push(`unexpected ${key}: ${r.text.slice(0, 200)}`);
              if (problems.length > 20) throw new Error(problems.join('\n'));
              await sleep(200);
              continue;
            }
            const ra = r.headers?.get('retry-after');
            if (!ra || !/^\d+$/.test(ra) || Number(ra) < 1) problems.push(`${r.status} without a usable Retry-After (${ra})`);
            problems.push(...envelopeProblems(r));
            retryAfters.push(Number(ra));
            // Honour a quarter of Retry-After (with jitter) to keep the pressure on within the suite's time.
            await sleep(Number(ra || 1) * 250 * (0.5 + rnd()));
            if (attempt > 200) throw new Error('a batch was refused 200 times');
          }
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const { state, diffs } = checkStore(databasePath, truth);
    recordFigure('overload.senders', SENDERS);
    recordFigure('overload.result', {
      records: truth.rows,
      batches_ok: ok,
      refusals: Object.fromEntries(refusals),
      retry_after_s: retryAfters.length ? [Math.min(...retryAfters), Math.max(...retryAfters)] : [],
      slowest_answer_ms: Math.round(slowest),
      records_per_s: Math.round(truth.rows / seconds),
      peak_rss: mib(s.peakRss()),
      rows: state.rows,
    });
    expect(problems.slice(0, 10)).toEqual([]);
    expect(diffs).toEqual([]);
    // No kills here: across all 200s each record was accepted exactly once.
    expect(accepted).toBe(truth.rows);
    // The writer was really saturated, or this proved nothing.
    expect([...refusals.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(slowest).toBeLessThan(10_000);
  });

  // Issue #8: six 100,000-record batches at once were answered after 13–17 s (the 8 s start timeout ignored the
  // write time of the batches ahead). Now a batch that would not be answered in time is refused up front.
  it('six concurrent 100,000-record batches: every answer under 10 s, every 200 stored exactly once', async () => {
    await server?.stop('SIGKILL');
    const seed = 8;
    const { databasePath, token } = prepareDatabase();
    server = await startFaultServer({ databasePath, token });
    const s = server;
    const PER = 100_000;
    const all = generateTraffic(6 * PER, seed, Date.now());
    const truth = truthOf(all);
    const bodies = Array.from({ length: 6 }, (_, i) => gzipSync(ndjson(all.slice(i * PER, (i + 1) * PER))));
    const problems: string[] = [];
    let slowest = 0;
    let accepted = 0;
    let refused = 0;
    await Promise.all(
      bodies.map(async (body, id) => {
        const rnd = mulberry32(seed + id);
        for (let attempt = 0; ; attempt++) {
          const r = await post(s.baseUrl, token, body, { timeoutMs: 60_000, encoding: 'gzip' });
          slowest = Math.max(slowest, r.ms);
          if (r.ms >= 10_000) problems.push(`answer took ${Math.round(r.ms)} ms (${r.status})`);
          if (r.status === 200) {
            accepted += r.json.accepted;
            break;
          }
          if (r.status !== 503 && r.status !== 429) throw new Error(`unexpected ${r.status}: ${r.text.slice(0, 200)}`);
          refused++;
          problems.push(...envelopeProblems(r));
          const ra = Number(r.headers?.get('retry-after'));
          if (!(ra >= 1)) problems.push(`${r.status} without a usable Retry-After`);
          await sleep(ra * 500 * (0.5 + rnd()));
          if (attempt > 100) throw new Error('a batch was refused 100 times');
        }
      }),
    );
    const { diffs } = checkStore(databasePath, truth);
    recordFigure('overload.large_batches', { records: truth.rows, refusals: refused, slowest_answer_ms: Math.round(slowest) });
    expect(problems.slice(0, 10)).toEqual([]);
    expect(diffs).toEqual([]);
    // Each record was accepted by exactly one 200 (a refused batch was never written).
    expect(accepted).toBe(truth.rows);
    expect(slowest).toBeLessThan(10_000);
  });
});
