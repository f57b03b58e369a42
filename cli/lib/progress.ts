// Progress on stderr: a redrawn bar when stderr is a terminal, otherwise a plain line every few seconds.

export interface ProgressState {
  /** Records processed so far. */
  records: number;
  /** Fraction done in [0, 1], or null when unknown. */
  fraction: number | null;
  label: string;
}

const PLAIN_EVERY_MS = 5000;
const TTY_EVERY_MS = 100;

export class Progress {
  private readonly started = performance.now();
  private last = -Infinity;
  private drawn = false;
  private readonly tty: boolean;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly enabled = true,
  ) {
    this.tty = Boolean(stream.isTTY);
  }

  update(state: ProgressState, force = false): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (!force && now - this.last < (this.tty ? TTY_EVERY_MS : PLAIN_EVERY_MS)) return;
    this.last = now;
    const elapsed = (now - this.started) / 1000;
    const rate = elapsed > 0 ? state.records / elapsed : 0;
    const pct = state.fraction === null ? null : Math.min(1, Math.max(0, state.fraction));
    const eta = pct && pct > 0 ? (elapsed / pct - elapsed) * 1000 : NaN;
    const nums = `${fmtInt(state.records)} records  ${fmtInt(rate)} records/s`;
    if (this.tty) {
      const width = 28;
      const filled = pct === null ? 0 : Math.round(pct * width);
      const bar = pct === null ? '' : `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(pct * 100).toFixed(0).padStart(3)}%  `;
      const etaText = pct === null ? '' : `  ETA ${fmtEta(eta)}`;
      this.stream.write(`\r\x1b[2K${state.label}  ${bar}${nums}${etaText}`);
      this.drawn = true;
    } else {
      const pctText = pct === null ? '' : ` ${(pct * 100).toFixed(0)}%`;
      const etaText = pct === null ? '' : `, ETA ${fmtEta(eta)}`;
      this.stream.write(`${state.label}:${pctText} ${nums}${etaText}\n`);
    }
  }

  /** Clears the bar so the report starts on a clean line. */
  done(): void {
    if (this.tty && this.drawn) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }
}

const nf = new Intl.NumberFormat('en-US');
function fmtInt(n: number): string {
  return nf.format(Math.round(n));
}

function fmtEta(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}
