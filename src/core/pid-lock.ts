// Lock files that hold the pid of their owner, taken atomically (a complete file is hard-linked into place).
// A lock whose owner has died is taken over. Used by `kplay run` (one run per site) and by the lab.
import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

/** True when a process with this pid exists. */
export function processExists(pid: number | undefined): boolean {
  if (!pid || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes a lock file holding this pid, atomically (link of a complete file); false when someone holds it.
 * A lock whose holder died is taken over. */
export function tryLock(file: string): boolean {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  writeFileSync(tmp, String(process.pid));
  try {
    for (;;) {
      try {
        linkSync(tmp, file);
        return true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      let holder = 0;
      try {
        holder = Number(readFileSync(file, 'utf8'));
      } catch {
        continue; // just released
      }
      if (processExists(holder)) return false;
      rmSync(file, { force: true }); // stale
    }
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** The pid in a lock file (0 when none). */
export function lockHolder(file: string): number {
  try {
    return Number(readFileSync(file, 'utf8')) || 0;
  } catch {
    return 0;
  }
}

/** Gives a lock back if this process holds it. */
export function unlock(file: string): void {
  if (lockHolder(file) === process.pid) rmSync(file, { force: true });
}
