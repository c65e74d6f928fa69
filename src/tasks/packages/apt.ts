// apt: install, upgrade or remove Debian packages (version pins pkg=1.2.*), refresh the cache.
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
import { z } from 'zod';
import type { Change, FactReader, HostView, Plan, Vars } from '../contract.js';
import { fnmatch } from '../../core/fnmatch.js';
import { taskFailed } from '../lib/fsattrs.js';
import { abool, aint, alist, astr, choice, defineTask, apath, withForm } from '../lib/schema.js';
import { APT_ENV, aptPolicy, cacheTime, LISTS, updateChange } from './apt-cache.js';
import { dpkgQuery, isInstalled, isPresent, PKG_TOUCHES, pkgTouches, recordPkgReads } from './shared.js';

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
  if (!/^[a-z0-9][a-z0-9+.-]*(:[a-z0-9-]+)?$/i.test(base) || version === '')
    throw taskFailed(`'${t}' is not a package name`);
  return { spec: t, name: base.replace(/:.*$/, ''), version };
}

/** An apt version pin (`1.2.*`) matches a version as Ansible's fnmatch does. */
export function pinMatches(pattern: string, version: string): boolean {
  return fnmatch(pattern).test(version);
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
  for (const d of a.dpkg_options
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean))
    o.push('-o', `Dpkg::Options::=--${d}`);
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
  return (r.stderr || r.stdout)
    .trim()
    .split('\n')
    .filter((l) => /^E:/.test(l))
    .slice(-5)
    .join('\n');
}

export async function planApt(a: AptArgs, host: HostView, facts: FactReader, module = 'apt'): Promise<Plan> {
  const specs = (a.name ?? []).map(parseSpec);
  const names = [...new Set(specs.map((s) => s.name))];
  const changes: Change[] = [];
  const result: Vars = { cache_updated: false };
  const opts = aptOptions(a);

  // The cache: refreshed now (when stale), or only if something is to change (no cache_valid_time, names given).
  let update: 'now' | 'if-changing' | 'no' = 'no';
  if (a.update_cache && !host.applied?.has('apt-update')) {
    if (a.cache_valid_time > 0) {
      const age = Date.now() / 1000 - (await cacheTime(facts));
      if (age > a.cache_valid_time) update = 'now';
    } else update = names.length === 0 && a.upgrade === 'no' && a.deb === undefined ? 'now' : 'if-changing';
  }
  const cacheWillUpdate = update !== 'no';
  if (update === 'now') {
    changes.push(updateChange(module));
    result.cache_updated = true;
  }

  const work: Change[] = [];
  const installed = await dpkgQuery(facts, names);
  await recordPkgReads(host, facts, names);

  if (a.deb !== undefined) {
    if (/^[a-z]+:\/\//i.test(a.deb))
      throw taskFailed(
        `deb: a URL (${a.deb}) is not supported: put the file on the host first (copy/get_url) and give its path`,
      );
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
      work.push({
        summary: `${module}: install ${pkg} ${f.Version} from ${a.deb}`,
        actions: [{ exec: ['apt-get', ...opts, 'install', path], env: APT_ENV }],
        touches: pkgTouches([pkg]),
      });
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
      work.push({
        summary: `${module}: ${verb} ${gone.map((s) => s.name).join(', ')}`,
        actions: [{ exec: argv, env: APT_ENV }],
        touches: pkgTouches(gone.map((s) => s.name)),
      });
    }
  } else if (specs.length > 0) {
    if (a.state === 'latest')
      for (const s of specs)
        if (s.version !== undefined) throw taskFailed(`state=latest cannot be used with a version pin (${s.spec})`);
    const needPolicy = specs
      .filter((s) => a.state === 'latest' || s.version !== undefined || !isInstalled(installed.get(s.name)))
      .map((s) => s.name);
    const policy = await aptPolicy(facts, [...new Set(needPolicy)]);
    // recorded: the cache an earlier task would refresh (apt_repository, update_cache) decides what is to be
    // done, unless each package is to be installed (any version) and has a candidate now
    const settled = a.state !== 'latest' && specs.every((s) => s.version === undefined);
    if (needPolicy.some((n) => !settled || !policy.get(n)?.candidate)) await facts.stat(LISTS, { follow: true });
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
      work.push({
        summary: `${module}: ${what} ${todo.join(', ')}`,
        actions: [{ exec: argv, env: APT_ENV }],
        touches: pkgTouches(todo.map((t) => t.replace(/=.*$/, ''))),
      });
    }
  }

  if (a.upgrade !== 'no') {
    const verb = a.upgrade === 'full' || a.upgrade === 'dist' ? ['dist-upgrade'] : ['upgrade', '--with-new-pkgs'];
    const r = await facts.probe(['apt-get', '-s', '-q', ...verb]);
    if (r.rc !== 0) throw taskFailed(`apt-get -s ${verb[0]} failed: ${r.stderr.trim()}`);
    const n = r.stdout.split('\n').filter((l) => /^(Inst|Remv) /.test(l)).length;
    if (n > 0)
      work.push({
        summary: `${module}: ${verb[0]} (${n} packages)`,
        actions: [{ exec: ['apt-get', ...opts, ...verb], env: APT_ENV }],
        touches: [...PKG_TOUCHES, 'file:/var/lib/dpkg/info/'],
      });
  }
  if (a.autoremove && specs.length === 0 && a.deb === undefined) {
    const r = await facts.probe(['apt-get', '-s', '-q', 'autoremove', ...(a.purge ? ['--purge'] : [])]);
    const gone = r.stdout
      .split('\n')
      .filter((l) => /^(Remv|Purg) /.test(l))
      .map((l) => l.split(' ')[1]!);
    if (gone.length)
      work.push({
        summary: `${module}: autoremove ${gone.join(', ')}`,
        actions: [{ exec: ['apt-get', ...opts, 'autoremove', ...(a.purge ? ['--purge'] : [])], env: APT_ENV }],
        touches: pkgTouches(gone),
      });
  }

  if (update === 'if-changing' && work.length) {
    changes.push(updateChange(module));
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
  deb: apath(),
  upgrade: withForm(
    z.preprocess((v) => (v === true ? 'yes' : v === false ? 'no' : v), choice(['no', 'yes', 'safe', 'full', 'dist'])),
    'or-bool',
  ).default('no'),
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
    package: 'name',
    pkg: 'name',
    'update-cache': 'update_cache',
    'install-recommends': 'install_recommends',
    'default-release': 'default_release',
    'allow-downgrade': 'allow_downgrade',
    allow_downgrades: 'allow_downgrade',
    'allow-downgrades': 'allow_downgrade',
    'allow-change-held-packages': 'allow_change_held_packages',
  },
  requiredOneOf: [['name', 'upgrade', 'update_cache', 'deb', 'autoremove']],
  mutuallyExclusive: [['deb', 'name']],
  returns: {
    cache_updated: 'whether the apt cache was refreshed',
    cache_update_time: 'when the cache was last refreshed (epoch seconds)',
  },
  example: '- apt:\n    name: [keepalived, haproxy=2.6.*]\n    update_cache: yes\n    cache_valid_time: 3600',
  async plan(args, host, facts) {
    return planApt(args, host, facts);
  },
});
