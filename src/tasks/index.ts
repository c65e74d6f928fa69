// The module registry: every module a task may name, by its name and its aliases.
import { command, shell } from './command.js';
import { assert, debug, fail, meta, pause, set_fact } from './control.js';
import { include_vars } from './include-vars.js';
import { copy, file, lineinfile, stat, template } from './files.js';
import type { ModuleSpec } from './contract.js';
import { modules as kernel } from './kernel/index.js';
import { modules as system } from './system.js';
import { modules as systemd } from './systemd.js';
import { modules as packages } from './packages/index.js';
import { modules as edits } from './edits/index.js';
import { modules as transfer } from './transfer/index.js';
import { modules as net } from './net/index.js';
import { modules as users } from './users/index.js';
import { modules as pki } from './pki/pki.js';

const all: ModuleSpec[] = [
  command,
  shell,
  copy,
  template,
  file,
  lineinfile,
  stat,
  debug,
  set_fact,
  assert,
  fail,
  meta,
  pause,
  include_vars,
  ...kernel,
  ...system,
  ...systemd,
  ...packages,
  ...edits,
  ...transfer,
  ...net,
  ...users,
  ...pki,
];

export const registry = new Map<string, ModuleSpec>();
for (const m of all) {
  registry.set(m.name, m);
  for (const a of m.aliases ?? []) registry.set(a, m);
}

/** Collections whose prefix is dropped: `ansible.builtin.copy` is `copy`. */
const PREFIXES = ['ansible.builtin.', 'ansible.legacy.', 'ansible.posix.', 'community.general.', 'kplay.'];

export function canonicalModuleName(name: string): string {
  for (const p of PREFIXES) if (name.startsWith(p)) return name.slice(p.length);
  return name;
}

export function findModule(name: string): ModuleSpec | undefined {
  return registry.get(canonicalModuleName(name));
}

export function moduleNames(): string[] {
  return [...registry.keys()];
}
