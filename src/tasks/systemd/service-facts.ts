// service_facts: systemd's services as `ansible_facts.services`, a mapping from `name.service` to
// {name, state, status, source: 'systemd'}, read as Ansible reads them: a loaded unit's state is `running` when
// its sub-state is, else `stopped`, and its status the unit file's state (enabled, disabled, static...) or, for
// a unit that is not-found, masked or failed, that word; a unit file that is not loaded gets systemd's
// ActiveState (`inactive`) as its state. SysV init scripts are listed too, by their name, as `service
// --status-all` tells them ({name, state, source: 'sysv'}). Read-only: one command (two when unit files are not
// loaded).
import type { FactReader, Plan, Vars } from '../contract.js';
import { taskFailed } from '../lib/fsattrs.js';
import { defineTask } from '../lib/schema.js';

const SYSV = '--systemd--';
const FILES = '--unit-files--';
// SysV scripts (`service --status-all`), then, where systemd runs, its units and unit files
const LIST = [
  'sh',
  '-c',
  'if command -v service >/dev/null 2>&1; then service --status-all 2>/dev/null; fi; echo "$1"; ' +
    'if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then systemctl list-units --no-pager ' +
    '--type service --all --plain --no-legend && echo "$2" && systemctl list-unit-files --no-pager --type service ' +
    '--no-legend; fi',
  'service_facts',
  SYSV,
  FILES,
];

const BAD = ['not-found', 'masked', 'failed'];

interface Service extends Vars {
  name: string;
  state: string;
  status?: string;
  source: 'systemd' | 'sysv';
}

/** `service --status-all`: ` [ + ]  name` running, `[ - ]` stopped; `[ ? ]` (no status) is left out. */
export function parseSysv(out: string): Record<string, Service> {
  const services: Record<string, Service> = {};
  for (const line of out.split('\n')) {
    const m = /^\s*\[\s*([+-])\s*\]\s+(.+?)\s*$/.exec(line);
    if (m) services[m[2]!] = { name: m[2]!, state: m[1] === '+' ? 'running' : 'stopped', source: 'sysv' };
  }
  return services;
}

/** The services from `list-units` then `list-unit-files`; the unit files that are not loaded. */
export function parseServices(out: string): { services: Record<string, Service>; unloaded: string[] } {
  const [units = '', files = ''] = out.split(`${FILES}\n`);
  const services: Record<string, Service> = {};
  for (const line of units.split('\n')) {
    const [name, load, active, sub] = line.trim().split(/\s+/);
    if (!name?.endsWith('.service') || sub === undefined) continue;
    const status = BAD.find((b) => b === load || b === active) ?? active!;
    services[name] = { name, state: sub === 'running' ? 'running' : 'stopped', status, source: 'systemd' };
  }
  const unloaded: string[] = [];
  for (const line of files.split('\n')) {
    const [name, state] = line.trim().split(/\s+/);
    if (!name?.endsWith('.service') || state === undefined) continue;
    const s = services[name];
    if (!s) {
      services[name] = { name, state: 'unknown', status: state, source: 'systemd' };
      if (!name.endsWith('@.service')) unloaded.push(name);
    } else if (!BAD.includes(s.status!)) s.status = state;
  }
  return { services, unloaded };
}

/** `systemctl show -p ActiveState a b ...`: one block per unit asked, in order (an alias answers for the unit it
 *  names, so the blocks are matched by position, not by Id). */
export function parseActiveStates(out: string, units: string[]): Map<string, string> {
  const blocks = out.split(/\n\s*\n/).filter((b) => b.trim() !== '');
  const states = new Map<string, string>();
  if (blocks.length !== units.length) return states;
  units.forEach((u, i) => {
    const active = /^ActiveState=(.*)$/m.exec(blocks[i]!)?.[1];
    if (active) states.set(u, active.trim());
  });
  return states;
}

async function activeStates(facts: FactReader, units: string[]): Promise<Map<string, string>> {
  if (!units.length) return new Map();
  const argv = ['systemctl', 'show', '--property=ActiveState', '--', ...units];
  return parseActiveStates((await facts.probe(argv, { reads: ['service:*'] })).stdout, units);
}

export const service_facts = defineTask({
  name: 'service_facts',
  description: "systemd's services as facts (ansible_facts.services): state, status (enabled...), source.",
  args: {},
  returns: { ansible_facts: '`services`: `name.service` -> {name, state, status, source}' },
  example: "- service_facts:\n- debug: var=ansible_facts.services['ssh.service'].state",
  async plan(_args, _host, facts): Promise<Plan> {
    const r = await facts.probe(LIST, { reads: ['service:*'] });
    if (r.rc !== 0) throw taskFailed(`service_facts: listing the services failed (rc=${r.rc}): ${r.stderr.trim()}`);
    const [sysv = '', systemd = ''] = r.stdout.split(`${SYSV}\n`);
    const { services, unloaded } = parseServices(systemd);
    const states = await activeStates(facts, unloaded);
    for (const name of unloaded) services[name]!.state = states.get(name) ?? 'unknown';
    const all = { ...parseSysv(sysv), ...services };
    if (!Object.keys(all).length)
      throw taskFailed('Failed to find any services. This can be due to privileges or some other configuration issue.');
    return { changes: [], result: { ansible_facts: { services: all } } };
  },
});
