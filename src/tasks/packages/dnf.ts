// dnf / yum: one `rpm -q` for all names tells what is installed; absent removes the installed ones, present
// installs the missing ones, latest also asks `<bin> -q -C check-update` (the cache as it is) about the
// installed ones and upgrades those it lists. update_cache adds --refresh to the install; with no names it
// is a `makecache --refresh` of its own (a change, like apt's update_cache alone). Groups (@name), wildcards
// and version comparisons are refused.
import type { Change, FactReader, HostView, Plan } from '../contract.js';
import { taskFailed } from '../lib/fsattrs.js';
import { abool, alist, astr, choice, defineTask } from '../lib/schema.js';
import { PKG_TOUCHES } from './shared.js';

export interface DnfArgs {
  name?: string[] | undefined;
  state: 'present' | 'installed' | 'absent' | 'removed' | 'latest';
  update_cache: boolean;
  disable_gpg_check?: boolean | undefined;
  enablerepo?: string[] | undefined;
  disablerepo?: string[] | undefined;
  install_weak_deps?: boolean | undefined;
  allow_downgrade?: boolean | undefined;
  autoremove?: boolean | undefined;
}

export async function planDnf(
  a: DnfArgs,
  host: HostView,
  facts: FactReader,
  bin: string,
  module: string,
): Promise<Plan> {
  const names = a.name ?? [];
  for (const n of names)
    if (/[*?[<>]/.test(n) || n.startsWith('@'))
      throw taskFailed(`${module}: '${n}': groups, wildcards and comparisons are not supported`);
  const opts = ['-y', '-q'];
  if (a.disable_gpg_check) opts.push('--nogpgcheck');
  for (const r of a.enablerepo ?? []) opts.push(`--enablerepo=${r}`);
  for (const r of a.disablerepo ?? []) opts.push(`--disablerepo=${r}`);
  if (a.install_weak_deps === false) opts.push('--setopt=install_weak_deps=False');
  const changes: Change[] = [];
  const touches = (ns: string[]) => [...ns.map((n) => `package:${n}`), ...PKG_TOUCHES];
  const refresh = a.update_cache ? ['--refresh'] : [];
  if (names.length === 0) {
    if (a.update_cache && !host.applied?.has('dnf-makecache')) {
      changes.push({
        summary: `${module}: refresh the metadata cache`,
        actions: [{ exec: [bin, '-q', 'makecache', '--refresh'] }],
        touches: [],
        mark: { key: 'dnf-makecache' },
      });
    }
    return { changes };
  }
  // rpm -q accepts name, name-version and name-version-release; it prints one line per argument
  const r = await facts.probe(['rpm', '-q', '--qf', '%{NAME}\\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\\n', ...names]);
  const lines = r.stdout.split('\n').filter(Boolean);
  const have = new Set<string>();
  names.forEach((n, i) => {
    const l = lines[i];
    if (l !== undefined && !/is not installed$/.test(l)) have.add(n);
  });
  const state = a.state === 'installed' ? 'present' : a.state === 'removed' ? 'absent' : a.state;
  if (state === 'absent') {
    const gone = names.filter((n) => have.has(n));
    if (gone.length)
      changes.push({
        summary: `${module}: remove ${gone.join(', ')}`,
        actions: [{ exec: [bin, ...opts, 'remove', ...gone] }],
        touches: touches(gone),
      });
    return { changes };
  }
  const missing = names.filter((n) => !have.has(n));
  if (missing.length)
    changes.push({
      summary: `${module}: install ${missing.join(', ')}`,
      actions: [{ exec: [bin, ...opts, ...refresh, 'install', ...missing] }],
      touches: touches(missing),
    });
  if (state === 'latest') {
    const present = names.filter((n) => have.has(n));
    if (present.length) {
      const u = await facts.probe([bin, '-q', '-C', 'check-update', ...present]);
      if (u.rc !== 0 && u.rc !== 100) throw taskFailed(`${bin} check-update failed: ${u.stderr.trim()}`);
      const names2 = new Set(
        u.stdout
          .split('\n')
          .map((l) => l.split(/\s+/)[0]!.replace(/\.[^.]+$/, ''))
          .filter(Boolean),
      );
      const up = present.filter((n) => names2.has(n));
      if (up.length)
        changes.push({
          summary: `${module}: upgrade ${up.join(', ')}`,
          actions: [{ exec: [bin, ...opts, 'upgrade', ...up] }],
          touches: touches(up),
        });
    }
  }
  return { changes };
}

const dnfArgs = {
  name: alist(astr()),
  state: choice(['present', 'installed', 'absent', 'removed', 'latest']).default('present'),
  update_cache: abool().default(false),
  disable_gpg_check: abool(),
  enablerepo: alist(astr()),
  disablerepo: alist(astr()),
  install_weak_deps: abool(),
  allow_downgrade: abool(),
  autoremove: abool(),
};

function dnfModule(name: 'dnf' | 'yum') {
  return defineTask({
    name,
    description: `Install, upgrade or remove RPM packages with ${name}.`,
    args: dnfArgs,
    argAliases: { pkg: 'name', package: 'name', expire_cache: 'update_cache' },
    requiredOneOf: [['name', 'update_cache']],
    example: `- ${name}: name=keepalived state=present`,
    async plan(args, host, facts) {
      return planDnf(args, host, facts, name, name);
    },
  });
}
export const dnf = dnfModule('dnf');
export const yum = dnfModule('yum');
