// Samples the resident memory of a whole process group from /proc (the server is `start.mjs` + `next start`).
import fs from 'node:fs';

const PAGE = 4096;

/** Sum of RSS bytes of every process whose process group is `pgid`. */
export function groupRss(pgid: number): number {
  let total = 0;
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return Number.NaN;
  }
  for (const name of entries) {
    if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'latin1');
      // The command name may hold spaces and parentheses: fields start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== pgid) continue;
      const statm = fs.readFileSync(`/proc/${name}/statm`, 'latin1').split(' ');
      total += Number(statm[1]) * PAGE;
    } catch {
      /* the process ended between readdir and read */
    }
  }
  return total;
}

export interface RssSampler {
  /** Peak since start or the last reset. */
  peak(): number;
  last(): number;
  reset(): void;
  stop(): void;
}

export function sampleRss(pgid: number, everyMs = 100): RssSampler {
  let peak = 0;
  let last = groupRss(pgid);
  peak = last;
  const timer = setInterval(() => {
    last = groupRss(pgid);
    if (last > peak) peak = last;
  }, everyMs);
  timer.unref();
  return {
    peak: () => peak,
    last: () => last,
    reset: () => {
      last = groupRss(pgid);
      peak = last;
    },
    stop: () => clearInterval(timer),
  };
}
