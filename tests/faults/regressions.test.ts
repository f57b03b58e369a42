// The smallest inputs behind defects the fault suite found, pinned in process (the same processBatch and
// decoder the server runs) so each stays fixed whatever the fuzzers' seeds draw.
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '@/db/client';
import { decodeBytes } from '@/ingest/decode';
import { sqliteStoreOn } from '@/db/sqlite/store';
import { processBatch } from '@/ingest/index';
import { zstdBomb, zstdTinyBlocks } from '../support/faults-bombs';
import { rollupProblems } from '../support/faults-harness';

const now = Date.now();
let db: Db | null = null;
afterEach(() => {
  db?.$client.close();
  db = null;
});

async function ingest(lines: string[]) {
  db ??= openDatabase(':memory:');
  return processBatch(sqliteStoreOn(db), Buffer.from(lines.join('\n')), { token_id: 1 });
}

const rec = (fields: Record<string, unknown>) => JSON.stringify({ timestamp: now - 60_000, status: 200, ...fields });

describe('rollup keys hold any text a dimension may contain', () => {
  it('a U+0001 in tier, reason, route or method lands in the rollups unchanged', async () => {
    const r = await ingest([
      rec({ request_id: 'sep_1', tier: 'x\u0001y' }),
      rec({ request_id: 'sep_2', route: '/a\u0001b', method: 'G\u0001T' }),
      rec({ request_id: 'sep_3', status: 429, error: { code: 'capacity_exceeded', details: { reason: 'daily\u0001quota' } } }),
    ]);
    expect(r).toMatchObject({ accepted: 3, rejected: 0 });
    expect(rollupProblems(db!.$client)).toEqual([]);
  });

  it('a U+0001 in key_id does not fail the whole batch (it used to: NOT NULL rollup_key_hour.status)', async () => {
    const r = await ingest([rec({ request_id: 'sep_k1', key_id: 'k\u0001z', tier: 'pro' }), rec({ request_id: 'sep_k2', key_id: 'key_ok' })]);
    expect(r).toMatchObject({ accepted: 2, rejected: 0 });
    expect(rollupProblems(db!.$client)).toEqual([]);
  });
});

describe('deeply nested envelopes are one bad record, not a failed batch', () => {
  const deep = (n: number) => '{"x":' + '['.repeat(n) + ']'.repeat(n) + '}';
  for (const [field, body] of [
    ['error.details', (n: number) => `{"code":"internal_error","details":${deep(n)}}`],
    ['error.message', (n: number) => `{"code":"internal_error","message":${deep(n)}}`],
  ] as const) {
    it(`${field} nested 100,000 levels: that record is rejected, the rest of the batch is stored`, async () => {
      const r = await ingest([`{"request_id":"deep_1","timestamp":${now - 1000},"status":500,"error":${body(100_000)}}`, rec({ request_id: 'deep_ok' })]);
      expect(r).toMatchObject({ accepted: 1, rejected: 1 });
      expect(r.errors[0]).toMatchObject({ line: 1, field });
    });
  }

  it('an ordinary nested details object is still stored', async () => {
    const r = await ingest([`{"request_id":"nest_ok","timestamp":${now - 1000},"status":422,"error":{"code":"validation_failed","details":${deep(10)}}}`]);
    expect(r).toMatchObject({ accepted: 1, rejected: 0 });
  });
});

describe('zstd bodies cost the decoder bounded work', () => {
  const refused = (body: Buffer) => {
    try {
      decodeBytes(body, 'zstd');
      return 'decoded';
    } catch (err) {
      return (err as { code?: string }).code ?? String(err);
    }
  };

  it('a 60 MiB single-segment window and a million 1-byte blocks are refused at once', () => {
    const t0 = performance.now();
    expect(refused(zstdBomb(60 * 1024 * 1024, { singleSegment: true }))).toBe('decompressed_too_large');
    expect(refused(zstdTinyBlocks(1_000_000))).toBe('decompressed_too_large');
    expect(performance.now() - t0).toBeLessThan(2_000);
  });

  it('an ordinary frame (128 KiB window, full blocks) still decodes', () => {
    const out = decodeBytes(zstdBomb(4 * 1024 * 1024, { byte: 0x20 }), 'zstd');
    expect(out.byteLength).toBe(4 * 1024 * 1024);
  });
});
