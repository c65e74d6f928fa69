// `kplay schema`: JSON Schemas of playbooks, task files, role variables, inventories and site settings, for an
// editor (Red Hat's YAML extension, any yaml-language-server) or a validator. The work (schema-write.ts) is
// loaded when the command runs.
import type { Argv } from 'yargs';
import type { Output } from '../core/output.js';
import type { SchemaArgs } from './schema-write.js';

/** Where the schemas go without --out: a folder of the current one (editors' settings point there). */
export const DEFAULT_SCHEMA_DIR = '.kplay/schemas';

/** Registers `kplay schema`. */
export function schemaCommand(y: Argv, out: Output, guard: (fn: () => Promise<number>) => Promise<void>): Argv {
  return y.command(
    'schema',
    'Write JSON Schemas for editors: playbooks, task and handler files, role vars/meta, inventories, site settings',
    (a) =>
      a
        .option('out', {
          alias: 'o',
          type: 'string',
          default: DEFAULT_SCHEMA_DIR,
          describe: 'the folder the *.schema.json files are written to (made when missing)',
        })
        .option('library', {
          type: 'string',
          array: true,
          describe: "folders of your own modules to include (as a playbook's library/)",
        })
        .example('$0 schema', `write ${DEFAULT_SCHEMA_DIR}/playbook.schema.json ... and print their paths`)
        .epilogue(
          'A first line "# yaml-language-server: $schema=../.kplay/schemas/playbook.schema.json" (a path from ' +
            "the file) picks a file's schema; or map file patterns to them in the editor's settings " +
            '(README: Editor support).',
        ),
    (a) => {
      const args: SchemaArgs = { out: a.out as string, library: a.library as string[] | undefined };
      return guard(async () => (await import('./schema-write.js')).writeSchemas(args, out));
    },
  );
}
