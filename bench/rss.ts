// Samples the resident memory of a whole process group from /proc (the server is `start.mjs` + `next start`).
import fs from 'node:fs';

const PAGE = 4096;

function pgidOf(stat: string): number {
  // The command name may hold spaces and parentheses: fields start after the last ')'.
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ', 3)[2]);
}

/** Pids of every process whose process group is `pgid` (one pass over /proc: a few ms on a busy machine). */
export function groupPids(pgid: number): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const name of entries) {
    if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue;
    try {
      if (pgidOf(fs.readFileSync(`/proc/${name}/stat`, 'latin1')) === pgid) pids.push(Number(name));
    } catch {
      /* the process ended between readdir and read */
    }
  }
  return pids;
}

/** Sum of RSS bytes of `pids` (default: every process of the group, found afresh). */
export function groupRss(pgid: number, pids: readonly number[] = groupPids(pgid)): number {
  if (pids.length === 0 && !fs.existsSync('/proc/self/statm')) return Number.NaN;
  let total = 0;
  for (const pid of pids) {
    try {
      total += Number(fs.readFileSync(`/proc/${pid}/statm`, 'latin1').split(' ', 2)[1]) * PAGE;
    } catch {
      /* gone */
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

/**
 * Samples the group's RSS every `everyMs`. The group's members are looked up in /proc once a second (a walk over
 * every process on the machine); the samples in between read only those members' statm.
 */
export function sampleRss(pgid: number, everyMs = 100): RssSampler {
  const rescanEvery = Math.max(1, Math.round(1000 / everyMs));
  let pids = groupPids(pgid);
  let tick = 0;
  let last = groupRss(pgid, pids);
  let peak = last;
  const timer = setInterval(() => {
    if (++tick % rescanEvery === 0) pids = groupPids(pgid);
    last = groupRss(pgid, pids);
    if (last > peak) peak = last;
  }, everyMs);
  timer.unref();
  return {
    peak: () => peak,
    last: () => last,
    reset: () => {
      pids = groupPids(pgid);
      last = groupRss(pgid, pids);
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
