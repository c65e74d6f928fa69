// The run a day-2 verb makes: one of the shipped playbooks (kplay's own playbooks/ folder) on the site, with the
// verb's settings as extra variables; --check brings --diff.
import { join } from 'node:path';
import { KPLAY_ROOT } from '../core/package-root.js';
import type { RunArgs } from './run-options.js';

/** What every verb that runs a playbook takes: the site, --check, --json. */
export interface VerbFlags {
  site?: unknown;
  check?: unknown;
  json?: unknown;
}

/** A shipped day-2 playbook run on the site, with the verb's settings as extra variables. */
export function verbRun(playbook: string, a: VerbFlags, vars: Record<string, unknown>): RunArgs {
  const set = Object.entries(vars).filter(([, v]) => v !== undefined);
  const check = a.check === true;
  return {
    playbook: join(KPLAY_ROOT, 'playbooks', playbook),
    inventory: [a.site as string],
    check,
    diff: check,
    json: a.json === true,
    extraVars: set.length > 0 ? [JSON.stringify(Object.fromEntries(set))] : undefined,
  };
}
