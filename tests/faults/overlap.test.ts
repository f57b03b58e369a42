// Concurrent shippers sending the same records in different batches, orders, framings and encodings:
// every record is stored once, and across all 200s each record is counted accepted exactly once.
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkStore,
  HEAVY,
  mib,
  newStats,
  prepareDatabase,
  recordFigure,
  sendUntil200,
  startFaultServer,
  type FaultServer,
} from '../support/faults-harness';
import { chunk, generateTraffic, mulberry32, shuffle, truthOf, type TruthRecord } from '../support/faults-truth';

const SENDERS = HEAVY ? 12 : 6;
const RECORDS = HEAVY ? 60_000 : 6_000;

type Form = 'ndjson' | 'array' | 'stream';
type Enc = 'identity' | 'gzip' | 'deflate' | 'deflate-raw';

function encode(batch: TruthRecord[], form: Form, enc: Enc): { body: Uint8Array; encoding?: string } {
  const objs = batch.map((r) => JSON.stringify(r.wire));
  const text = form === 'ndjson' ? objs.join('\n') : form === 'array' ? `[${objs.join(',')}]` : objs.join('');
  const raw = Buffer.from(text);
  if (enc === 'gzip') return { body: zlib.gzipSync(raw), encoding: 'gzip' };
  if (enc === 'deflate') return { body: zlib.deflateSync(raw), encoding: 'deflate' };
  if (enc === 'deflate-raw') return { body: zlib.deflateRawSync(raw), encoding: 'deflate' };
  return { body: raw };
}

describe('overlapping concurrent senders', () => {
  let server: FaultServer | null = null;
  afterAll(async () => {
    await server?.stop('SIGKILL');
  });

  it(`${SENDERS} senders, the same ${RECORDS} records each: exact counts`, async () => {
    const seed = 4242;
    const records = generateTraffic(RECORDS, seed, Date.now());
    const truth = truthOf(records);
    const { databasePath, token } = prepareDatabase();
    server = await startFaultServer({ databasePath, token });
    const s = server;
    const stats = newStats();
    const forms: Form[] = ['ndjson', 'array', 'stream'];
    const encs: Enc[] = ['identity', 'gzip', 'deflate', 'deflate-raw'];
    let batches = 0;
    await Promise.all(
      Array.from({ length: SENDERS }, async (_, id) => {
        const rnd = mulberry32(seed + id * 7919);
        const order = id === 0 ? records : shuffle(records, rnd);
        for (const batch of chunk(order, rnd, 1, 700)) {
          const { body, encoding } = encode(batch, forms[(id + batches) % 3], encs[Math.floor(rnd() * encs.length)]);
          batches++;
          await sendUntil200(() => s.baseUrl, token, body, batch.length, stats, { encoding });
        }
      }),
    );
    const { diffs } = checkStore(databasePath, truth);
    recordFigure('overlap.senders', SENDERS);
    recordFigure('overlap.batches', batches);
    recordFigure('overlap.result', { accepted: stats.accepted, duplicates: stats.duplicates, refused: Object.fromEntries(stats.refused), peak_rss: mib(s.peakRss()), diffs });
    expect(diffs).toEqual([]);
    expect(stats.accepted).toBe(truth.rows);
    expect(stats.duplicates).toBe(SENDERS * RECORDS - truth.rows);
  });
});
