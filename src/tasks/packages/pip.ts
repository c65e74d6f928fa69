// pip: Python packages, by `python3 -m pip` (or `executable`). One `pip list --format=freeze` tells what is
// installed; absent uninstalls the installed ones, present installs the missing ones (and, with `version`, those
// at another version), latest also upgrades those `pip list --outdated` names, forcereinstall reinstalls every
// run. Names compare as pip normalizes them (case, and `-`, `_`, `.` alike). `virtualenv` and `requirements`
// are refused.
import type { Change } from '../contract.js';
import { taskFailed } from '../lib/fsattrs.js';
import { alist, apath, astr, choice, defineTask } from '../lib/schema.js';

const norm = (n: string): string => n.toLowerCase().replace(/[-_.]+/g, '-');

/** name -> version from `pip list --format=freeze` lines (`name==1.0`). */
function freeze(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const l of text.split('\n')) {
    const m = /^([^=\s]+)==(\S+)/.exec(l.trim());
    if (m) out.set(norm(m[1]!), m[2]!);
  }
  return out;
}

export const pip = defineTask({
  name: 'pip',
  description: 'Install, upgrade or remove Python packages with pip.',
  args: {
    name: alist(astr()),
    state: choice(['present', 'absent', 'latest', 'forcereinstall']).default('present'),
    version: astr(),
    executable: apath(),
    extra_args: astr(),
    virtualenv: apath(),
    requirements: apath(),
  },
  requiredOneOf: [['name', 'requirements']],
  example: '- pip: name=passlib state=present',
  async plan(a, _host, facts) {
    if (a.virtualenv !== undefined || a.requirements !== undefined)
      throw taskFailed('pip: virtualenv and requirements are not supported');
    const names = a.name ?? [];
    for (const n of names)
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(n))
        throw taskFailed(`pip: '${n}': only plain package names are supported (use version=)`);
    const base = a.executable ? [a.executable] : ['python3', '-m', 'pip'];
    const quiet = ['--disable-pip-version-check'];
    const extra = a.extra_args?.split(/\s+/).filter(Boolean) ?? [];
    const r = await facts.probe([...base, 'list', '--format=freeze', ...quiet]);
    if (r.rc !== 0) throw taskFailed(`pip: ${base.join(' ')} list failed: ${r.stderr.trim() || r.stdout.trim()}`);
    const have = freeze(r.stdout);
    const touches = (ns: string[]) => ns.map((n) => `package:pip:${norm(n)}`);
    const spec = (n: string) => (a.version ? `${n}==${a.version}` : n);
    const changes: Change[] = [];
    const add = (verb: string, ns: string[], argv: string[], repeats = false) => {
      if (ns.length)
        changes.push({
          summary: `pip: ${verb} ${ns.join(', ')}`,
          actions: [{ exec: [...base, ...argv, ...quiet, ...extra, ...ns.map(spec)] }],
          touches: touches(ns),
          ...(repeats ? { repeats: true } : {}),
        });
    };
    if (a.state === 'absent') {
      add(
        'uninstall',
        names.filter((n) => have.has(norm(n))),
        ['uninstall', '-y'],
      );
      return { changes };
    }
    if (a.state === 'forcereinstall') {
      add('reinstall', names, ['install', '--force-reinstall'], true);
      return { changes };
    }
    const wrong = (n: string) => !have.has(norm(n)) || (a.version !== undefined && have.get(norm(n)) !== a.version);
    add('install', names.filter(wrong), ['install']);
    if (a.state === 'latest') {
      const present = names.filter((n) => !wrong(n));
      if (present.length) {
        const o = await facts.probe([...base, 'list', '--outdated', '--format=freeze', ...quiet]);
        const outdated = freeze(o.stdout);
        add(
          'upgrade',
          present.filter((n) => outdated.has(norm(n))),
          ['install', '-U'],
        );
      }
    }
    return { changes };
  },
});
