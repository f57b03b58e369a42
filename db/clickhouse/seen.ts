// The (request_id, code) pairs the ClickHouse store holds, as 64-bit fingerprints in an open-addressing hash set
// kept in memory by the one writing node. A pair whose fingerprint is absent is certainly new (the set holds every
// stored pair, and more), so a batch of fresh records needs no dedupe read at all; a pair whose fingerprint is
// present may be a resend or a collision, and only those are checked against ClickHouse. The answer is exact either
// way: the set only decides which pairs are worth asking about.
import { createHash } from 'node:crypto';

/** halfMD5 of `request_id \0 code` as two 32-bit halves: what ClickHouse computes with pairFingerprintSql. */
export function pairFingerprint(request_id: string, code: string): [number, number] {
  const d = createHash('md5').update(request_id, 'utf8').update('\0').update(code, 'utf8').digest();
  return [d.readUInt32BE(0), d.readUInt32BE(4)];
}

/** The same fingerprint computed by ClickHouse (18.16 and 26.x), as two UInt32 columns hi, lo. */
export const PAIR_FINGERPRINT_SQL = "bitShiftRight(halfMD5(concat(request_id, '\\0', code)), 32) AS hi, bitAnd(halfMD5(concat(request_id, '\\0', code)), 4294967295) AS lo";

export class FingerprintSet {
  private keys: Uint32Array;
  private mask: number;
  private count = 0;

  constructor(capacity = 1 << 16) {
    let cap = 1 << 4;
    while (cap < capacity) cap <<= 1;
    this.keys = new Uint32Array(cap * 2);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held (the set doubles when half full). */
  get bytes(): number {
    return this.keys.byteLength;
  }

  // (0, 0) marks an empty slot: that one fingerprint is stored as (0, 1), a harmless extra collision.
  add(hi: number, lo: number): void {
    if (hi === 0 && lo === 0) lo = 1;
    if ((this.count + 1) * 2 > this.mask + 1) this.grow();
    if (this.insert(this.keys, this.mask, hi, lo)) this.count++;
  }

  has(hi: number, lo: number): boolean {
    if (hi === 0 && lo === 0) lo = 1;
    const k = this.keys;
    for (let i = lo & this.mask; ; i = (i + 1) & this.mask) {
      const h = k[i * 2];
      const l = k[i * 2 + 1];
      if (h === 0 && l === 0) return false;
      if (h === hi && l === lo) return true;
    }
  }

  forEach(fn: (hi: number, lo: number) => void): void {
    const k = this.keys;
    for (let i = 0; i < k.length; i += 2) if (k[i] !== 0 || k[i + 1] !== 0) fn(k[i], k[i + 1]);
  }

  private insert(k: Uint32Array, mask: number, hi: number, lo: number): boolean {
    for (let i = lo & mask; ; i = (i + 1) & mask) {
      const h = k[i * 2];
      const l = k[i * 2 + 1];
      if (h === 0 && l === 0) {
        k[i * 2] = hi;
        k[i * 2 + 1] = lo;
        return true;
      }
      if (h === hi && l === lo) return false;
    }
  }

  private grow(): void {
    const old = this.keys;
    const mask = (this.mask + 1) * 2 - 1;
    const k = new Uint32Array((mask + 1) * 2);
    for (let i = 0; i < old.length; i += 2) if (old[i] !== 0 || old[i + 1] !== 0) this.insert(k, mask, old[i], old[i + 1]);
    this.keys = k;
    this.mask = mask;
  }
}
