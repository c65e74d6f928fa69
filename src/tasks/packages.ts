// Packages: apt, apt_key, apt_repository, dpkg_selections, dnf/yum, package.
// apt reads the installed state with one `dpkg-query -W` for all names, and asks `apt-cache policy` only
// for what it needs (packages to install, version pins, state=latest). Actions run with
// DEBIAN_FRONTEND=noninteractive and dpkg's force-confdef,force-confold (Ansible's dpkg_options default).
// Ansible's rules kept: `name` is a list or a comma string; `pkg=1.2.*` pins a version (fnmatch against
// the versions apt knows; the highest match is installed); present leaves any installed version alone
// unless a pin says otherwise; absent removes (purge=yes also purges packages left in "config-files");
// latest installs or upgrades to the candidate; cache_valid_time compares the mtime of
// /var/lib/apt/periodic/update-success-stamp (else /var/lib/apt/lists) with now; a missing package fails
// with "No package matching 'x' is available" and apt's own message; update_cache alone reports changed.
// Differences from Ansible, on purpose (plans converge):
// - update_cache without cache_valid_time, when names are given, refreshes the cache only when the task
//   installs, upgrades or removes something (right before it); Ansible refreshes on every call (without
//   reporting it). state=latest then compares with the cache as it is: give cache_valid_time to refresh
//   it first. After a refresh, the stamp file above is touched, so cache_valid_time holds on the next run.
// - name wildcards (`python3-*`), `>=` comparisons, build-dep/fixed states, policy_rc_d and deb URLs are
//   not supported (refused with a message). A `deb:` path is installed with `apt-get install ./x.deb`.
// - check mode: a package task reads /var/lib/dpkg/info/NAME.list per package, so a later task on a
//   package an earlier unapplied task installs or removes is uncertain; a dependency pulled in by an
//   earlier task is not seen (the prediction may then say "install" for what the real run finds present).
import { fnmatch } from './fnmatch.js';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { posix } from 'node:path';
import type { Action, Change, FactReader, HostView, Plan, Vars } from './contract.js';
import { listTree } from './file.js';
import { octal, resolveMode, taskFailed } from './fsattrs.js';
import { rememberDone, wasDone } from './systemd.js';
import { abool, aint, alist, amode, astr, choice, defineTask, type ModuleSpec } from './schema.js';

export const APT_ENV = { DEBIAN_FRONTEND: 'noninteractive', APT_LISTCHANGES_FRONTEND: 'none' };
const STAMP = '/var/lib/apt/periodic/update-success-stamp';
const LISTS = '/var/lib/apt/lists';
/** Installing or removing a package can add or drop unit files. */
const PKG_TOUCHES = ['file:/lib/systemd/system/', 'file:/usr/lib/systemd/system/'];

export interface PkgSpec {
  spec: string;
  name: string; // without :arch
  version?: string | undefined;
}

export function parseSpec(s: string): PkgSpec {
  const t = s.trim();
  if (/[<>]/.test(t)) throw taskFailed(`'${t}': only '=' version pins are supported (pkg=1.2.*)`);
  const eq = t.indexOf('=');
  const base = eq < 0 ? t : t.slice(0, eq);
  const version = eq < 0 ? undefined : t.slice(eq + 1);
  if (/[*?[]/.test(base)) throw taskFailed(`'${t}': wildcards in package names are not supported`);
  if (!/^[a-z0-9][a-z0-9+.-]*(:[a-z0-9-]+)?$/i.test(base) || version === '') throw taskFailed(`'${t}' is not a package name`);
  return { spec: t, name: base.replace(/:.*$/, ''), version };
}

/** An apt version pin (`1.2.*`) matches a version as Ansible's fnmatch does. */
export function pinMatches(pattern: string, version: string): boolean {
  return fnmatch(pattern).test(version);
}

export interface DpkgEntry {
  version: string;
  /** db:Status-Abbrev, e.g. 'ii ', 'rc ', 'hi '. */
  status: string;
}

const isInstalled = (e: DpkgEntry | undefined) => e !== undefined && /^.[iWt]/.test(e.status);
/** Anything dpkg still has: installed, half-installed, unpacked, config-files. */
const isPresent = (e: DpkgEntry | undefined) => e !== undefined && !/^.n/.test(e.status);

export async function dpkgQuery(facts: FactReader, names: string[]): Promise<Map<string, DpkgEntry>> {
  const out = new Map<string, DpkgEntry>();
  if (names.length === 0) return out;
  const r = await facts.probe(['dpkg-query', '-W', '-f=${Package}\\t${Version}\\t${db:Status-Abbrev}\\n', ...names]);
  if (r.rc > 1) throw taskFailed(`dpkg-query failed: ${r.stderr.trim()}`);
  for (const line of r.stdout.split('\n')) {
    const [pkg, version, status] = line.split('\t');
    if (!pkg || version === undefined || status === undefined) continue;
    const prev = out.get(pkg);
    if (!prev || isInstalled({ version, status })) out.set(pkg, { version, status });
  }
  return out;
}

export interface PolicyEntry {
  installed?: string | undefined;
  candidate?: string | undefined;
  /** Known versions, as apt-cache lists them (highest first). */
  versions: string[];
}

export function parsePolicy(out: string): Map<string, PolicyEntry> {
  const m = new Map<string, PolicyEntry>();
  let cur: PolicyEntry | undefined;
  let inTable = false;
  for (const line of out.split('\n')) {
    const head = /^(\S+):$/.exec(line);
    if (head) {
      cur = { versions: [] };
      m.set(head[1]!.replace(/:.*$/, ''), cur);
      inTable = false;
      continue;
    }
    if (!cur) continue;
    const kv = /^ {2}(Installed|Candidate): (.*)$/.exec(line);
    if (kv) {
      const v = kv[2]!.trim() === '(none)' ? undefined : kv[2]!.trim();
      if (kv[1] === 'Installed') cur.installed = v;
      else cur.candidate = v;
      continue;
    }
    if (/^ {2}Version table:/.test(line)) {
      inTable = true;
      continue;
    }
    const ver = inTable ? /^ (?:\*\*\*| {3}) (\S+) -?\d+$/.exec(line) : null;
    if (ver && !cur.versions.includes(ver[1]!)) cur.versions.push(ver[1]!);
  }
  return m;
}

async function aptPolicy(facts: FactReader, names: string[]): Promise<Map<string, PolicyEntry>> {
  if (names.length === 0) return new Map();
  const r = await facts.probe(['apt-cache', 'policy', ...names]);
  if (r.rc !== 0) throw taskFailed(`apt-cache policy failed: ${r.stderr.trim()}`);
  return parsePolicy(r.stdout);
}

/** When the apt cache was last refreshed (seconds since the epoch; 0 when never). */
async function cacheTime(facts: FactReader): Promise<number> {
  const stamp = await facts.stat(STAMP, { follow: true });
  if (stamp.exists) return stamp.mtime ?? 0;
  const lists = await facts.stat(LISTS, { follow: true });
  return lists.exists ? (lists.mtime ?? 0) : 0;
}

function updateChange(module: string): Change {
  return {
    summary: `${module}: update the apt cache`,
    actions: [
      { exec: ['apt-get', 'update', '-q'], env: APT_ENV },
      { exec: ['mkdir', '-p', posix.dirname(STAMP)] },
      { exec: ['touch', STAMP] },
    ],
    touches: [`file:${LISTS}/`, `file:${STAMP}`],
  };
}

function pkgTouches(names: string[]): string[] {
  return [...names.flatMap((n) => [`package:${n}`, `file:/var/lib/dpkg/info/${n}.list`]), ...PKG_TOUCHES];
}

/** Check mode only: record a read per package, so an earlier unapplied change to it makes this uncertain. */
async function recordPkgReads(host: HostView, facts: FactReader, names: string[]): Promise<void> {
  if (host.check) await Promise.all(names.map((n) => facts.stat(`/var/lib/dpkg/info/${n}.list`, { follow: false })));
}

export interface AptArgs {
  name?: string[] | undefined;
  state: 'present' | 'absent' | 'latest';
  update_cache?: boolean | undefined;
  cache_valid_time: number;
  purge: boolean;
  autoremove: boolean;
  install_recommends?: boolean | undefined;
  default_release?: string | undefined;
  allow_downgrade: boolean;
  allow_change_held_packages: boolean;
  allow_unauthenticated: boolean;
  only_upgrade: boolean;
  force: boolean;
  deb?: string | undefined;
  upgrade: 'no' | 'yes' | 'safe' | 'full' | 'dist';
  dpkg_options: string;
  lock_timeout: number;
}

function aptOptions(a: AptArgs): string[] {
  const o = ['-y', '-q'];
  for (const d of a.dpkg_options.split(',').map((s) => s.trim()).filter(Boolean)) o.push('-o', `Dpkg::Options::=--${d}`);
  if (a.lock_timeout > 0) o.push('-o', `DPkg::Lock::Timeout=${a.lock_timeout}`);
  if (a.install_recommends === true) o.push('-o', 'APT::Install-Recommends=yes');
  if (a.install_recommends === false) o.push('--no-install-recommends');
  if (a.default_release) o.push('-t', a.default_release);
  if (a.allow_downgrade || a.force) o.push('--allow-downgrades');
  if (a.allow_change_held_packages || a.force) o.push('--allow-change-held-packages');
  if (a.allow_unauthenticated || a.force) o.push('--allow-unauthenticated');
  if (a.force) o.push('--allow-remove-essential');
  return o;
}

/** apt's own words for packages it cannot find (a read-only simulation). */
async function aptMissingMessage(facts: FactReader, specs: string[]): Promise<string> {
  const r = await facts.probe(['apt-get', '-s', '-q', 'install', ...specs]);
  return (r.stderr || r.stdout).trim().split('\n').filter((l) => /^E:/.test(l)).slice(-5).join('\n');
}

export async function planApt(a: AptArgs, host: HostView, facts: FactReader, module = 'apt'): Promise<Plan> {
  const specs = (a.name ?? []).map(parseSpec);
  const names = [...new Set(specs.map((s) => s.name))];
  const changes: Change[] = [];
  const result: Vars = { cache_updated: false };
  const opts = aptOptions(a);

  // The cache: refreshed now (when stale), or only if something is to change (no cache_valid_time, names given).
  let update: 'now' | 'if-changing' | 'no' = 'no';
  if (a.update_cache && wasDone(host, 'apt-update') === undefined) {
    if (a.cache_valid_time > 0) {
      const age = Date.now() / 1000 - (await cacheTime(facts));
      if (age > a.cache_valid_time) update = 'now';
    } else update = names.length === 0 && a.upgrade === 'no' && a.deb === undefined ? 'now' : 'if-changing';
  }
  const cacheWillUpdate = update !== 'no';
  if (update === 'now') {
    changes.push(updateChange(module));
    rememberDone(host, 'apt-update');
    result.cache_updated = true;
  }

  const work: Change[] = [];
  const installed = await dpkgQuery(facts, names);
  await recordPkgReads(host, facts, names);

  if (a.deb !== undefined) {
    if (/^[a-z]+:\/\//i.test(a.deb)) throw taskFailed(`deb: a URL (${a.deb}) is not supported: put the file on the host first (copy/get_url) and give its path`);
    const st = await facts.stat(a.deb, { follow: true });
    if (!st.exists) throw taskFailed(`deb: ${a.deb} does not exist on the host`);
    const r = await facts.probe(['dpkg-deb', '-f', a.deb, 'Package', 'Version']);
    if (r.rc !== 0) throw taskFailed(`deb: ${a.deb} is not a Debian package: ${r.stderr.trim()}`);
    const f = Object.fromEntries(r.stdout.split('\n').map((l) => l.split(/:\s*/, 2) as [string, string]));
    const pkg = f.Package ?? '';
    const cur = (await dpkgQuery(facts, [pkg])).get(pkg);
    await recordPkgReads(host, facts, [pkg]);
    if (!isInstalled(cur) || cur!.version !== f.Version) {
      const path = a.deb.startsWith('/') ? a.deb : `./${a.deb}`;
      work.push({ summary: `${module}: install ${pkg} ${f.Version} from ${a.deb}`, actions: [{ exec: ['apt-get', ...opts, 'install', path], env: APT_ENV }], touches: pkgTouches([pkg]) });
    }
  }

  if (a.state === 'absent') {
    const gone = specs.filter((s) => {
      const e = installed.get(s.name);
      if (!isPresent(e)) return false;
      if (s.version !== undefined && !pinMatches(s.version, e!.version)) return false;
      return isInstalled(e) || !/^.c/.test(e!.status) || a.purge; // config-files only: purge=yes removes them
    });
    if (gone.length) {
      const verb = a.purge ? 'purge' : 'remove';
      const argv = ['apt-get', ...opts, verb, ...(a.autoremove ? ['--auto-remove'] : []), ...gone.map((s) => s.name)];
      work.push({ summary: `${module}: ${verb} ${gone.map((s) => s.name).join(', ')}`, actions: [{ exec: argv, env: APT_ENV }], touches: pkgTouches(gone.map((s) => s.name)) });
    }
  } else if (specs.length > 0) {
    if (a.state === 'latest') for (const s of specs) if (s.version !== undefined) throw taskFailed(`state=latest cannot be used with a version pin (${s.spec})`);
    const needPolicy = specs.filter((s) => a.state === 'latest' || s.version !== undefined || !isInstalled(installed.get(s.name))).map((s) => s.name);
    if (needPolicy.length) await facts.stat(LISTS, { follow: true }); // recorded: the cache an earlier apt_repository would refresh
    const policy = await aptPolicy(facts, [...new Set(needPolicy)]);
    const todo: string[] = [];
    const missing: string[] = [];
    for (const s of specs) {
      const cur = installed.get(s.name);
      const pol = policy.get(s.name);
      if (s.version !== undefined) {
        if (isInstalled(cur) && pinMatches(s.version, cur!.version)) continue;
        const v = pol?.versions.find((x) => pinMatches(s.version!, x));
        if (v === undefined) missing.push(s.spec);
        else todo.push(`${s.name}=${v}`);
      } else if (a.state === 'latest') {
        if (!pol?.candidate) {
          if (!isInstalled(cur)) missing.push(s.spec);
          continue;
        }
        if (!isInstalled(cur) || cur!.version !== pol.candidate) todo.push(s.name);
      } else if (!isInstalled(cur)) {
        if (!pol?.candidate) missing.push(s.spec);
        else todo.push(s.name);
      }
    }
    if (missing.length && !cacheWillUpdate) {
      const msg = await aptMissingMessage(facts, missing);
      throw taskFailed(`No package matching '${missing.join("', '")}' is available${msg ? `\n${msg}` : ''}`);
    }
    todo.push(...missing); // the cache is refreshed first: apt decides
    if (todo.length) {
      const extra = [...(a.autoremove ? ['--auto-remove'] : []), ...(a.only_upgrade ? ['--only-upgrade'] : [])];
      const argv = ['apt-get', ...opts, 'install', ...extra, ...todo];
      const what = a.state === 'latest' ? 'install/upgrade' : 'install';
      work.push({ summary: `${module}: ${what} ${todo.join(', ')}`, actions: [{ exec: argv, env: APT_ENV }], touches: pkgTouches(todo.map((t) => t.replace(/=.*$/, ''))) });
    }
  }

  if (a.upgrade !== 'no') {
    const verb = a.upgrade === 'full' || a.upgrade === 'dist' ? ['dist-upgrade'] : ['upgrade', '--with-new-pkgs'];
    const r = await facts.probe(['apt-get', '-s', '-q', ...verb]);
    if (r.rc !== 0) throw taskFailed(`apt-get -s ${verb[0]} failed: ${r.stderr.trim()}`);
    const n = r.stdout.split('\n').filter((l) => /^(Inst|Remv) /.test(l)).length;
    if (n > 0) work.push({ summary: `${module}: ${verb[0]} (${n} packages)`, actions: [{ exec: ['apt-get', ...opts, ...verb], env: APT_ENV }], touches: [...PKG_TOUCHES, 'file:/var/lib/dpkg/info/'] });
  }
  if (a.autoremove && specs.length === 0 && a.deb === undefined) {
    const r = await facts.probe(['apt-get', '-s', '-q', 'autoremove', ...(a.purge ? ['--purge'] : [])]);
    const gone = r.stdout.split('\n').filter((l) => /^(Remv|Purg) /.test(l)).map((l) => l.split(' ')[1]!);
    if (gone.length) work.push({ summary: `${module}: autoremove ${gone.join(', ')}`, actions: [{ exec: ['apt-get', ...opts, 'autoremove', ...(a.purge ? ['--purge'] : [])], env: APT_ENV }], touches: pkgTouches(gone) });
  }

  if (update === 'if-changing' && work.length) {
    changes.push(updateChange(module));
    rememberDone(host, 'apt-update');
    result.cache_updated = true;
  }
  changes.push(...work);
  return { changes, result };
}

const aptArgs = {
  name: alist(astr()),
  state: choice(['present', 'absent', 'latest']).default('present'),
  update_cache: abool(),
  cache_valid_time: aint().default(0),
  purge: abool().default(false),
  autoremove: abool().default(false),
  install_recommends: abool(),
  default_release: astr(),
  allow_downgrade: abool().default(false),
  allow_change_held_packages: abool().default(false),
  allow_unauthenticated: abool().default(false),
  only_upgrade: abool().default(false),
  force: abool().default(false),
  deb: astr(),
  upgrade: z.preprocess((v) => (v === true ? 'yes' : v === false ? 'no' : v), choice(['no', 'yes', 'safe', 'full', 'dist'])).default('no'),
  dpkg_options: astr().default('force-confdef,force-confold'),
  lock_timeout: aint().default(60),
  update_cache_retries: aint(),
  update_cache_retry_max_delay: aint(),
};

export const apt = defineTask({
  name: 'apt',
  description: 'Install, upgrade or remove Debian packages with apt (version pins pkg=1.2.*), refresh the cache.',
  args: aptArgs,
  argAliases: {
    package: 'name', pkg: 'name', 'update-cache': 'update_cache', 'install-recommends': 'install_recommends',
    'default-release': 'default_release', 'allow-downgrade': 'allow_downgrade', allow_downgrades: 'allow_downgrade',
    'allow-downgrades': 'allow_downgrade', 'allow-change-held-packages': 'allow_change_held_packages',
  },
  requiredOneOf: [['name', 'upgrade', 'update_cache', 'deb', 'autoremove']],
  mutuallyExclusive: [['deb', 'name']],
  returns: { cache_updated: 'whether the apt cache was refreshed', cache_update_time: 'when the cache was last refreshed (epoch seconds)' },
  example: '- apt:\n    name: [keepalived, haproxy=2.6.*]\n    update_cache: yes\n    cache_valid_time: 3600',
  async plan(args, host, facts) {
    return planApt(args, host, facts);
  },
});

// ---------------- dpkg_selections ----------------

export const dpkg_selections = defineTask({
  name: 'dpkg_selections',
  description: "Set a package's dpkg selection: hold, install, deinstall or purge.",
  args: { name: astr(), selection: choice(['install', 'hold', 'deinstall', 'purge']) },
  required: ['name', 'selection'],
  returns: { before: 'the selection before', after: 'the selection after' },
  example: '- dpkg_selections: name=containerd selection=hold',
  async plan(args, host, facts) {
    const name = args.name!;
    const r = await facts.probe(['dpkg', '--get-selections', name]);
    const line = r.stdout.split('\n').find((l) => l.split(/\s+/)[0]?.replace(/:.*$/, '') === name);
    const before = line ? line.trim().split(/\s+/)[1]! : 'not present';
    await recordPkgReads(host, facts, [name]);
    const result = { before, after: args.selection };
    if (before === args.selection) return { changes: [], result };
    if (before === 'not present') {
      if (args.selection === 'deinstall' || args.selection === 'purge') return { changes: [], result: { before, after: before } };
      throw taskFailed(`dpkg_selections: ${name} is not known to dpkg (not installed): dpkg would ignore the selection`);
    }
    return {
      changes: [{
        summary: `dpkg_selections: ${name} ${before} -> ${args.selection}`,
        actions: [{ exec: ['dpkg', '--set-selections'], stdin: `${name} ${args.selection}\n` }],
        touches: [`package:${name}`, `file:/var/lib/dpkg/info/${name}.list`, `probe:dpkg --get-selections ${name}`],
      }],
      result,
    };
  },
});

// ---------------- dnf / yum ----------------

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

export async function planDnf(a: DnfArgs, host: HostView, facts: FactReader, bin: string, module: string): Promise<Plan> {
  const names = a.name ?? [];
  for (const n of names) if (/[*?[<>]/.test(n) || n.startsWith('@')) throw taskFailed(`${module}: '${n}': groups, wildcards and comparisons are not supported`);
  const opts = ['-y', '-q'];
  if (a.disable_gpg_check) opts.push('--nogpgcheck');
  for (const r of a.enablerepo ?? []) opts.push(`--enablerepo=${r}`);
  for (const r of a.disablerepo ?? []) opts.push(`--disablerepo=${r}`);
  if (a.install_weak_deps === false) opts.push('--setopt=install_weak_deps=False');
  const changes: Change[] = [];
  const touches = (ns: string[]) => [...ns.map((n) => `package:${n}`), ...PKG_TOUCHES];
  const refresh = a.update_cache ? ['--refresh'] : [];
  if (names.length === 0) {
    if (a.update_cache && wasDone(host, 'dnf-makecache') === undefined) {
      changes.push({ summary: `${module}: refresh the metadata cache`, actions: [{ exec: [bin, '-q', 'makecache', '--refresh'] }], touches: [] });
      rememberDone(host, 'dnf-makecache');
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
    if (gone.length) changes.push({ summary: `${module}: remove ${gone.join(', ')}`, actions: [{ exec: [bin, ...opts, 'remove', ...gone] }], touches: touches(gone) });
    return { changes };
  }
  const missing = names.filter((n) => !have.has(n));
  if (missing.length) changes.push({ summary: `${module}: install ${missing.join(', ')}`, actions: [{ exec: [bin, ...opts, ...refresh, 'install', ...missing] }], touches: touches(missing) });
  if (state === 'latest') {
    const present = names.filter((n) => have.has(n));
    if (present.length) {
      const u = await facts.probe([bin, '-q', '-C', 'check-update', ...present]);
      if (u.rc !== 0 && u.rc !== 100) throw taskFailed(`${bin} check-update failed: ${u.stderr.trim()}`);
      const names2 = new Set(u.stdout.split('\n').map((l) => l.split(/\s+/)[0]!.replace(/\.[^.]+$/, '')).filter(Boolean));
      const up = present.filter((n) => names2.has(n));
      if (up.length) changes.push({ summary: `${module}: upgrade ${up.join(', ')}`, actions: [{ exec: [bin, ...opts, 'upgrade', ...up] }], touches: touches(up) });
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

// ---------------- package ----------------

export const pkg = defineTask({
  name: 'package',
  description: "Install or remove packages with the host's package manager (apt or dnf/yum, from ansible_pkg_mgr).",
  args: { name: alist(astr()), state: choice(['present', 'installed', 'absent', 'removed', 'latest']).default('present'), use: astr().default('auto') },
  argAliases: { pkg: 'name' },
  required: ['name'],
  example: '- package: name=chrony state=present',
  async plan(args, host, facts) {
    let mgr = args.use;
    if (mgr === 'auto') mgr = String((await facts.facts()).ansible_pkg_mgr ?? 'unknown');
    const state = args.state === 'installed' ? 'present' : args.state === 'removed' ? 'absent' : args.state;
    if (mgr === 'apt') {
      return planApt({
        name: args.name, state, cache_valid_time: 0, purge: false, autoremove: false, allow_downgrade: false, allow_change_held_packages: false,
        allow_unauthenticated: false, only_upgrade: false, force: false, upgrade: 'no', dpkg_options: 'force-confdef,force-confold', lock_timeout: 60,
      }, host, facts, 'package');
    }
    if (mgr === 'dnf' || mgr === 'yum' || mgr === 'dnf5') return planDnf({ name: args.name, state, update_cache: false }, host, facts, mgr === 'yum' ? 'yum' : 'dnf', 'package');
    throw taskFailed(`package: package manager '${mgr}' is not supported (apt, dnf, yum)`);
  },
});

// ---------------- apt_key ----------------

/** The binary OpenPGP packets of an ASCII-armored key (or the bytes as they are, when not armored). */
export function dearmor(b: Buffer): Buffer {
  const s = b.toString('latin1');
  if (!s.includes('-----BEGIN PGP')) return b;
  const parts: Buffer[] = [];
  for (const m of s.matchAll(/-----BEGIN PGP [A-Z ]+-----\r?\n([\s\S]*?)-----END PGP [A-Z ]+-----/g)) {
    const lines = m[1]!.split(/\r?\n/);
    const blank = lines.findIndex((l) => l.trim() === '');
    const hasHeaders = lines.slice(0, Math.max(blank, 0)).some((l) => /^[A-Za-z-]+: /.test(l));
    const body = (hasHeaders ? lines.slice(blank + 1) : lines).filter((l) => !l.startsWith('=') && l.trim() !== '');
    parts.push(Buffer.from(body.join(''), 'base64'));
  }
  return Buffer.concat(parts);
}

function crc24(b: Buffer): number {
  let crc = 0xb704ce;
  for (const byte of b) {
    crc ^= byte << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  return crc & 0xffffff;
}

export function armor(b: Buffer): Buffer {
  const crc = Buffer.from([(crc24(b) >> 16) & 255, (crc24(b) >> 8) & 255, crc24(b) & 255]).toString('base64');
  const body = b.toString('base64').match(/.{1,64}/g) ?? [];
  return Buffer.from(`-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n${body.join('\n')}\n=${crc}\n-----END PGP PUBLIC KEY BLOCK-----\n`);
}

/** Fingerprints (upper-case hex) of the primary keys and subkeys in binary OpenPGP data (v4 and v5/v6 keys). */
export function fingerprints(bin: Buffer): { fpr: string; primary: boolean }[] {
  const out: { fpr: string; primary: boolean }[] = [];
  let i = 0;
  while (i < bin.length) {
    const b = bin[i]!;
    if (!(b & 0x80)) break;
    let tag: number;
    let len: number;
    let hdr: number;
    if (b & 0x40) {
      tag = b & 0x3f;
      const l0 = bin[i + 1]!;
      if (l0 < 192) [len, hdr] = [l0, 2];
      else if (l0 < 224) [len, hdr] = [((l0 - 192) << 8) + bin[i + 2]! + 192, 3];
      else if (l0 === 255) [len, hdr] = [bin.readUInt32BE(i + 2), 6];
      else break; // partial lengths do not occur in keys
    } else {
      tag = (b >> 2) & 0xf;
      const lt = b & 3;
      if (lt === 0) [len, hdr] = [bin[i + 1]!, 2];
      else if (lt === 1) [len, hdr] = [bin.readUInt16BE(i + 1), 3];
      else if (lt === 2) [len, hdr] = [bin.readUInt32BE(i + 1), 5];
      else [len, hdr] = [bin.length - i - 1, 1];
    }
    const body = bin.subarray(i + hdr, i + hdr + len);
    if ((tag === 6 || tag === 14) && body.length > 0) {
      const v = body[0]!;
      if (v === 4) {
        const h = createHash('sha1').update(Buffer.from([0x99, (len >> 8) & 255, len & 255])).update(body);
        out.push({ fpr: h.digest('hex').toUpperCase(), primary: tag === 6 });
      } else if (v === 5 || v === 6) {
        const l = Buffer.alloc(4);
        l.writeUInt32BE(len);
        const h = createHash('sha256').update(Buffer.from([v === 5 ? 0x9a : 0x9b])).update(l).update(body);
        out.push({ fpr: h.digest('hex').toUpperCase(), primary: tag === 6 });
      }
    }
    i += hdr + len;
  }
  return out;
}

function normId(id: string): string {
  return id.replace(/^0x/i, '').replace(/\s+/g, '').toUpperCase();
}

function hasKey(content: Buffer | undefined, id: string): boolean {
  if (!content) return false;
  const want = normId(id);
  return fingerprints(dearmor(content)).some((k) => k.fpr.endsWith(want));
}

const KEY_DIRS = ['/etc/apt/trusted.gpg.d', '/etc/apt/keyrings', '/usr/share/keyrings'];

export const apt_key = defineTask({
  name: 'apt_key',
  description: 'Put an apt signing key in a keyring file (data, a file on the host, or a URL), or remove it.',
  args: {
    id: astr(), data: astr(), file: astr(), url: astr(), keyring: astr(), keyserver: astr(),
    state: choice(['present', 'absent']).default('present'), validate_certs: abool().default(true),
  },
  mutuallyExclusive: [['data', 'file', 'url', 'keyserver']],
  returns: { fp: 'fingerprint of the key', id: 'key id', key_id: 'key id', short_id: 'short key id' },
  example: '- apt_key:\n    url: https://download.docker.com/linux/debian/gpg\n    keyring: /etc/apt/keyrings/docker.gpg',
  async plan(args, _host, facts) {
    if (args.keyserver !== undefined) throw taskFailed('apt_key: keyserver is not supported (it needs gpg on the host): give data, file or url');
    const id = args.id !== undefined ? normId(args.id) : undefined;
    if (id !== undefined && !/^[0-9A-F]{8,40}$/.test(id)) throw taskFailed(`apt_key: id '${args.id}' is not a key id (8, 16 or 40 hex digits)`);
    if (args.state === 'absent') {
      if (id === undefined) throw taskFailed('apt_key: state=absent needs id');
      const files = args.keyring !== undefined ? [args.keyring] : (await Promise.all(KEY_DIRS.slice(0, 2).map(async (d) => ((await facts.stat(d, { follow: true })).isdir ? (await listTree(facts, d, 1)).filter((e) => e.isreg).map((e) => e.path) : [])))).flat();
      const changes: Change[] = [];
      for (const f of files) {
        const content = await facts.read(f);
        if (!hasKey(content, id)) continue;
        const primaries = fingerprints(dearmor(content!)).filter((k) => k.primary);
        if (primaries.length > 1) throw taskFailed(`apt_key: ${f} holds ${primaries.length} keys; kplay removes whole keyring files only (no gpg on the host)`);
        changes.push({ summary: `apt_key: remove ${f} (key ${id})`, actions: [{ remove: f }], touches: [`file:${f}`] });
      }
      if (args.keyring === undefined && hasKey(await facts.read('/etc/apt/trusted.gpg'), id)) throw taskFailed(`apt_key: key ${id} is in /etc/apt/trusted.gpg, which kplay cannot edit (no gpg): remove it with apt-key del`);
      return { changes, result: { id } };
    }

    let content: Buffer | undefined;
    if (args.data !== undefined) content = Buffer.from(args.data);
    if (args.file !== undefined) {
      content = await facts.read(args.file);
      if (content === undefined) throw taskFailed(`apt_key: ${args.file} does not exist on the host`);
    }
    const bin = content !== undefined ? dearmor(content) : undefined;
    const keys = bin ? fingerprints(bin) : [];
    if (bin && keys.length === 0) throw taskFailed('apt_key: the data holds no OpenPGP public key');
    if (bin && id !== undefined && !keys.some((k) => k.fpr.endsWith(id))) throw taskFailed(`apt_key: the key given does not match id ${id}`);
    const primary = keys.find((k) => k.primary)?.fpr;
    const result = primary ? { fp: primary, id: primary.slice(-16), key_id: primary.slice(-16), short_id: primary.slice(-8) } : { id };
    let keyring = args.keyring;
    if (keyring === undefined) {
      const base = args.url !== undefined ? posix.basename(new URL(args.url).pathname).replace(/\.(gpg|asc|key|pub)$/, '') || 'key' : (primary ?? id ?? '').slice(-16);
      if (!base) throw taskFailed('apt_key: give data, file or url (and/or id)');
      keyring = `/etc/apt/trusted.gpg.d/${base}.gpg`;
    }
    const cur = await facts.read(keyring);
    if (id !== undefined && hasKey(cur, id)) return { changes: [], result };
    const touches = [`file:${keyring}`];
    if (bin) {
      const want = keyring.endsWith('.asc') ? armor(bin) : bin;
      if (cur !== undefined && cur.equals(want)) return { changes: [], result };
      return { changes: [{ summary: `apt_key: write ${keyring}${primary ? ` (${primary.slice(-16)})` : ''}`, actions: [{ put: keyring, content: want, mode: '0644' }], touches }], result };
    }
    if (args.url !== undefined) {
      if (cur !== undefined && id === undefined) return { changes: [], result };
      const insecure = args.validate_certs ? '' : ' -k';
      const winsecure = args.validate_certs ? '' : ' --no-check-certificate';
      const toBin = keyring.endsWith('.asc') ? 'cat "$t"' : `if grep -q -- "-----BEGIN PGP" "$t"; then sed -n '/^-----BEGIN/,/^-----END/p' "$t" | sed '1d;$d' | sed '/^[A-Za-z-]*: /d;/^=/d;/^$/d' | base64 -d; else cat "$t"; fi`;
      const script = [
        'set -e; t=$(mktemp); trap \'rm -f "$t"\' EXIT',
        `if command -v curl >/dev/null; then curl -fsSL${insecure} -o "$t" "$1"; elif command -v wget >/dev/null; then wget -q${winsecure} -O "$t" "$1"; else echo "neither curl nor wget on the host" >&2; exit 1; fi`,
        `mkdir -p "$(dirname "$2")"; (${toBin}) > "$2.tmp"; chmod 0644 "$2.tmp"; mv "$2.tmp" "$2"`,
      ].join('\n');
      return { changes: [{ summary: `apt_key: download ${args.url} to ${keyring}`, actions: [{ exec: ['sh', '-c', script, 'sh', args.url, keyring] }], touches }], result };
    }
    throw taskFailed(`apt_key: key ${id} is not in ${keyring}: give data, file or url`);
  },
});

// ---------------- apt_repository ----------------

/** A sources.list line, normalized for comparison: whitespace collapsed (also inside [options]). */
export function normalizeSource(line: string): string | undefined {
  const m = /^\s*(deb|deb-src)\s+(\[[^\]]*\]\s+)?(\S+)\s+(.*)$/.exec(line.replace(/#.*$/, ''));
  if (!m) return undefined;
  const opts = m[2] ? `[${m[2].trim().slice(1, -1).trim().split(/\s+/).join(' ')}] ` : '';
  return `${m[1]} ${opts}${m[3]} ${m[4]!.trim().split(/\s+/).join(' ')}`;
}

/** Ansible's default file name: the URI without scheme, credentials and options, non-alphanumerics as '_'. */
export function repoFilename(repo: string): string {
  const line = repo.replace(/\[[^\]]+\]/, '').replace(/\w+:\/\//, '');
  const parts = line.split(/\s+/).filter((p) => p && p !== 'deb' && p !== 'deb-src');
  const uri = (parts[0] ?? '').replace(/^.*@/, '');
  return uri.replace(/[^a-zA-Z0-9]/g, ' ').trim().split(/\s+/).join('_');
}

export const apt_repository = defineTask({
  name: 'apt_repository',
  description: 'Add or remove an apt source line in /etc/apt/sources.list.d/<filename>.list, and refresh the cache after a change.',
  args: {
    repo: astr(), state: choice(['present', 'absent']).default('present'), filename: astr(), mode: amode(),
    update_cache: abool().default(true), update_cache_retries: aint(), update_cache_retry_max_delay: aint(),
    validate_certs: abool().default(true), codename: astr(), install_python_apt: abool(),
  },
  argAliases: { 'update-cache': 'update_cache' },
  required: ['repo'],
  returns: { repo: 'the source line', sources_added: 'files added', sources_removed: 'files removed' },
  example: '- apt_repository:\n    repo: "deb [signed-by=/etc/apt/keyrings/docker.gpg] https://download.docker.com/linux/debian bookworm stable"\n    filename: docker',
  async plan(args, host, facts) {
    const repo = args.repo!.trim();
    if (repo.startsWith('ppa:')) throw taskFailed('apt_repository: PPAs are for Ubuntu only; not supported');
    const want = normalizeSource(repo);
    if (!want) throw taskFailed(`apt_repository: invalid repository line: ${repo}`);
    const name = (args.filename ?? repoFilename(repo)).replace(/\.list$/, '');
    const target = `/etc/apt/sources.list.d/${name}.list`;
    const d = await facts.stat('/etc/apt/sources.list.d', { follow: true });
    const files = ['/etc/apt/sources.list', ...(d.isdir ? (await listTree(facts, '/etc/apt/sources.list.d', 1)).filter((e) => e.isreg && e.path.endsWith('.list')).map((e) => e.path).sort() : [])];
    if (!files.includes(target)) files.push(target);
    const texts = new Map<string, string | undefined>();
    for (const f of files) texts.set(f, (await facts.read(f))?.toString('utf8'));
    const changes: Change[] = [];
    const result: Vars = { repo, sources_added: [], sources_removed: [] };
    const update = args.update_cache ? updateChange('apt_repository').actions : [];
    const updTouches = args.update_cache ? [`file:${LISTS}/`, `file:${STAMP}`] : [];
    const mode = (cur: number) => (args.mode !== undefined ? octal(resolveMode(args.mode, cur, false)!) : undefined);
    const enabledIn = (text: string | undefined) => (text ?? '').split('\n').some((l) => !/^\s*#/.test(l) && normalizeSource(l) === want);
    if (args.state === 'present') {
      if ([...texts.values()].some(enabledIn)) return { changes, result };
      const cur = texts.get(target);
      let lines = cur === undefined ? [] : cur.replace(/\n$/, '').split('\n');
      const disabled = lines.findIndex((l) => /^\s*#/.test(l) && normalizeSource(l.replace(/^\s*#+\s*/, '')) === want);
      if (disabled >= 0) lines[disabled] = want;
      else lines = [...lines.filter((l, i) => !(i === 0 && l === '' && lines.length === 1)), want];
      const after = `${lines.join('\n')}\n`;
      if (cur === undefined) result.sources_added = [target];
      changes.push({
        summary: `apt_repository: add "${want}" to ${target}`,
        diff: { path: target, before: cur ?? '', after },
        actions: [{ put: target, content: Buffer.from(after), mode: mode(0o644) ?? (cur === undefined ? '0644' : undefined) }, ...update],
        touches: [`file:${target}`, ...updTouches],
      });
      return { changes, result };
    }
    for (const [f, text] of texts) {
      if (!enabledIn(text)) continue;
      const kept = text!.replace(/\n$/, '').split('\n').filter((l) => /^\s*#/.test(l) || normalizeSource(l) !== want);
      const empty = kept.every((l) => l.trim() === '');
      const acts: Action[] = empty ? [{ remove: f }] : [{ put: f, content: Buffer.from(`${kept.join('\n')}\n`) }];
      if (empty) (result.sources_removed as string[]).push(f);
      changes.push({ summary: `apt_repository: remove "${want}" from ${f}`, diff: { path: f, before: text!, after: empty ? '' : `${kept.join('\n')}\n` }, actions: acts, touches: [`file:${f}`, ...updTouches] });
    }
    if (changes.length && update.length) changes[changes.length - 1]!.actions.push(...update);
    return { changes, result };
  },
});

export const modules: ModuleSpec[] = [apt, apt_key, apt_repository, dpkg_selections, dnf, yum, pkg];
