// `kplay doc MODULE` and `kplay doc --list`: the module reference, from the modules' own declarations. The
// modules (and their schemas) are loaded when the command runs (doc-show.ts), so `kplay --help` stays light.
import type { Argv } from 'yargs';
import type { Output } from '../core/output.js';
import type { DocArgs } from './doc-show.js';

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
    (a) => guard(async () => (await import('./doc-show.js')).showDoc(a as DocArgs, out)),
  );
}
