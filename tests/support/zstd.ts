// A minimal Zstandard encoder for tests (Node 20 has no zstd compressor): raw and RLE blocks only. Valid frames,
// no compression except runs, which is exactly what a decompression bomb needs.
const BLOCK = 128 * 1024;

export function zstdCompress(data: Uint8Array, opts: { windowLog?: number } = {}): Uint8Array {
  const windowLog = opts.windowLog ?? 17;
  const parts: Uint8Array[] = [Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, (windowLog - 10) << 3])];
  const block = (chunk: Uint8Array, last: boolean) => {
    const rle = chunk.length > 0 && chunk.every((b) => b === chunk[0]);
    const header = (chunk.length << 3) | ((rle ? 1 : 0) << 1) | (last ? 1 : 0);
    parts.push(Uint8Array.from([header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff]));
    parts.push(rle ? Uint8Array.from([chunk[0]]) : chunk);
  };
  if (data.length === 0) block(data, true);
  for (let off = 0; off < data.length; off += BLOCK) block(data.subarray(off, off + BLOCK), off + BLOCK >= data.length);
  return Buffer.concat(parts);
}
