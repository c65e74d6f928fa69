// package_facts: the installed packages as `ansible_facts.packages`, a mapping from a name to the list of its
// installed versions ({name, version, arch, category, source: 'apt'} from dpkg; {name, version, release,
// epoch, arch, source: 'rpm'} from rpm). One read-only command per manager. manager `auto` takes the first
// manager the host has (dpkg, then rpm); strategy `all` takes every one it has. A package of a foreign
// architecture is named `name:arch`, as apt names it.
// Differences from Ansible (docs/ansible-differences.md): dpkg is read directly (Ansible needs python3-apt on
// the host), so apt's entries have no `origin` (the archive a version came from is apt's cache's knowledge, not
// dpkg's). Only apt and rpm are known.
// Check mode: after a planned package change the answer is uncertain (it reads 'package:*').
import type { FactReader, Plan, Vars } from '../contract.js';
import { taskFailed } from '../lib/fsattrs.js';
import { alist, choice, defineTask } from '../lib/schema.js';

const DPKG_FORMAT = '${Package}\\t${Version}\\t${Architecture}\\t${Section}\\t${db:Status-Abbrev}\\n';
const RPM_FORMAT = '%{NAME}\\t%{VERSION}\\t%{RELEASE}\\t%{EPOCH}\\t%{ARCH}\\n';

/** The read of each manager: rc 127 when the host does not have it. */
export const MANAGER_ARGV: Record<'apt' | 'rpm', string[]> = {
  apt: [
    'sh',
    '-c',
    'command -v dpkg-query >/dev/null || exit 127; dpkg --print-architecture && dpkg-query -W -f="$1"',
    'package_facts',
    DPKG_FORMAT,
  ],
  rpm: ['sh', '-c', 'command -v rpm >/dev/null || exit 127; rpm -qa --qf "$1"', 'package_facts', RPM_FORMAT],
};

type Entry = Vars & { name: string };

/** dpkg's answer: the native architecture, then one line per package known to dpkg. */
export function parseDpkg(out: string): Entry[] {
  const [native, ...lines] = out.split('\n');
  return lines.flatMap((l) => {
    const [pkg, version, arch, section, status] = l.split('\t');
    // a package dpkg has a version of: not absent ('n') and not only its config files ('c')
    if (!pkg || !status || /^.[nc]/.test(status)) return [];
    const name = arch === native || arch === 'all' ? pkg : `${pkg}:${arch}`;
    return [{ name, version: version!, arch: arch!, category: section ?? '', source: 'apt' }];
  });
}

export function parseRpm(out: string): Entry[] {
  return out.split('\n').flatMap((l) => {
    const [name, version, release, epoch, arch] = l.split('\t');
    if (!name || name.startsWith('gpg-pubkey')) return [];
    const ep = epoch === undefined || epoch === '(none)' || epoch === '' ? null : Number(epoch);
    return [{ name, version: version!, release: release!, epoch: ep, arch: arch!, source: 'rpm' }];
  });
}

async function read(facts: FactReader, m: 'apt' | 'rpm'): Promise<Entry[] | undefined> {
  const r = await facts.probe(MANAGER_ARGV[m], { reads: ['package:*'] });
  if (r.rc === 127) return undefined;
  if (r.rc !== 0) throw taskFailed(`package_facts: reading the ${m} packages failed (rc=${r.rc}): ${r.stderr.trim()}`);
  return m === 'apt' ? parseDpkg(r.stdout) : parseRpm(r.stdout);
}

export const package_facts = defineTask({
  name: 'package_facts',
  description: 'The installed packages as facts (ansible_facts.packages).',
  args: {
    // Ansible's managers are accepted when the playbook is read (a task for another OS family is skipped there);
    // kplay reads apt and rpm: another one fails the task when it runs
    manager: alist(choice(['auto', 'apt', 'rpm', 'portage', 'pkg', 'pacman', 'apk', 'pkg_info'])).default(['auto']),
    strategy: choice(['first', 'all']).default('first'),
  },
  returns: { ansible_facts: '`packages`: a name -> the list of its installed versions (name, version, arch ...)' },
  example: '- package_facts: manager=auto',
  async plan(args, _host, facts): Promise<Plan> {
    const order = [...new Set(args.manager.flatMap((m) => (m === 'auto' ? (['apt', 'rpm'] as const) : [m])))];
    const packages: Record<string, Entry[]> = {};
    let found = false;
    for (const m of order) {
      if (m !== 'apt' && m !== 'rpm') throw taskFailed(`package_facts: kplay reads apt and rpm packages, not ${m}`);
      const entries = await read(facts, m);
      if (!entries) continue;
      found = true;
      for (const e of entries) (packages[e.name] ??= []).push(e);
      if (args.strategy === 'first') break;
    }
    if (!found)
      throw taskFailed(`Could not detect a supported package manager from the following list: ${order.join(', ')}`);
    return { changes: [], result: { ansible_facts: { packages } } };
  },
});
