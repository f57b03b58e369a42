import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { FingerprintSet, pairFingerprint } from '@/db/clickhouse/seen';

describe('FingerprintSet', () => {
  test('holds every added fingerprint through growth, and nothing else', () => {
    const set = new FingerprintSet(16);
    const added: [number, number][] = [];
    for (let i = 0; i < 50_000; i++) {
      const fp = pairFingerprint(`req_${i}`, i % 3 ? '' : 'rate_limited');
      set.add(...fp);
      added.push(fp);
    }
    // Adding again changes nothing.
    for (const fp of added.slice(0, 1000)) set.add(...fp);
    expect(set.size).toBe(50_000);
    for (const fp of added) expect(set.has(...fp)).toBe(true);
    let falsePositives = 0;
    for (let i = 0; i < 50_000; i++) if (set.has(...pairFingerprint(`other_${i}`, ''))) falsePositives++;
    expect(falsePositives).toBe(0);
  });

  test('the zero fingerprint (the empty-slot marker) is still found', () => {
    const set = new FingerprintSet();
    expect(set.has(0, 0)).toBe(false);
    set.add(0, 0);
    expect(set.has(0, 0)).toBe(true);
  });

  test('pairFingerprint is halfMD5 of request_id NUL code, split in two halves', () => {
    const d = createHash('md5').update('req_1\u0000code').digest();
    expect(pairFingerprint('req_1', 'code')).toEqual([d.readUInt32BE(0), d.readUInt32BE(4)]);
    expect(pairFingerprint('a', 'bc')).not.toEqual(pairFingerprint('ab', 'c'));
  });
});
