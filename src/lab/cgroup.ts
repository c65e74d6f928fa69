// The lab's cgroups: one folder per lab in every mounted hierarchy (v1 and v2), below the cgroup of the
// process that made it, with one child per host and one for the proxy. Everything the lab starts runs in
// there, so `down` can find and end every last process, and nspawn creates nothing in the machine's root.
import { type Dirent, existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from './sys.js';

interface Hierarchy {
  mount: string;
  root: string; // path inside the hierarchy that is mounted there
  key: string; // "0" for v2, else the controller list / name= as in /proc/self/cgroup
}

function hierarchies(): Hierarchy[] {
  const out: Hierarchy[] = [];
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const [pre, post] = line.split(' - ');
    if (!pre || !post) continue;
    const f = pre.split(' ');
    const [fstype, , superOpts] = post.split(' ');
    const mount = f[4]!.replace(/\\040/g, ' ');
    const root = f[3]!;
    if (fstype === 'cgroup2') out.push({ mount, root, key: '0' });
    else if (fstype === 'cgroup') {
      const opts = (superOpts ?? '').split(',');
      const known = new Set([
        'rw',
        'ro',
        'relatime',
        'noatime',
        'nosuid',
        'nodev',
        'noexec',
        'xattr',
        'clone_children',
        'noprefix',
        'cpuset_v2_mode',
        'favordynmods',
      ]);
      const ctl = opts.filter((o) => !known.has(o) && !o.startsWith('release_agent='));
      out.push({ mount, root, key: ctl.sort().join(',') });
    }
  }
  // One mount per hierarchy is enough (the same hierarchy may be mounted twice).
  const seen = new Set<string>();
  return out.filter((h) => (seen.has(h.key) ? false : (seen.add(h.key), true)));
}

/** This process's own cgroup folder in every hierarchy. */
function ownCgroups(): string[] {
  const mine = new Map<string, string>();
  for (const line of readFileSync('/proc/self/cgroup', 'utf8').trim().split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    mine.set(m[1] === '0' && m[2] === '' ? '0' : m[2]!.split(',').sort().join(','), m[3]!);
  }
  const dirs: string[] = [];
  for (const h of hierarchies()) {
    const p = mine.get(h.key);
    if (p === undefined) continue;
    const rel = h.root !== '/' && p.startsWith(h.root) ? p.slice(h.root.length) : p;
    const dir = join(h.mount, rel);
    if (existsSync(dir)) dirs.push(dir);
  }
  return dirs;
}

function copyIfEmpty(dir: string, file: string): void {
  const f = join(dir, file);
  if (!existsSync(f) || readFileSync(f, 'utf8').trim() !== '') return;
  writeFileSync(f, readFileSync(join(dir, '..', file), 'utf8').trim());
}

function makeDir(dir: string): void {
  if (!existsSync(dir)) mkdirSync(dir);
  // cpuset (v1): a new cgroup has no cpus or memory nodes until given its parent's.
  copyIfEmpty(dir, 'cpuset.cpus');
  copyIfEmpty(dir, 'cpuset.mems');
}

/** Makes the lab's folder in every hierarchy; returns their paths. */
export function createLabCgroups(name: string): string[] {
  const dirs = ownCgroups().map((d) => join(d, name));
  for (const d of dirs) makeDir(d);
  return dirs;
}

/** Makes (if needed) a child of the lab's folder in every hierarchy; returns their paths. */
export function childCgroups(labDirs: string[], child: string): string[] {
  const dirs = labDirs.map((d) => join(d, child));
  for (const d of dirs) makeDir(d);
  return dirs;
}

/** Moves a process (all its threads) into the given cgroups. */
export function moveInto(pid: number, dirs: string[]): void {
  for (const d of dirs) writeFileSync(join(d, 'cgroup.procs'), String(pid));
}

/** Runs `fn` (which must start processes synchronously) with this process inside `dirs`, then moves back.
 * Children started meanwhile are born in `dirs`, before they can run anything: no race with their forks. */
export function spawnInside<T>(dirs: string[], fn: () => T): T {
  const back = ownCgroups();
  moveInto(process.pid, dirs);
  try {
    return fn();
  } finally {
    moveInto(process.pid, back);
  }
}

function walk(dir: string, out: string[]): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) if (e.isDirectory()) walk(join(dir, e.name), out);
  out.push(dir); // children first
}

/** Pids in these cgroups and all their descendants. */
export function pidsIn(dirs: string[]): number[] {
  const pids = new Set<number>();
  for (const d of dirs) {
    const all: string[] = [];
    walk(d, all);
    for (const c of all) {
      try {
        for (const p of readFileSync(join(c, 'cgroup.procs'), 'utf8').split('\n')) if (p) pids.add(Number(p));
      } catch {
        /* gone */
      }
    }
  }
  pids.delete(process.pid);
  return [...pids];
}

/** Kills everything left in the cgroups, then removes them (deepest first). Safe to call twice. */
export async function destroyCgroups(dirs: string[]): Promise<void> {
  for (let round = 0; round < 50; round++) {
    const pids = pidsIn(dirs);
    if (pids.length === 0) break;
    for (const p of pids) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    await sleep(round < 10 ? 20 : 100);
  }
  for (const d of dirs) {
    const all: string[] = [];
    walk(d, all);
    for (const c of all) {
      for (let i = 0; i < 20; i++) {
        try {
          rmdirSync(c);
          break;
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'ENOENT') break;
          await sleep(50); // EBUSY: a dying process has not left yet
        }
      }
    }
  }
}

/** Lab cgroup folders named `name` anywhere in the first levels of every hierarchy (for cleanup without state). */
export function findLabCgroups(name: string, depth = 4): string[] {
  const found: string[] = [];
  const look = (dir: string, left: number) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      if (e.name === name) found.push(join(dir, e.name));
      else if (left > 0) look(join(dir, e.name), left - 1);
    }
  };
  for (const h of hierarchies()) look(h.mount, depth);
  return found;
}
