// include_vars: variables from a YAML/JSON file, or every file of a folder, on the controller: searched in the
// role's vars/ and then the playbook's folder; the values are set where set_fact's go.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { Problems } from '../core/errors.js';
import { loadYamlFile } from '../core/source.js';
import type { ControllerResult, Vars } from './contract.js';
import { alist, astr, apath, defineController } from './lib/schema.js';

const failed = (msg: string): ControllerResult => ({ status: 'failed', msg, result: { failed: true, msg } });

export const include_vars = defineController({
  name: 'include_vars',
  description:
    'Read variables from a YAML/JSON file (or every file of a folder) on the controller, for the rest of the run.',
  freeForm: true,
  args: {
    _raw_params: astr(),
    file: apath(),
    dir: apath(),
    name: astr(),
    files_matching: astr(),
    ignore_files: alist(astr()),
  },
  requiredOneOf: [['_raw_params', 'file', 'dir']],
  mutuallyExclusive: [['_raw_params', 'file', 'dir']],
  returns: { ansible_included_var_files: 'the files read' },
  example: '- include_vars: vars/{{ ansible_os_family }}.yml',
  async runOnController({ args: a, varsDirs }) {
    const name = String(a._raw_params ?? a.file ?? a.dir);
    const found = isAbsolute(name) ? name : varsDirs.map((b) => resolve(b, name)).find((f) => existsSync(f));
    if (!found || !existsSync(found))
      return failed(`include_vars: ${name} not found (looked in ${varsDirs.join(', ')})`);
    const ignore = (a.ignore_files as string[] | undefined) ?? [];
    const wanted = (f: string) =>
      /\.(ya?ml|json)$/.test(f) &&
      (!a.files_matching || new RegExp(String(a.files_matching)).test(f)) &&
      !ignore.includes(f);
    const files = statSync(found).isDirectory()
      ? readdirSync(found)
          .filter(wanted)
          .sort()
          .map((f) => join(found, f))
      : [found];
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
    const facts = typeof a.name === 'string' ? { [a.name]: vars } : vars;
    return { status: 'ok', result: { changed: false, ansible_facts: facts, ansible_included_var_files: files }, facts };
  },
});
