// Storage faults we control as root: a small tmpfs to fill up, and the immutable attribute (chattr +i),
// which makes writes fail even through file descriptors the server already holds (root ignores chmod).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Mounts a tmpfs of `mib` MiB on a fresh directory. Throws with the reason when mounting is not permitted. */
export function mountTmpfs(mib: number): { dir: string; unmount: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'errata-faults-fs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${mib}m`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    throw new Error(`the disk-full test needs to mount a small tmpfs (root, CAP_SYS_ADMIN): ${(err as { stderr?: Buffer }).stderr?.toString() ?? err}`);
  }
  return {
    dir,
    unmount: () => {
      try {
        execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
        fs.rmdirSync(dir);
      } catch {
        /* best effort */
      }
    },
  };
}

/** Writes a filler file until the filesystem is full; returns its path and size. */
export function fillDisk(dir: string): { file: string; bytes: number } {
  const file = path.join(dir, 'filler.bin');
  const fd = fs.openSync(file, 'w');
  let bytes = 0;
  try {
    for (const size of [1 << 20, 64 << 10, 4 << 10, 512]) {
      const buf = Buffer.alloc(size, 0xaa);
      for (;;) {
        try {
          bytes += fs.writeSync(fd, buf);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw err;
        }
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return { file, bytes };
}

export function freeBytes(dir: string): number {
  const s = fs.statfsSync(dir);
  return s.bavail * s.bsize;
}

/** chattr +i / -i: with +i, writes fail with EPERM even on descriptors opened before. */
export function setImmutable(files: string[], on: boolean): void {
  for (const f of files) {
    if (!fs.existsSync(f)) continue;
    execFileSync('chattr', [on ? '+i' : '-i', f], { stdio: 'pipe' });
  }
}
