// modprobe: loaded = listed in /proc/modules, or /sys/module/<name>/initstate, or built in (modules.builtin,
// or /sys/module/<name> without initstate). A built-in module counts as loaded (this kernel may have no
// loadable modules at all) and cannot be unloaded (state=absent then fails). persistent=present writes
// /etc/modules-load.d/<name>.conf (and /etc/modprobe.d/<name>.conf `options name params` when params are
// given); persistent=absent removes both files; disabled (the default) leaves them alone.
import { shellFunction } from '../../core/shell-functions.js';
import type { Change, Plan, Vars } from '../contract.js';
import { taskFailed } from '../lib/fsattrs.js';
import { astr, choice, defineTask } from '../lib/schema.js';
import { needDir, probeKey, readText } from './shared.js';

/** Prints loaded, builtin or absent for a module name (- and _ are the same, as for the kernel). */
const MODSTATE = shellFunction(
  [
    'n=$(printf %s "$1" | tr - _)',
    'if [ -r /proc/modules ] && cut -d" " -f1 /proc/modules | grep -qx -- "$n"; then echo loaded; exit 0; fi',
    'if [ -e "/sys/module/$n/initstate" ]; then echo loaded; exit 0; fi',
    'f=/lib/modules/$(uname -r)/modules.builtin',
    'if [ -r "$f" ] && sed "s|.*/||; s|\\.ko.*\\$||" "$f" | tr - _ | grep -qx -- "$n"; then echo builtin; exit 0; fi',
    'if [ -d "/sys/module/$n" ]; then echo builtin; exit 0; fi',
    'echo absent',
  ].join('\n'),
);

export const modstateArgv = (name: string) => ['sh', '-c', MODSTATE, 'sh', name];

export const modprobe = defineTask({
  name: 'modprobe',
  description: 'Load or unload a kernel module, and optionally make it load at boot (modules-load.d).',
  args: {
    name: astr(),
    state: choice(['present', 'absent']).default('present'),
    params: astr().default(''),
    persistent: choice(['disabled', 'absent', 'present']).default('disabled'),
  },
  required: ['name'],
  returns: {
    name: 'module name',
    params: 'module parameters',
    state: 'state asked for',
    builtin: 'true when the module is built into the kernel',
  },
  example: '- modprobe: name=br_netfilter state=present persistent=present',
  async plan(args, _host, facts): Promise<Plan> {
    const name = args.name!.trim();
    if (!/^[A-Za-z0-9_-]+$/.test(name)) throw taskFailed(`modprobe: bad module name "${args.name}"`);
    const params = args.params.trim();
    const argv = modstateArgv(name);
    const r = await facts.probe(argv);
    const live = r.stdout.trim();
    if (r.rc !== 0 || !['loaded', 'builtin', 'absent'].includes(live))
      throw taskFailed(`modprobe: cannot tell whether ${name} is loaded: ${r.stderr.trim()}`);
    const result: Vars = { name, params, state: args.state, builtin: live === 'builtin' };
    const changes: Change[] = [];
    const liveTouches = [probeKey(argv), `module:${name}`];
    if (args.state === 'present' && live === 'absent') {
      changes.push({
        summary: `modprobe: load ${name}${params ? ` ${params}` : ''}`,
        actions: [{ exec: ['modprobe', name, ...(params ? params.split(/\s+/) : [])] }],
        touches: liveTouches,
      });
    } else if (args.state === 'absent' && live !== 'absent') {
      if (live === 'builtin') throw taskFailed(`modprobe: ${name} is built into the kernel and cannot be unloaded`);
      changes.push({
        summary: `modprobe: unload ${name}`,
        actions: [{ exec: ['modprobe', '-r', name] }],
        touches: liveTouches,
      });
    }
    const files: [string, string | undefined][] = [
      [`/etc/modules-load.d/${name}.conf`, args.persistent === 'present' ? `${name}\n` : undefined],
      [
        `/etc/modprobe.d/${name}.conf`,
        args.persistent === 'present' && params ? `options ${name} ${params}\n` : undefined,
      ],
    ];
    if (args.persistent !== 'disabled') {
      for (const [path, want] of files) {
        const cur = await readText(facts, path);
        if (want !== undefined && cur.text !== want) {
          if (!cur.exists) await needDir(facts, path);
          changes.push({
            summary: `modprobe: ${cur.exists ? 'update' : 'create'} ${path}`,
            diff: { path, before: cur.text, after: want },
            actions: [{ put: path, content: Buffer.from(want), mode: cur.exists ? undefined : '0644' }],
            touches: [`file:${path}`],
          });
        } else if (want === undefined && args.persistent === 'absent' && cur.exists) {
          changes.push({
            summary: `modprobe: remove ${path}`,
            diff: { path, before: cur.text, after: '' },
            actions: [{ remove: path }],
            touches: [`file:${path}`],
          });
        }
      }
    }
    return { changes, result };
  },
});
