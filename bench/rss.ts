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

const TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) used so far by every live process of the group. */
export function groupCpuSeconds(pgid: number): number {
  let ticks = 0;
  for (const name of fs.readdirSync('/proc')) {
    if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'latin1');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== pgid) continue;
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      /* gone */
    }
  }
  return ticks / TICKS;
}

/** cutime + cstime of a shell that has waited for its child: the child's whole CPU time. */
export function childCpuFromStat(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / TICKS;
}
