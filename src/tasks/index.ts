// The module registry: every module a task may name, by its name and its aliases.
import { command, shell } from './command.js';
import { assert, debug, fail, meta, pause, set_fact } from './control.js';
import { include_vars } from './include-vars.js';
import { add_host, group_by } from './inventory.js';
import { assemble, copy, file, lineinfile, stat, template } from './files.js';
import type { ModuleSpec } from './contract.js';
import { shortModuleName } from './collections.js';
import { modules as kernel } from './kernel/index.js';
import { modules as system } from './system.js';
import { modules as systemd } from './systemd/systemd.js';
import { modules as packages } from './packages/index.js';
import { modules as edits } from './edits/index.js';
import { modules as transfer } from './transfer/index.js';
import { modules as net } from './net/index.js';
import { modules as users } from './users/index.js';
import { modules as ssh } from './ssh/index.js';
import { modules as pki } from './pki/pki.js';
import { modules as factMods } from './facts/index.js';
import { pam_limits } from './pam-limits.js';
import { find } from './find.js';
import { raw } from './raw.js';
import { tempfile } from './tempfile.js';
import { cron } from './cron.js';
import { reboot } from './reboot.js';
import { async_status } from './async-status.js';

const all: ModuleSpec[] = [
  command,
  shell,
  copy,
  template,
  assemble,
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
  add_host,
  group_by,
  ...kernel,
  ...system,
  ...systemd,
  ...packages,
  ...edits,
  ...transfer,
  ...net,
  ...users,
  ...ssh,
  ...pki,
  ...factMods,
  pam_limits,
  find,
  raw,
  tempfile,
  cron,
  reboot,
  async_status,
];

/** The short name a task's module key stands for (`ansible.posix.sysctl` is `sysctl`; collections.ts); a name no
 *  collection kplay knows has is returned unchanged, and so is found by no registry. */
export function canonicalModuleName(name: string): string {
  return shortModuleName(name) ?? name;
}

/** The modules a run knows, by name and alias: the built-in ones, then the playbook's library/ modules. Each
 *  run has its own (`builtins.copy()`), so a user module never leaks into another run in the process. */
export class ModuleRegistry {
  private readonly byName = new Map<string, ModuleSpec>();
  /** Module files already loaded into this registry (playbook/user-modules.ts). */
  readonly loadedFiles = new Set<string>();

  constructor(
    specs: Iterable<ModuleSpec> = [],
    private readonly sealed = false,
  ) {
    for (const m of specs) this.put(m);
  }

  add(m: ModuleSpec): void {
    if (this.sealed) throw new Error("internal: the built-in modules are shared; add to a run's own copy()");
    this.put(m);
  }

  find(name: string): ModuleSpec | undefined {
    const short = shortModuleName(name);
    return short === undefined ? undefined : this.byName.get(short);
  }

  /** Every name and alias. */
  names(): string[] {
    return [...this.byName.keys()];
  }

  /** Every module once, by name. */
  all(): ModuleSpec[] {
    return [...new Set(this.byName.values())].sort((a, b) => a.name.localeCompare(b.name));
  }

  copy(): ModuleRegistry {
    return new ModuleRegistry(this.all());
  }

  private put(m: ModuleSpec): void {
    this.byName.set(m.name, m);
    for (const a of m.aliases ?? []) this.byName.set(a, m);
  }
}

/** kplay's own modules; read-only (a run copies it before adding its library/ modules). */
export const builtins = new ModuleRegistry(all, true);
