// include_vars: variables from a YAML/JSON file, or the files of a folder, on the controller: searched in the
// role's vars/ and then the playbook's folder; the values are set where set_fact's go. A folder is read as
// Ansible reads it: recursively (`depth`, 0 for no limit; 1 is the folder alone), folder by folder in sorted
// order and each folder's files sorted, keeping the files whose extension is listed (`extensions`; '' is a file
// without one), that `files_matching` finds and `ignore_files` does not name; a file with another extension
// fails the task unless `ignore_unknown_extensions`. `hash_behaviour: merge` merges mappings into the
// variables of the same names, recursively.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, isAbsolute, join, resolve } from 'node:path';
import { Problems } from '../core/errors.js';
import { loadYamlFile } from '../core/source.js';
import { isPlainObject } from '../core/value-utils.js';
import type { ControllerResult, Vars } from './contract.js';
import { abool, aint, alist, astr, choice, defineController } from './lib/schema.js';

// as Ansible's include_vars fails: the text is also in `message`, and nothing was read
const failed = (msg: string): ControllerResult => ({
  status: 'failed',
  msg,
  result: { failed: true, msg, message: msg, ansible_facts: {}, ansible_included_var_files: [] },
});

const DEFAULT_EXTENSIONS = ['json', 'yaml', 'yml'];

interface Pick {
  depth: number;
  extensions: string[];
  ignoreUnknown: boolean;
  matching: RegExp | undefined;
  ignore: string[];
}

/** The files of a folder to read, in Ansible's order, or the name of one with an extension not listed. */
function folderFiles(top: string, p: Pick): { files: string[] } | { bad: string } {
  const dirs: string[] = [];
  const walk = (d: string, level: number) => {
    dirs.push(d);
    if (p.depth && level >= p.depth) return;
    for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) walk(join(d, e.name), level + 1);
  };
  walk(top, 1);
  const files: string[] = [];
  for (const d of dirs.sort()) {
    const names = readdirSync(d, { withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => e.name)
      .sort();
    for (const name of names) {
      if (p.ignore.some((i) => i === name || safeRegex(`${i}$`)?.test(name))) continue;
      if (p.matching && !p.matching.test(name)) continue;
      if (!p.extensions.includes(extname(name).replace(/^\./, ''))) {
        if (p.ignoreUnknown) continue;
        return { bad: join(d, name) };
      }
      files.push(join(d, name));
    }
  }
  return { files };
}

function safeRegex(src: string): RegExp | undefined {
  try {
    return new RegExp(src);
  } catch {
    return undefined;
  }
}

/** Mappings merged key by key, recursively; anything else replaced. */
function merged(old: unknown, add: unknown): unknown {
  if (!isPlainObject(old) || !isPlainObject(add)) return add;
  const out: Vars = { ...old };
  for (const [k, v] of Object.entries(add)) out[k] = merged(out[k], v);
  return out;
}

export const include_vars = defineController({
  name: 'include_vars',
  description:
    'Read variables from a YAML/JSON file (or every file of a folder) on the controller, for the rest of the run.',
  freeForm: true,
  args: {
    _raw_params: astr(),
    // null or '' (a lookup that found nothing) names no file: the task fails when it runs, as in Ansible
    file: astr().nullable(),
    dir: astr().nullable(),
    name: astr(),
    depth: aint().default(0),
    extensions: alist(astr()),
    ignore_unknown_extensions: abool().default(false),
    files_matching: astr(),
    ignore_files: alist(astr()),
    hash_behaviour: choice(['replace', 'merge']),
  },
  requiredOneOf: [['_raw_params', 'file', 'dir']],
  mutuallyExclusive: [['_raw_params', 'file', 'dir']],
  returns: { ansible_included_var_files: 'the files read' },
  example: '- include_vars: vars/{{ ansible_os_family }}.yml',
  async runOnController({ args: a, varsDirs, vars: current }) {
    const name = String(a._raw_params ?? a.file ?? a.dir ?? '').trim();
    if (!name) return failed('Could not find file on the controller: the file or folder to read is empty (null)');
    const found = isAbsolute(name) ? name : varsDirs.map((b) => resolve(b, name)).find((f) => existsSync(f));
    if (!found || !existsSync(found))
      return failed(`Could not find or access '${name}' on the controller (looked in ${varsDirs.join(', ')})`);
    let files = [found];
    if (statSync(found).isDirectory()) {
      const matching = a.files_matching === undefined ? undefined : safeRegex(String(a.files_matching));
      if (a.files_matching !== undefined && !matching) return failed(`files_matching: not a regular expression`);
      const picked = folderFiles(found, {
        depth: Number(a.depth),
        extensions: (a.extensions as string[] | undefined) ?? DEFAULT_EXTENSIONS,
        ignoreUnknown: a.ignore_unknown_extensions === true,
        matching,
        ignore: (a.ignore_files as string[] | undefined) ?? [],
      });
      if ('bad' in picked) return failed(`${picked.bad} does not have a valid extension: ${DEFAULT_EXTENSIONS}`);
      files = picked.files;
    }
    const vars: Vars = {};
    for (const f of files) {
      const problems = new Problems();
      const data = loadYamlFile(f, { problems });
      if (problems.size) return failed(problems.list.map((e) => e.format()).join('\n'));
      if (data !== null && data !== undefined) {
        if (typeof data !== 'object' || Array.isArray(data)) return failed(`include_vars: ${f} must hold a mapping`);
        Object.assign(vars, data);
      }
    }
    let facts: Vars = typeof a.name === 'string' ? { [a.name]: vars } : vars;
    if (a.hash_behaviour === 'merge')
      facts = Object.fromEntries(Object.entries(facts).map(([k, v]) => [k, merged(current[k], v)]));
    return { status: 'ok', result: { changed: false, ansible_facts: facts, ansible_included_var_files: files }, facts };
  },
});
