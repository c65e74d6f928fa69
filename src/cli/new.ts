// `kplay new SITE` (kubeasz's `ezctl new`): a new site folder, inventories/SITE, or the folder PATH when the
// argument holds a slash (./x, /srv/sites/x). Written from the Handlebars files of templates/new-site/ (a file
// each): the hosts file (kubeasz's INI, or YAML with --yaml), group_vars/all.yml (the SSH login, the versions
// pinned from today's defaults), a .env template, a .gitignore and a README. The values come from the roles'
// defaults/main.yml as they are now, so the site keeps them when kplay's defaults change.
// A folder that exists and is not empty is refused (SITE_EXISTS) and nothing is written; otherwise everything
// is written into a hidden folder beside it, then renamed into place: a site is there whole or not at all.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { KplayError } from '../core/errors.js';
import { KPLAY_ROOT } from '../core/package-root.js';
import { loadYamlFile } from '../core/source.js';
import { isPlainObject } from '../core/value-utils.js';
import { renderTemplateFile } from '../template/template.js';

export interface NewArgs {
  site: string;
  yaml?: boolean | undefined;
}

/** The roles whose defaults the templates read (later ones win on a shared name). */
const DEFAULTS_OF = ['kplay-defaults', 'fetch-bin', 'runtime', 'network', 'addons'];

/** Each file of a site: its template under templates/new-site/, where it goes, its mode; `form` picks one. */
const FILES: { template: string; dest: string; mode: number; form?: 'ini' | 'yaml' }[] = [
  { template: 'hosts.hbs', dest: 'hosts', mode: 0o644, form: 'ini' },
  { template: 'hosts.yml.hbs', dest: 'hosts.yml', mode: 0o644, form: 'yaml' },
  { template: 'group_vars/all.yml.hbs', dest: 'group_vars/all.yml', mode: 0o644 },
  { template: 'env.hbs', dest: '.env', mode: 0o600 },
  { template: 'gitignore.hbs', dest: '.gitignore', mode: 0o644 },
  { template: 'README.md.hbs', dest: 'README.md', mode: 0o644 },
];

const SITE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Where `kplay new ARG` writes: inventories/ARG for a name, ARG itself for a path (anything with a slash). */
export function siteFolder(arg: string): string {
  if (arg.includes('/')) return arg.replace(/(.)\/+$/, '$1');
  if (!SITE_NAME.test(arg))
    throw new KplayError(`"${arg}" is not a site name: letters, digits, '.', '_' and '-', not first '.' or '-'`, {
      code: 'OPTIONS',
      hint: 'give a path with a slash (./x, /srv/sites/x) to make the site elsewhere than inventories/',
    });
  return join('inventories', arg);
}

function readDefaults(root: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const role of DEFAULTS_OF) {
    const data = loadYamlFile(join(root, 'playbooks', 'roles', role, 'defaults', 'main.yml'));
    if (isPlainObject(data)) Object.assign(out, data);
  }
  return out;
}

/** A folder that holds anything (a file in its place counts as not empty). */
function occupied(dir: string): boolean {
  try {
    return !statSync(dir).isDirectory() || readdirSync(dir).length > 0;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

function siteExists(dir: string): KplayError {
  return new KplayError(`the site folder ${dir} already exists and is not empty: nothing was written`, {
    code: 'SITE_EXISTS',
    hint: 'pick another name, or move that folder away first (kplay new never overwrites a site)',
  });
}

/** Make the site; returns its folder and the files written (relative to it). */
export function newSite(args: NewArgs, root: string = KPLAY_ROOT): { dir: string; files: string[] } {
  const dir = siteFolder(args.site);
  const full = resolve(dir);
  if (occupied(full)) throw siteExists(dir);
  const form = args.yaml ? 'yaml' : 'ini';
  const chosen = FILES.filter((f) => f.form === undefined || f.form === form);
  const d = readDefaults(root);
  const ctx = {
    site: basename(full),
    path: dir,
    hostsFile: form === 'ini' ? 'hosts' : 'hosts.yml',
    d,
    bins: d.cluster_bins,
  };
  // render everything before the first write: a template problem leaves nothing behind
  const texts = chosen.map((f) => renderTemplateFile(join(root, 'templates', 'new-site', f.template), { vars: ctx }));
  mkdirSync(dirname(full), { recursive: true });
  const tmp = mkdtempSync(join(dirname(full), `.${basename(full)}.kplay-new-`));
  try {
    chosen.forEach((f, i) => {
      mkdirSync(dirname(join(tmp, f.dest)), { recursive: true });
      writeFileSync(join(tmp, f.dest), texts[i]!, { mode: f.mode });
      chmodSync(join(tmp, f.dest), f.mode);
    });
    chmodSync(tmp, 0o755);
    if (occupied(full)) throw siteExists(dir);
    try {
      renameSync(tmp, full); // replaces an empty folder; fails if one with files appeared meanwhile
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR') throw siteExists(dir);
      throw e;
    }
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return { dir, files: chosen.map((f) => f.dest) };
}
