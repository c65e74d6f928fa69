// `kplay schema`'s work: every schema built from kplay's own declarations (the keyword tables, the modules'
// argument schemas, the inventory reader's sections, kplay-defaults' settings), one file a kind.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { JsonSchema } from '../core/json-forms.js';
import type { Output } from '../core/output.js';
import { KPLAY_ROOT } from '../core/package-root.js';
import { inventorySchema } from '../inventory/schema.js';
import { siteVarsSchema } from '../inventory/site-schema.js';
import { playbookSchemas } from '../playbook/schema-playbook.js';
import { loadUserModules } from '../playbook/user-modules.js';
import { builtins, type ModuleRegistry } from '../tasks/index.js';

export interface SchemaArgs {
  out: string;
  library?: string[] | undefined;
}

/** kplay-defaults' variables: the cluster-wide settings a site overrides. */
export const DEFAULTS_FILE = join(KPLAY_ROOT, 'playbooks/roles/kplay-defaults/defaults/main.yml');

/** Every schema by its kind, which names its file (`<kind>.schema.json`). */
export function allSchemas(modules: ModuleRegistry = builtins): Record<string, JsonSchema> {
  return { ...playbookSchemas(modules), inventory: inventorySchema(), 'site-vars': siteVarsSchema(DEFAULTS_FILE) };
}

export async function writeSchemas(a: SchemaArgs, out: Output): Promise<number> {
  const modules = builtins.copy();
  for (const dir of a.library ?? []) await loadUserModules(dir, modules);
  const dir = resolve(a.out);
  mkdirSync(dir, { recursive: true });
  for (const [kind, schema] of Object.entries(allSchemas(modules))) {
    const file = join(dir, `${kind}.schema.json`);
    writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
    out.print(file);
  }
  return 0;
}
