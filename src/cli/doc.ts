// `kplay doc MODULE` and `kplay doc --list`: the module reference, from the modules' own declarations.
import type { Argv } from 'yargs';
import { didYouMean, KplayError } from '../core/errors.js';
import { formatDoc, jsonSchema } from './module-doc.js';
import { builtins } from '../tasks/index.js';
import type { Output } from '../core/output.js';
import { loadUserModules } from '../playbook/user-modules.js';

interface DocArgs {
  module?: string;
  list?: boolean;
  json?: boolean;
  library?: string[];
}

export function docCommand(y: Argv, out: Output, guard: (fn: () => Promise<number>) => Promise<void>): Argv {
  return y.command(
    'doc [module]',
    "Show a module's arguments, defaults, return values and an example",
    (a) =>
      a
        .positional('module', { type: 'string', describe: 'module name (copy, ansible.builtin.template, ...)' })
        .option('list', {
          alias: 'l',
          type: 'boolean',
          default: false,
          describe: 'list every module with its description',
        })
        .option('json', {
          alias: 'j',
          type: 'boolean',
          default: false,
          describe: "print the module's arguments as JSON Schema",
        })
        .option('library', {
          type: 'string',
          array: true,
          describe: "folders of your own modules to include (as a playbook's library/)",
        })
        .example('$0 doc lineinfile', 'the arguments of lineinfile')
        .example('$0 doc --list', 'every module'),
    (a) => guard(() => doc(a as DocArgs, out)),
  );
}

async function doc(a: DocArgs, out: Output): Promise<number> {
  const modules = builtins.copy();
  for (const dir of a.library ?? []) await loadUserModules(dir, modules);
  const unique = modules.all();
  if (a.list || !a.module) {
    const w = Math.max(...unique.map((m) => m.name.length));
    out.print(unique.map((m) => `${m.name.padEnd(w)}  ${m.description}`).join('\n'));
    return 0;
  }
  const m = modules.find(a.module);
  if (!m) {
    const near = didYouMean(
      a.module,
      unique.map((x) => x.name),
    );
    throw new KplayError(`no module named '${a.module}'${near ? ` (did you mean '${near}'?)` : ''}`, {
      code: 'OPTIONS',
      hint: "'kplay doc --list' lists them",
    });
  }
  out.print(a.json ? JSON.stringify(jsonSchema(m), null, 2) : formatDoc(m));
  return 0;
}
