// What a lab leaves on the controller, as seen from outside kplay: namespaces, links, mounts, cgroups,
// processes and files. The lifecycle tests compare it before and after.
import { type Dirent, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../src/lab/sys.js';

export interface Traces {
  netns: string[];
  links: string[];
  mounts: string[];
  cgroups: string[];
  processes: string[];
  files: string[];
}

function findDirs(dir: string, match: (name: string) => boolean, depth: number, out: string[]): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const p = join(dir, e.name);
    if (match(e.name)) out.push(p);
    if (depth > 0) findDirs(p, match, depth - 1, out);
  }
}

/** Everything on this machine that belongs to lab `prefix` (its bridge address identifies its daemon). */
export async function traces(prefix: string, net: string): Promise<Traces> {
  const netns = (await run(['ip', 'netns', 'list'])).stdout
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith(`kplay-${prefix}-`));
  const links = (JSON.parse((await run(['ip', '-j', 'link', 'show'])).stdout) as { ifname: string }[])
    .map((l) => l.ifname)
    .filter((n) => n.startsWith(`${prefix}-`));
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .filter((m) => m.includes(`/lab-${prefix}`) || m.includes(`/kplay-${prefix}-`));
  const cgroups: string[] = [];
  findDirs('/sys/fs/cgroup', (n) => n === `kplay-lab-${prefix}`, 5, cgroups);
  const processes: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const cg = readFileSync(`/proc/${pid}/cgroup`, 'utf8');
      if (
        cg.includes(`/kplay-lab-${prefix}/`) ||
        cg.includes(`/kplay-lab-${prefix}\n`) ||
        cmd.includes(`/lab-${prefix}/`) ||
        cmd.includes(`--host ${net}.1 `)
      ) {
        processes.push(`${pid} ${cmd.trim()}`);
      }
    } catch {
      /* exited */
    }
  }
  let files: string[] = [];
  try {
    files = readdirSync('/run/kplay').filter((f) => f.startsWith(`lab-${prefix}.`) || f === `lab-${prefix}`);
  } catch {
    /* none */
  }
  return { netns, links, mounts, cgroups, processes, files };
}

export const NOTHING: Traces = { netns: [], links: [], mounts: [], cgroups: [], processes: [], files: [] };
