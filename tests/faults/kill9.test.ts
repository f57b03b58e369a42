// kill -9 mid-ingest, again and again, while shippers resend every batch not answered 200:
// afterwards the store equals the ground truth exactly (nothing lost, nothing doubled) and is not corrupt.
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkStore,
  HEAVY,
  newStats,
  prepareDatabase,
  recordFigure,
  sendUntil200,
  sleep,
  startFaultServer,
  type FaultServer,
} from '../support/faults-harness';
import { chunk, generateTraffic, mulberry32, ndjson, shuffle, truthOf } from '../support/faults-truth';

const KILLS = HEAVY ? 60 : 20;
const RECORDS = HEAVY ? 40_000 : 8_000;
const SENDERS = 3;

describe('kill -9 mid-ingest', () => {
  let server: FaultServer | null = null;
  afterAll(async () => {
    await server?.stop('SIGKILL');
  });

  it(`loses and doubles nothing across ${KILLS} kills`, async () => {
    const seed = 9001;
    const rnd = mulberry32(seed);
    const records = generateTraffic(RECORDS, seed, Date.now());
    const truth = truthOf(records);
    const { databasePath, token } = prepareDatabase();
    server = await startFaultServer({ databasePath, token });
    let current = server;
    const stats = newStats();
    let inFlight = 0;
    let killing = true;
    let passes = 0;

    // Each sender sends the whole set in its own random batches, over and over while the killer works:
    // a shipper retries whole batches, so every pass after the first is all duplicates.
    const sender = async (id: number) => {
      const r = mulberry32(seed * 31 + id);
      do {
        const order = id === 0 ? records : shuffle(records, r);
        for (const batch of chunk(order, r, 5, 1500)) {
          inFlight++;
          try {
            await sendUntil200(() => current.baseUrl, token, ndjson(batch), batch.length, stats, { deadlineMs: 180_000 });
          } finally {
            inFlight--;
          }
        }
        passes++;
      } while (killing);
    };
    const senders = Array.from({ length: SENDERS }, (_, i) => sender(i));

    let kills = 0;
    let killedWarm = 0;
    let killedWithBatchInFlight = 0;
    let quickChecks = 0;
    const restartMs: number[] = [];
    while (kills < KILLS) {
      // Half the kills land while the fresh server warms up (first batch, worker start), half in steady ingest.
      if (kills % 2 === 1) {
        const okBefore = stats.ok;
        for (let i = 0; i < 300 && stats.ok === okBefore; i++) await sleep(10);
        if (stats.ok > okBefore) killedWarm++;
        await sleep(Math.floor(rnd() * 500));
      } else {
        await sleep(Math.floor(rnd() * 800));
      }
      // A kill only tests something while a batch is on its way in.
      for (let i = 0; i < 100 && inFlight === 0; i++) await sleep(10);
      if (inFlight > 0) killedWithBatchInFlight++;
      await current.stop('SIGKILL');
      kills++;
      // The file as the killed server left it: SQLite must see a consistent database before any restart.
      const db = new Database(databasePath, { readonly: true, fileMustExist: true });
      const quick = db.pragma('quick_check', { simple: true });
      db.close();
      expect(quick, `quick_check after kill ${kills}`).toBe('ok');
      quickChecks++;
      const t0 = performance.now();
      current = await startFaultServer({ databasePath, token });
      restartMs.push(performance.now() - t0);
      server = current;
    }
    killing = false;
    await Promise.all(senders);

    const { state, diffs } = checkStore(databasePath, truth);
    recordFigure('kill9.kills', kills);
    recordFigure('kill9.kills_with_batch_in_flight', killedWithBatchInFlight);
    recordFigure('kill9.kills_after_a_200_since_restart', killedWarm);
    recordFigure('kill9.records_truth', truth.rows);
    recordFigure('kill9.passes_over_the_set', passes);
    recordFigure('kill9.attempts', { attempts: stats.attempts, ok: stats.ok, connection_errors: stats.connectionErrors, refused: Object.fromEntries(stats.refused) });
    recordFigure('kill9.restart_ms_median', Math.round(restartMs.sort((a, b) => a - b)[Math.floor(restartMs.length / 2)]));
    recordFigure('kill9.store', { rows: state.rows, integrity: state.integrity, diffs });
    expect(diffs).toEqual([]);
    expect(quickChecks).toBe(KILLS);
    // Most kills must land on a batch in flight, or the test proved little.
    expect(killedWithBatchInFlight).toBeGreaterThanOrEqual(Math.ceil(KILLS * 0.75));
    // A batch committed just before a kill lost its 200; its resend counts as duplicates, so 200s can only under-count.
    expect(stats.accepted).toBeLessThanOrEqual(truth.rows);
  });
});
