// Walks zstd frame and block headers ahead of the decoder (no decompression) to bound its work.
// fzstd shifts its whole window once per block, so a body of many tiny blocks or one huge window costs
// window × blocks of memory moves on the main thread: a few MB in can mean minutes of CPU.

/** The zstd spec lets decoders refuse windows above 8 MiB; real compressors at normal levels stay below. */
export const ZSTD_MAX_WINDOW = 8 * 1024 * 1024;
/** Bytes of window the decoder may shift in total (~1 s of CPU): 64 MiB out in full 128 KiB blocks fits. */
export const ZSTD_MAX_WORK = 4 * 1024 * 1024 * 1024;

type State = 'magic' | 'skip-size' | 'skip' | 'frame-descriptor' | 'frame-header' | 'block-header' | 'block' | 'checksum' | 'done';

export class ZstdGuard {
  private state: State = 'magic';
  private need = 4;
  private held: number[] = [];
  private skipping = 0;
  private descriptor = 0;
  /** The window of the current frame (0 before its header): what the decoder allocates for it. */
  window = 0;
  private lastBlock = false;
  /** Window bytes the decoder will shift for the blocks seen so far. */
  work = 0;

  constructor(
    private readonly refuse: (why: string) => Error,
    private readonly maxWindow = ZSTD_MAX_WINDOW,
    private readonly maxWork = ZSTD_MAX_WORK,
  ) {}

  /** Reads the next bytes of the compressed stream; throws `refuse(...)` as soon as a limit is crossed. */
  feed(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length && this.state !== 'done') {
      if (this.state === 'skip' || this.state === 'block') {
        const n = Math.min(this.skipping, chunk.length - i);
        i += n;
        this.skipping -= n;
        if (this.skipping === 0) this.afterContent();
        continue;
      }
      this.held.push(chunk[i++]);
      if (this.held.length < this.need) continue;
      const b = this.held;
      this.held = [];
      this.step(b);
    }
  }

  private expect(state: State, need: number) {
    this.state = state;
    this.need = need;
  }

  private step(b: number[]) {
    switch (this.state) {
      case 'magic': {
        const magic = (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
        if (magic === 0xfd2fb528) this.expect('frame-descriptor', 1);
        else if ((magic & 0xfffffff0) >>> 0 === 0x184d2a50) this.expect('skip-size', 4);
        else this.state = 'done'; // not zstd: the decoder reports it
        return;
      }
      case 'skip-size':
        this.skipping = (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
        if (this.skipping === 0) this.expect('magic', 4);
        else this.state = 'skip';
        return;
      case 'frame-descriptor': {
        this.descriptor = b[0];
        const single = (b[0] >> 5) & 1;
        const fcsFlag = b[0] >> 6;
        const dictBytes = [0, 1, 2, 4][b[0] & 3];
        const fcsBytes = fcsFlag === 0 ? single : [0, 2, 4, 8][fcsFlag];
        this.expect('frame-header', (single ? 0 : 1) + dictBytes + fcsBytes);
        return;
      }
      case 'frame-header': {
        const d = this.descriptor;
        const single = (d >> 5) & 1;
        if (!single) {
          const exponent = b[0] >> 3;
          const base = 2 ** (10 + exponent);
          this.window = base + (base / 8) * (b[0] & 7);
        } else {
          const fcsFlag = d >> 6;
          const at = [0, 1, 2, 4][d & 3];
          const n = fcsFlag === 0 ? 1 : [0, 2, 4, 8][fcsFlag];
          let size = 0;
          for (let k = n - 1; k >= 0; k--) size = size * 256 + b[at + k];
          this.window = n === 2 ? size + 256 : size;
        }
        if (this.window > this.maxWindow) {
          throw this.refuse(`the zstd window is ${this.window} bytes; at most ${this.maxWindow} are accepted`);
        }
        this.expect('block-header', 3);
        return;
      }
      case 'block-header': {
        const h = b[0] | (b[1] << 8) | (b[2] << 16);
        this.lastBlock = (h & 1) === 1;
        const type = (h >> 1) & 3;
        const size = h >> 3;
        if (type === 3) {
          this.state = 'done'; // reserved: the decoder reports it
          return;
        }
        this.work += Math.max(this.window, 1024);
        if (this.work > this.maxWork) throw this.refuse('the zstd stream has too many blocks for its window size');
        this.skipping = type === 1 ? 1 : size;
        this.state = 'block';
        if (this.skipping === 0) this.afterContent();
        return;
      }
      case 'checksum':
        this.expect('magic', 4);
        return;
      default:
        return;
    }
  }

  private afterContent() {
    if (this.state === 'skip') return this.expect('magic', 4);
    if (!this.lastBlock) return this.expect('block-header', 3);
    if ((this.descriptor >> 2) & 1) this.expect('checksum', 4);
    else this.expect('magic', 4);
  }
}
