// Where a role is found, in Ansible's order: roles/ beside the playbook; the roles path (ANSIBLE_ROLES_PATH, else
// ansible.cfg's [defaults] roles_path, else Ansible's default ~/.ansible/roles:/usr/share/ansible/roles:
// /etc/ansible/roles); then kplay's own folders (KPLAY_ROLES_PATH, the project's playbooks/roles and roles/, from
// the current folder); for a dependency, the folder of the role that names it; the playbook's folder itself;
// last, the name read as a path from the current folder. A name may be nested (`kubernetes/node`): it is a path
// under each folder, and the role keeps the name it was given, as in Ansible (a role found by the last rule only is
// named by its last part). Relative folders of the roles path are taken as Ansible takes them: from ansible.cfg's
// folder when written there, from the current folder when given in the environment; `~` and `$VAR` are expanded.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { Problems } from '../core/errors.js';
import { cfgGet, expandPath, readAnsibleCfg } from './ansible-cfg.js';

/** ansible.cfg problems already reported to a run's Problems (the file is read at each role search). */
const told = new WeakMap<Problems, Set<string>>();

/** The roles path Ansible would use: ANSIBLE_ROLES_PATH, ansible.cfg's roles_path, or Ansible's default. */
export function configuredRolesPath(problems?: Problems, env = process.env, cwd = process.cwd()): string[] {
  const split = (s: string, base: string) =>
    s
      .split(':')
      .map((p) => p.trim())
      .filter(Boolean)
      .map((p) => resolve(base, expandPath(p, env)));
  if (env.ANSIBLE_ROLES_PATH !== undefined) return split(env.ANSIBLE_ROLES_PATH, cwd);
  const local = new Problems();
  const found = problems ? readAnsibleCfg(local, env, cwd) : undefined;
  if (found && problems) {
    const done = told.get(problems) ?? new Set();
    if (!done.has(found.file)) for (const e of local.list) problems.push(e);
    done.add(found.file);
    told.set(problems, done);
  }
  const fromCfg = found && cfgGet(found.cfg, 'defaults', 'roles_path');
  if (fromCfg) return split(fromCfg.value, resolve(found.file, '..'));
  const home = env.ANSIBLE_HOME ? expandPath(env.ANSIBLE_HOME, env) : expandPath('~/.ansible', env);
  return [resolve(cwd, home, 'roles'), '/usr/share/ansible/roles', '/etc/ansible/roles'];
}

/** Every folder a role name is looked up under, in order, each once. `basedir`: the folder of the role whose
 *  meta dependencies name it. */
export function rolesPath(playbookDir: string, problems?: Problems, basedir?: string): string[] {
  const kplay = (process.env.KPLAY_ROLES_PATH ?? '').split(':').filter(Boolean);
  const dirs = [
    join(playbookDir, 'roles'),
    ...configuredRolesPath(problems),
    ...kplay.map((d) => resolve(d)),
    resolve('playbooks/roles'),
    resolve('roles'),
    ...(basedir ? [basedir] : []),
    playbookDir,
  ];
  return [...new Set(dirs)];
}

/** The role's folder and the name it goes by, or undefined with the folders searched. */
export function findRole(
  name: string,
  playbookDir: string,
  problems?: Problems,
  basedir?: string,
): { dir: string; name: string } | { searched: string[] } {
  const searched = rolesPath(playbookDir, problems, basedir);
  for (const d of searched) {
    const p = resolve(d, name);
    if (existsSync(p)) return { dir: p, name };
  }
  const p = resolve(name);
  if (existsSync(p)) return { dir: p, name: basename(p) };
  return { searched };
}

/** Role names under the folders, and nested ones (`kubernetes/node`) under a folder that is not a role itself. */
export function availableRoles(dirs: string[]): string[] {
  const names = new Set<string>();
  const isRole = (p: string) => ['tasks', 'meta', 'defaults'].some((s) => existsSync(join(p, s)));
  for (const d of dirs)
    for (const n of subdirs(d)) {
      names.add(n);
      if (!isRole(join(d, n))) for (const s of subdirs(join(d, n))) if (isRole(join(d, n, s))) names.add(`${n}/${s}`);
    }
  return [...names];
}

function subdirs(d: string): string[] {
  try {
    return readdirSync(d).filter((n) => statSync(join(d, n)).isDirectory());
  } catch {
    return []; // a search folder that does not exist
  }
}
