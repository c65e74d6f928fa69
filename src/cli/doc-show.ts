// What `kplay doc` prints: one module's reference (or its JSON Schema), or the list of every module; the
// built-in modules and those of --library folders.
import { didYouMean, KplayError } from '../core/errors.js';
import { formatDoc, jsonSchema } from './module-doc.js';
import { builtins } from '../tasks/index.js';
import type { Output } from '../core/output.js';
import { loadUserModules } from '../playbook/user-modules.js';

export interface DocArgs {
  module?: string;
  list?: boolean;
  json?: boolean;
  library?: string[];
}

export async function showDoc(a: DocArgs, out: Output): Promise<number> {
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
