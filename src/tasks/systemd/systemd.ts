// systemd_service (alias systemd) and service: the state of one unit, read with one `systemctl show NAME`
// (all properties, returned as Ansible's `status`), planned as daemon-reload, daemon-reexec, mask/unmask,
// enable/disable, then start/stop/restart/reload, in Ansible's order.
// Ansible's rules kept: `restarted` and `reloaded` always change (a stopped unit is started instead);
// `started` leaves an active or activating unit alone; `stopped` stops an active, activating or deactivating
// one; a unit that is not found fails ("Could not find the requested service NAME: host") when state or
// enabled is asked; masking a missing unit works; `enabled` follows `systemctl is-enabled` (enabled,
// enabled-runtime, static, generated, transient count as enabled; indirect and alias as not).
// Differences from Ansible, on purpose (plans must converge, and say what they do):
// - daemon_reload runs only when it is needed: the named unit (or, with no name, any loaded unit) has
//   NeedDaemonReload=yes, i.e. its unit file or a drop-in changed on disk since systemd read it. It is then
//   reported as a change. Ansible runs daemon-reload on every call and never reports it as changed (issue
//   ansible/ansible#77606). A brand-new unit file needs no reload: systemd reads it on first use.
// - daemon_reexec always runs and is reported as changed (Ansible: runs, reports ok).
// - enabled=yes/no on a unit that cannot be enabled or disabled (static, indirect, alias, generated,
//   transient) is left alone (Ansible would run `systemctl disable` on every call for a static unit).
// - check mode: a unit file or drop-in an earlier planned change writes is read as planned (predict.ts): a new
//   unit is loaded from it, a changed one needs daemon-reload; what a package would bring is uncertain.
// - scope=global only manages enabled/masked (as systemctl --global does); state there fails.
import type { Change, FactReader, HostView, Plan, Vars } from '../contract.js';
import { taskFailed } from '../lib/fsattrs.js';
import { abool, astr, choice, defineTask } from '../lib/schema.js';
import type { ModuleSpec } from '../contract.js';
import { PREDICTED, predictShow, unitAsPlanned, unitReads } from './predict.js';
import { service_facts } from './service-facts.js';

const SUFFIXES = [
  'service',
  'socket',
  'device',
  'mount',
  'automount',
  'swap',
  'target',
  'path',
  'timer',
  'slice',
  'scope',
];

/** `etcd` → `etcd.service`; names with a unit suffix stay as they are. */
export function unitName(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 && SUFFIXES.includes(name.slice(dot + 1)) ? name : `${name}.service`;
}

/** `systemctl show` output (Key=Value lines) as a map; values may contain '='. */
export function parseShow(out: string): Record<string, string> {
  const m: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) m[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return m;
}

const ENABLED = new Set(['enabled', 'enabled-runtime', 'static', 'generated', 'transient']);
/** UnitFileStates that enable/disable cannot change. */
const FIXED = new Set(['static', 'indirect', 'alias', 'generated', 'transient']);
/** What of `systemctl show` the plan depends on (a plan file compares only these between plan and apply). */
const SHOW_KEYS = ['LoadState', 'UnitFileState', 'ActiveState', 'NeedDaemonReload', 'FragmentPath', 'DropInPaths'];

const isFound = (s: Record<string, string>) =>
  s.LoadState !== 'not-found' || (s.UnitFileState ?? '').startsWith('masked');

export interface UnitArgs {
  name?: string | undefined;
  state?: 'started' | 'stopped' | 'restarted' | 'reloaded' | undefined;
  enabled?: boolean | undefined;
  masked?: boolean | undefined;
  daemon_reload?: boolean | undefined;
  daemon_reexec?: boolean | undefined;
  scope?: 'system' | 'user' | 'global' | undefined;
  no_block?: boolean | undefined;
  force?: boolean | undefined;
}

export async function planUnit(a: UnitArgs, host: HostView, facts: FactReader, module: string): Promise<Plan> {
  const scope = a.scope ?? 'system';
  const ctl = ['systemctl', ...(scope === 'system' ? [] : [`--${scope}`])];
  const changes: Change[] = [];
  const result: Vars = {};
  const unit = a.name !== undefined ? unitName(a.name) : undefined;
  const showArgv = unit ? [...ctl, 'show', unit] : undefined;
  const touches = unit ? [`service:${unit.replace(/\.service$/, '')}`, `probe:${showArgv!.join(' ')}`] : [];
  // a change planned every time by design (reexec, restart, reload) carries a mark: the re-plan after it was
  // applied sees it in `host.applied` and does not ask for it again
  const add = (summary: string, argv: string[], mark?: Change['mark']) =>
    changes.push({ summary: `${module}: ${summary}`, actions: [{ exec: argv }], touches, mark });

  if (scope === 'global' && a.state !== undefined)
    throw taskFailed(`scope=global cannot manage a unit's state, only enabled and masked`);
  if (a.state !== undefined || a.enabled !== undefined || a.masked !== undefined) {
    if (unit === undefined) throw taskFailed(`${module}: name is required with state, enabled or masked`);
  }

  let status: Record<string, string> = {};
  if (unit !== undefined && scope !== 'global') {
    const r = await facts.probe(showArgv!, { keys: SHOW_KEYS });
    if (r.rc !== 0) throw taskFailed(`cannot read the state of ${unit}: ${r.stderr.trim() || r.stdout.trim()}`);
    status = parseShow(r.stdout);
    result.name = a.name;
    result.status = status;
  } else if (unit !== undefined) {
    const r = await facts.probe([...ctl, 'is-enabled', unit]);
    status = { LoadState: 'loaded', UnitFileState: r.stdout.trim().split('\n')[0] ?? '' };
    if (/not-found|No such file/.test(r.stdout + r.stderr)) status.LoadState = 'not-found';
    result.name = a.name;
  }
  // the files it comes from are read (so check mode knows what earlier tasks would write there)
  if (unit !== undefined) {
    status = await unitAsPlanned(facts, host.check, unit, status, isFound(status), scope);
    if (result.status) result.status = Object.fromEntries(Object.entries(status).filter(([k]) => k !== PREDICTED));
  }
  const loadState = status.LoadState ?? '';
  let fileState = status.UnitFileState ?? '';
  const masked = loadState === 'masked' || fileState.startsWith('masked');
  const found = unit !== undefined && isFound(status);

  if (a.daemon_reload) {
    let needed: string[] = [];
    if (unit !== undefined) {
      if (
        status.NeedDaemonReload === 'yes' ||
        (found && !status[PREDICTED] && (await dropInsDiffer(facts, unit, status.DropInPaths)))
      )
        needed = [unit];
    } else {
      const r = await facts.probe([...ctl, 'show', '--all', '-p', 'Id,NeedDaemonReload,FragmentPath,DropInPaths', '*']);
      const blocks = r.stdout.split(/\n\s*\n/).map(parseShow);
      needed = blocks.filter((b) => b.NeedDaemonReload === 'yes').map((b) => b.Id!);
      if (host.check) {
        const admin = blocks
          .flatMap((b) => [b.FragmentPath ?? '', ...(b.DropInPaths ?? '').split(/\s+/)])
          .filter((p) => p.startsWith('/etc/systemd/'));
        await Promise.all(admin.map((p) => facts.stat(p, { follow: false })));
      }
    }
    if (needed.length > 0) add(`daemon-reload (changed on disk: ${needed.join(', ')})`, [...ctl, 'daemon-reload']);
  }
  if (a.daemon_reexec && !host.applied?.has('daemon-reexec'))
    add('daemon-reexec', [...ctl, 'daemon-reexec'], { key: 'daemon-reexec' });
  if (unit === undefined) return { changes, result };

  const force = a.force ? ['--force'] : [];
  if (a.masked !== undefined && a.masked !== masked) {
    add(`${a.masked ? 'mask' : 'unmask'} ${unit}`, [...ctl, a.masked ? 'mask' : 'unmask', ...force, unit]);
    // after unmasking, whether it is enabled is not known before: enable/disable it in any case
    fileState = a.masked ? 'masked' : '?';
  }
  if (a.enabled !== undefined) {
    if (!found && !(a.masked === true)) throw taskFailed(`Could not find the requested service ${unit}: host`);
    if (fileState.startsWith('masked') && a.enabled)
      throw taskFailed(`Unable to enable service ${unit}: it is masked (unmask it with masked: no)`);
    const isEnabled = ENABLED.has(fileState);
    if (
      fileState === '?' ||
      (!FIXED.has(fileState) && isEnabled !== a.enabled && !(fileState.startsWith('masked') && !a.enabled))
    ) {
      add(`${a.enabled ? 'enable' : 'disable'} ${unit}`, [...ctl, a.enabled ? 'enable' : 'disable', ...force, unit]);
    }
    result.enabled = a.enabled;
  }
  if (a.state !== undefined) {
    if (!found) throw taskFailed(`Could not find the requested service ${unit}: host`);
    const active = status.ActiveState ?? '';
    const running = active === 'active' || active === 'activating' || active === 'reloading';
    const noBlock = a.no_block ? ['--no-block'] : [];
    const run = (verb: string, mark?: Change['mark']) => add(`${verb} ${unit}`, [...ctl, verb, ...noBlock, unit], mark);
    if (a.state === 'started' && !running) run('start');
    if (a.state === 'stopped' && (running || active === 'deactivating')) run('stop');
    if (a.state === 'restarted' || a.state === 'reloaded') {
      const key = `${a.state}:${unit}`;
      const prev = host.applied?.get(key);
      // a restart is proven by a new InvocationID; a reload (of a running unit) leaves none to check
      const proven =
        prev !== undefined && (a.state === 'reloaded' || a.no_block || prev !== (status.InvocationID ?? ''));
      const verb = !running ? 'start' : a.state === 'restarted' ? 'restart' : 'reload';
      if (!proven) run(verb, prev === undefined ? { key, value: status.InvocationID ?? '' } : undefined);
    }
    result.state = a.state === 'stopped' ? 'stopped' : 'started';
  }
  if (host.check && showArgv && scope !== 'global')
    predictShow(changes, showArgv, status, ctl.length, unitReads(unit, status, scope));
  return { changes, result };
}

const unitArgs = {
  name: astr(),
  state: choice(['started', 'stopped', 'restarted', 'reloaded']),
  enabled: abool(),
  masked: abool(),
  daemon_reload: abool().default(false),
  daemon_reexec: abool().default(false),
  scope: choice(['system', 'user', 'global']).default('system'),
  no_block: abool().default(false),
  force: abool(),
};

export const systemd_service = defineTask({
  name: 'systemd_service',
  aliases: ['systemd'],
  description:
    'Manage a systemd unit: started/stopped/restarted/reloaded, enabled, masked; ' +
    'daemon-reload when unit files changed.',
  args: unitArgs,
  argAliases: { service: 'name', unit: 'name', 'daemon-reload': 'daemon_reload', 'daemon-reexec': 'daemon_reexec' },
  requiredOneOf: [['state', 'enabled', 'masked', 'daemon_reload', 'daemon_reexec']],
  returns: {
    name: 'the unit name as given',
    state: 'started or stopped',
    enabled: 'whether enabled',
    status: 'all `systemctl show` properties of the unit (ActiveState, UnitFileState, MainPID ...)',
  },
  example: '- systemd:\n    name: etcd\n    state: started\n    enabled: yes\n    daemon_reload: yes',
  async plan(args, host, facts) {
    return planUnit(args, host, facts, 'systemd');
  },
});

export const service = defineTask({
  name: 'service',
  description:
    "Manage a service (started/stopped/restarted/reloaded, enabled) with the host's service manager (systemd here).",
  // systemd's own arguments pass through to it, as Ansible's service hands them to its systemd module
  args: {
    ...unitArgs,
    sleep: astr(),
    pattern: astr(),
    runlevel: astr(),
    arguments: astr(),
    use: astr().default('auto'),
  },
  argAliases: { args: 'arguments', 'daemon-reload': 'daemon_reload', 'daemon-reexec': 'daemon_reexec' },
  required: ['name'],
  requiredOneOf: [['state', 'enabled']],
  returns: {
    name: 'the service name',
    state: 'started or stopped',
    enabled: 'whether enabled',
    status: "on systemd hosts, the unit's properties",
  },
  example: '- service: name=haproxy state=restarted enabled=yes',
  async plan(args, host, facts) {
    let mgr = args.use;
    if (mgr === 'auto') mgr = String((await facts.facts()).ansible_service_mgr ?? 'unknown');
    if (mgr !== 'systemd') throw taskFailed(`service: service manager '${mgr}' is not supported (only systemd)`);
    for (const k of ['pattern', 'arguments', 'runlevel'] as const)
      if (args[k] !== undefined) throw taskFailed(`service: '${k}' is not supported with systemd`);
    return planUnit(args, host, facts, 'service');
  },
});

export const modules: ModuleSpec[] = [systemd_service, service, service_facts];

/** systemd does not flag NeedDaemonReload for a drop-in folder made after it loaded the unit: compare the
 * drop-ins it loaded with the ones on disk. */
async function dropInsDiffer(facts: FactReader, unit: string, loaded: string | undefined): Promise<boolean> {
  const dirs = [
    '/etc/systemd/system',
    '/run/systemd/system',
    '/usr/local/lib/systemd/system',
    '/usr/lib/systemd/system',
    '/lib/systemd/system',
  ].map((d) => `${d}/${unit}.d`);
  const r = await facts.probe(['find', ...dirs, '-maxdepth', '1', '-name', '*.conf']);
  const onDisk = new Set(
    r.stdout
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
  );
  // only the unit's own <unit>.d folders (DropInPaths also lists shared ones such as service.d/)
  const have = new Set((loaded ?? '').split(/\s+/).filter((p) => p.startsWith('/') && p.includes(`/${unit}.d/`)));
  const canon = (p: string) => p.replace(/^\/lib\//, '/usr/lib/');
  const a = new Set([...onDisk].map(canon));
  const b = new Set([...have].map(canon));
  return a.size !== b.size || [...a].some((p) => !b.has(p));
}
