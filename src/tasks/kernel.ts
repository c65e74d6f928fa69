// Module family "kernel": sysctl, modprobe, mount, swap (kplay's own) and selinux. Each reads the live state
// with read-only probes and the config files with `read`, and plans file edits plus the live command.
//
// sysctl (Ansible's args and defaults: sysctl_file=/etc/sysctl.conf, reload=yes, sysctl_set=no):
// - The file's value (the last `name = value` line wins, comments and `;` lines ignored) is compared with
//   `value` after normalising (booleans → 1/0, whitespace runs → one space). A changed key is written as
//   `name=value` in place of its first line; duplicates of that key are dropped; other lines are left as
//   they are (Ansible rewrites every key line as `k=v`; kplay only touches the key it manages).
// - The live value (`sysctl -n name`) is compared when sysctl_set=yes, and set with `sysctl -w name=value`
//   when it differs. With reload=yes and the file changing, the live value is set the same way.
//   Difference: Ansible's reload runs `sysctl -p <file>` (every key in the file, so one read-only key fails
//   the task); kplay sets this key only. The live value is set before the file is written, so a failure
//   leaves the file untouched and the next run fails the same way.
// - A key whose /proc/sys file is not writable (containers: only net.* are) fails the plan with the key and
//   the reason. `ignoreerrors: yes` (Ansible: ignore unknown keys) makes such keys, and unknown keys, ok:
//   the file is still managed, the live value is left alone, `msg` says so, and the task does not fail.
// - state=absent removes the key's lines from the file; the live value is not reset (as in Ansible).
//
// modprobe: loaded = listed in /proc/modules, or /sys/module/<name>/initstate, or built in (modules.builtin,
// or /sys/module/<name> without initstate). A built-in module counts as loaded (this kernel may have no
// loadable modules at all) and cannot be unloaded (state=absent then fails). persistent=present writes
// /etc/modules-load.d/<name>.conf (and /etc/modprobe.d/<name>.conf `options name params` when params are
// given); persistent=absent removes both files; disabled (the default) leaves them alone.
//
// mount (ansible.posix.mount): states mounted, present, unmounted, absent, absent_from_fstab, ephemeral.
// fstab lines are written `src path fstype opts dump passno` (spaces in fields as \040). mounted creates
// the mount point, writes fstab and mounts (`mount -t fstype -o opts src path`); when the fstab entry of a
// mounted path changes it remounts (`mount -o remount path`), or unmounts and mounts when the fstype
// differs. absent unmounts, removes the entry and the (empty) mount point directory. fstype=swap: the
// entry is matched by src (swap lines all have path none/swap), mounted/unmounted mean swapon/swapoff
// (live state from /proc/swaps). Not supported: state=remounted (it never converges; kplay proves every
// apply converges), so it fails with a hint.
//
// swap (kplay's own, for kubeasz's "swapoff -a && sed -i '/swap/d' /etc/fstab"): state=absent runs
// `swapoff -a` when /proc/swaps lists any swap, and comments out (`#`) every active swap line of fstab, so
// it stays off after a reboot. Converges: no active swap and no uncommented swap line → ok.
//
// selinux: state enforcing/permissive/disabled, policy, configfile=/etc/selinux/config. SELinux is absent
// when neither /sys/fs/selinux/enforce nor the config file exists (a Debian host): the task is ok with a
// msg, nothing planned. Otherwise SELINUX= (and SELINUXTYPE= when a policy is given) are set in the config,
// and the live mode with `setenforce` when the kernel runs SELinux; `reboot_required` tells when the
// change only takes effect at boot (enabling a disabled SELinux, or disabling it).
import { posix } from 'node:path';
import type { Action, Change, FactReader, Plan, Vars } from './contract.js';
import { backupAction, backupName, taskFailed } from './fsattrs.js';
import { splitLines } from './lineinfile.js';
import { abool, astr, choice, defineTask, type ModuleSpec } from './schema.js';

const probeKey = (argv: string[]) => `probe:${argv.join(' ')}`;


/** A file's text, '' when missing (with whether it exists). */
async function readText(facts: FactReader, path: string): Promise<{ exists: boolean; text: string }> {
  const b = await facts.read(path);
  return { exists: b !== undefined, text: b === undefined ? '' : b.toString('utf8') };
}

async function needDir(facts: FactReader, path: string): Promise<void> {
  const dir = posix.dirname(path);
  const st = await facts.stat(dir, { follow: true });
  if (!st.exists || !st.isdir) throw taskFailed(`Destination directory ${dir} does not exist`);
}

// ---------------------------------------------------------------- sysctl

const TRUE = new Set(['yes', 'on', '1', 'true', 'y', 't']);
const FALSE = new Set(['no', 'off', '0', 'false', 'n', 'f']);

/** Ansible's value parsing: booleans (and yes/no words) as 1/0, strings stripped. */
export function sysctlValue(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'boolean') return v ? '1' : '0';
  const s = String(v).trim();
  if (TRUE.has(s.toLowerCase())) return '1';
  if (FALSE.has(s.toLowerCase())) return '0';
  return s;
}

export const sameSysctl = (a: string, b: string) => a.split(/\s+/).filter(Boolean).join(' ') === b.split(/\s+/).filter(Boolean).join(' ');

/** `a/b/c` and `a.b.c` name the same key. */
const keyOf = (k: string) => k.trim().replace(/\//g, '.');

interface SysctlLine {
  idx: number;
  key: string;
  value: string;
}

export function sysctlLines(lines: string[]): SysctlLine[] {
  const out: SysctlLine[] = [];
  lines.forEach((l, idx) => {
    const t = l.trim();
    if (!t || t.startsWith('#') || t.startsWith(';') || !t.includes('=')) return;
    const eq = t.indexOf('=');
    out.push({ idx, key: keyOf(t.slice(0, eq).replace(/^-/, '')), value: t.slice(eq + 1).trim() });
  });
  return out;
}

export const sysctl = defineTask({
  name: 'sysctl',
  description: 'Set a kernel parameter in a sysctl file and (reload / sysctl_set) on the running kernel.',
  args: {
    name: astr(), value: astr(), state: choice(['present', 'absent']).default('present'), sysctl_file: astr().default('/etc/sysctl.conf'),
    reload: abool().default(true), sysctl_set: abool().default(false), ignoreerrors: abool().default(false),
  },
  argAliases: { key: 'name', val: 'value' },
  required: ['name'],
  requiredIf: [['state', 'present', ['value']]],
  returns: { name: 'the key', value: 'the value asked for', sysctl_file: 'the file', msg: 'why the live value was left alone (ignoreerrors)' },
  example: '- sysctl: name=net.ipv4.ip_forward value=1 sysctl_file=/etc/sysctl.d/95-k8s-sysctl.conf sysctl_set=yes',
  async plan(args, _host, facts): Promise<Plan> {
    const name = keyOf(args.name!);
    if (!name || /\s/.test(name)) throw taskFailed(`sysctl: bad key name "${args.name}"`);
    const value = sysctlValue(args.value);
    const file = args.sysctl_file;
    const result: Vars = { name, sysctl_file: file };
    if (args.state === 'present') result.value = value;
    const { exists, text } = await readText(facts, file);
    const lines = splitLines(text);
    const mine = sysctlLines(lines).filter((l) => l.key === name);
    const current = mine.at(-1)?.value;
    let after: string | undefined;
    if (args.state === 'absent') {
      if (mine.length) after = lines.filter((_, i) => !mine.some((m) => m.idx === i)).join('');
    } else if (current === undefined || !sameSysctl(current, value)) {
      const next = [...lines];
      const line = `${name}=${value}\n`;
      if (mine.length) {
        next[mine[0]!.idx] = line;
        for (const m of mine.slice(1).reverse()) next.splice(m.idx, 1);
      } else {
        if (next.length && !next.at(-1)!.endsWith('\n')) next[next.length - 1] += '\n';
        next.push(line);
      }
      after = next.join('');
    }
    const actions: Action[] = [];
    const parts: string[] = [];
    const liveArgv = ['sysctl', '-n', name];
    const touches = [`file:${file}`];
    if (args.state === 'present' && (args.sysctl_set || (args.reload && after !== undefined))) {
      const live = await facts.probe(liveArgv);
      const procPath = `/proc/sys/${name.replace(/\./g, '/')}`;
      const skip = (why: string) => {
        result.msg = `${name}: live value not set (ignoreerrors): ${why}`;
      };
      if (live.rc !== 0) {
        const why = (live.stderr.trim() || `no such key (${procPath})`).replace(/^sysctl: /, '');
        if (!args.ignoreerrors) throw taskFailed(`sysctl: cannot read ${name} on this host: ${why}`);
        skip(why);
      } else if (!sameSysctl(live.stdout, value)) {
        const w = await facts.probe(['test', '-w', procPath]);
        if (w.rc !== 0) {
          const why = `${procPath} is not writable here (permission denied / read-only); the live value is ${live.stdout.trim() || '""'}`;
          if (!args.ignoreerrors) throw taskFailed(`sysctl: cannot set ${name}=${value} on the running kernel: ${why}. Use ignoreerrors: yes to manage only the file.`);
          skip(why);
        } else {
          actions.push({ exec: ['sysctl', '-w', `${name}=${value}`] });
          parts.push(`live ${live.stdout.trim()} → ${value}`);
          touches.push(probeKey(liveArgv));
        }
      }
    }
    if (after !== undefined) {
      if (!exists) await needDir(facts, file);
      actions.push({ put: file, content: Buffer.from(after) });
      parts.push(args.state === 'absent' ? `remove from ${file}` : `${file}: ${current ?? '(unset)'} → ${value}`);
    }
    if (!actions.length) return { changes: [], result };
    return { changes: [{ summary: `sysctl: ${name}: ${parts.join(', ')}`, diff: after === undefined ? undefined : { path: file, before: text, after }, actions, touches }], result };
  },
});

// ---------------------------------------------------------------- modprobe

/** Prints loaded, builtin or absent for a module name (- and _ are the same, as for the kernel). */
const MODSTATE = [
  'n=$(printf %s "$1" | tr - _)',
  'if [ -r /proc/modules ] && cut -d" " -f1 /proc/modules | grep -qx -- "$n"; then echo loaded; exit 0; fi',
  'if [ -e "/sys/module/$n/initstate" ]; then echo loaded; exit 0; fi',
  'f=/lib/modules/$(uname -r)/modules.builtin',
  'if [ -r "$f" ] && sed "s|.*/||; s|\\.ko.*\\$||" "$f" | tr - _ | grep -qx -- "$n"; then echo builtin; exit 0; fi',
  'if [ -d "/sys/module/$n" ]; then echo builtin; exit 0; fi',
  'echo absent',
].join('\n');

export const modstateArgv = (name: string) => ['sh', '-c', MODSTATE, 'sh', name];

export const modprobe = defineTask({
  name: 'modprobe',
  description: 'Load or unload a kernel module, and optionally make it load at boot (modules-load.d).',
  args: { name: astr(), state: choice(['present', 'absent']).default('present'), params: astr().default(''), persistent: choice(['disabled', 'absent', 'present']).default('disabled') },
  required: ['name'],
  returns: { name: 'module name', params: 'module parameters', state: 'state asked for', builtin: 'true when the module is built into the kernel' },
  example: '- modprobe: name=br_netfilter state=present persistent=present',
  async plan(args, _host, facts): Promise<Plan> {
    const name = args.name!.trim();
    if (!/^[A-Za-z0-9_-]+$/.test(name)) throw taskFailed(`modprobe: bad module name "${args.name}"`);
    const params = args.params.trim();
    const argv = modstateArgv(name);
    const r = await facts.probe(argv);
    const live = r.stdout.trim();
    if (r.rc !== 0 || !['loaded', 'builtin', 'absent'].includes(live)) throw taskFailed(`modprobe: cannot tell whether ${name} is loaded: ${r.stderr.trim()}`);
    const result: Vars = { name, params, state: args.state, builtin: live === 'builtin' };
    const changes: Change[] = [];
    const liveTouches = [probeKey(argv), `module:${name}`];
    if (args.state === 'present' && live === 'absent') {
      changes.push({ summary: `modprobe: load ${name}${params ? ` ${params}` : ''}`, actions: [{ exec: ['modprobe', name, ...(params ? params.split(/\s+/) : [])] }], touches: liveTouches });
    } else if (args.state === 'absent' && live !== 'absent') {
      if (live === 'builtin') throw taskFailed(`modprobe: ${name} is built into the kernel and cannot be unloaded`);
      changes.push({ summary: `modprobe: unload ${name}`, actions: [{ exec: ['modprobe', '-r', name] }], touches: liveTouches });
    }
    const files: [string, string | undefined][] = [
      [`/etc/modules-load.d/${name}.conf`, args.persistent === 'present' ? `${name}\n` : undefined],
      [`/etc/modprobe.d/${name}.conf`, args.persistent === 'present' && params ? `options ${name} ${params}\n` : undefined],
    ];
    if (args.persistent !== 'disabled') {
      for (const [path, want] of files) {
        const cur = await readText(facts, path);
        if (want !== undefined && cur.text !== want) {
          if (!cur.exists) await needDir(facts, path);
          changes.push({ summary: `modprobe: ${cur.exists ? 'update' : 'create'} ${path}`, diff: { path, before: cur.text, after: want }, actions: [{ put: path, content: Buffer.from(want), mode: cur.exists ? undefined : '0644' }], touches: [`file:${path}`] });
        } else if (want === undefined && args.persistent === 'absent' && cur.exists) {
          changes.push({ summary: `modprobe: remove ${path}`, diff: { path, before: cur.text, after: '' }, actions: [{ remove: path }], touches: [`file:${path}`] });
        }
      }
    }
    return { changes, result };
  },
});

// ---------------------------------------------------------------- fstab helpers

export interface FstabEntry {
  idx: number;
  src: string;
  path: string;
  fstype: string;
  opts: string;
  dump: string;
  passno: string;
}

const unescapeFstab = (s: string) => s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
const escapeFstab = (s: string) => s.replace(/[ \t\n\\]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);

export function fstabEntries(lines: string[]): FstabEntry[] {
  const out: FstabEntry[] = [];
  lines.forEach((l, idx) => {
    const t = l.trim();
    if (!t || t.startsWith('#')) return;
    const f = t.split(/\s+/);
    if (f.length < 3) return;
    out.push({ idx, src: unescapeFstab(f[0]!), path: unescapeFstab(f[1]!), fstype: f[2]!, opts: f[3] ?? 'defaults', dump: f[4] ?? '0', passno: f[5] ?? '0' });
  });
  return out;
}

export function fstabLine(e: Omit<FstabEntry, 'idx'>): string {
  return `${escapeFstab(e.src)} ${escapeFstab(e.path)} ${e.fstype} ${e.opts} ${e.dump} ${e.passno}\n`;
}

const SWAPS = ['cat', '/proc/swaps'];

/** Active swap areas (their file names) from /proc/swaps. */
async function activeSwaps(facts: FactReader): Promise<string[]> {
  const r = await facts.probe(SWAPS);
  if (r.rc !== 0) return [];
  return r.stdout.split('\n').slice(1).map((l) => l.trim().split(/\s+/)[0] ?? '').filter(Boolean).map(unescapeFstab);
}

// ---------------------------------------------------------------- mount

interface Mounted {
  source: string;
  fstype: string;
  options: string;
}

async function mountedAt(facts: FactReader, path: string): Promise<Mounted | undefined> {
  const r = await facts.probe(['findmnt', '-rn', '-o', 'SOURCE,FSTYPE,OPTIONS', '--mountpoint', path]);
  if (r.rc !== 0 || !r.stdout.trim()) return undefined;
  const last = r.stdout.trim().split('\n').at(-1)!.split(' ');
  return { source: unescapeFstab(last[0] ?? '').replace(/\\x20/g, ' '), fstype: last[1] ?? '', options: last[2] ?? '' };
}

export const mount = defineTask({
  name: 'mount',
  description: 'Mount a filesystem and/or manage its /etc/fstab entry (swap lines too).',
  args: {
    path: astr(), src: astr(), fstype: astr(), opts: astr(), dump: astr().default('0'), passno: astr().default('0'),
    state: choice(['mounted', 'present', 'unmounted', 'absent', 'remounted', 'absent_from_fstab', 'ephemeral']),
    fstab: astr().default('/etc/fstab'), boot: abool().default(true), backup: abool().default(false),
  },
  argAliases: { name: 'path', dest: 'path' },
  required: ['path', 'state'],
  requiredIf: [['state', 'mounted', ['src', 'fstype']], ['state', 'present', ['src', 'fstype']], ['state', 'ephemeral', ['src', 'fstype']]],
  returns: { name: 'the mount point', src: 'the device', fstype: 'the filesystem type', opts: 'mount options', fstab: 'the fstab file', dump: 'dump field', passno: 'passno field' },
  example: '- mount: path=/var/lib/kubelet src=/dev/sdb1 fstype=xfs opts=noatime state=mounted',
  async plan(args, _host, facts): Promise<Plan> {
    const state = args.state!;
    if (state === 'remounted') throw taskFailed('mount: state=remounted is not supported (it changes on every run, and kplay proves every apply converges); use `command: mount -o remount <path>`');
    const swap = args.fstype === 'swap';
    const path = swap ? args.path! : args.path!.length > 1 ? args.path!.replace(/\/+$/, '') : args.path!;
    let opts = args.opts ?? 'defaults';
    if (!args.boot && !opts.split(',').includes('noauto')) opts = opts === 'defaults' ? 'noauto' : `${opts},noauto`;
    const want = { src: args.src ?? '', path, fstype: args.fstype ?? '', opts, dump: args.dump, passno: args.passno };
    const result: Vars = { name: path, src: args.src, fstype: args.fstype, opts, dump: args.dump, passno: args.passno, fstab: args.fstab };
    const changes: Change[] = [];
    const fstabTouches = [`file:${args.fstab}`];

    // fstab
    if (state !== 'unmounted' && state !== 'ephemeral') {
      const { exists, text } = await readText(facts, args.fstab);
      const lines = splitLines(text);
      const match = (e: FstabEntry) => (swap ? e.fstype === 'swap' && e.src === want.src : e.path === path);
      const mine = fstabEntries(lines).filter(match);
      let after: string | undefined;
      if (state === 'absent' || state === 'absent_from_fstab') {
        if (mine.length) after = lines.filter((_, i) => !mine.some((m) => m.idx === i)).join('');
      } else {
        const line = fstabLine(want);
        const first = mine[0];
        const same = first && mine.length === 1 && first.src === want.src && first.fstype === want.fstype && first.opts === want.opts && first.dump === want.dump && first.passno === want.passno;
        if (!same) {
          const next = [...lines];
          if (first) {
            next[first.idx] = line;
            for (const m of mine.slice(1).reverse()) next.splice(m.idx, 1);
          } else {
            if (next.length && !next.at(-1)!.endsWith('\n')) next[next.length - 1] += '\n';
            next.push(line);
          }
          after = next.join('');
        }
      }
      if (after !== undefined) {
        if (!exists) await needDir(facts, args.fstab);
        const actions: Action[] = [];
        if (args.backup && exists) {
          result.backup_file = backupName(args.fstab);
          actions.push(backupAction(args.fstab, result.backup_file as string));
        }
        actions.push({ put: args.fstab, content: Buffer.from(after), mode: exists ? undefined : '0644' });
        changes.push({ summary: `mount: ${args.fstab}: ${state === 'absent' || state === 'absent_from_fstab' ? 'remove' : mine.length ? 'update' : 'add'} the entry for ${swap ? want.src : path}`, diff: { path: args.fstab, before: text, after }, actions, touches: fstabTouches });
      }
    }
    const fstabChanged = changes.length > 0;
    if (state === 'present' || state === 'absent_from_fstab') return { changes, result };

    // live state
    if (swap) {
      const active = (await activeSwaps(facts)).includes(want.src);
      const touches = [probeKey(SWAPS)];
      if (state === 'mounted' && !active) changes.push({ summary: `mount: swapon ${want.src}`, actions: [{ exec: ['swapon', '--', want.src] }], touches });
      if ((state === 'unmounted' || state === 'absent') && active) changes.push({ summary: `mount: swapoff ${want.src}`, actions: [{ exec: ['swapoff', '--', want.src] }], touches });
      if (state === 'ephemeral' && !active) changes.push({ summary: `mount: swapon ${want.src}`, actions: [{ exec: ['swapon', '--', want.src] }], touches });
      return { changes, result };
    }
    const cur = await mountedAt(facts, path);
    const liveTouches = [`mount:${path}`, probeKey(['findmnt', '-rn', '-o', 'SOURCE,FSTYPE,OPTIONS', '--mountpoint', path])];
    const mountCmd: Action = { exec: ['mount', '-t', want.fstype, '-o', opts, '--', want.src, path] };
    if (state === 'mounted' || state === 'ephemeral') {
      const st = await facts.stat(path, { follow: true });
      if (st.exists && !st.isdir && !opts.split(',').includes('bind')) throw taskFailed(`mount: ${path} exists and is not a directory`);
      if (!cur) {
        const actions: Action[] = st.exists ? [] : [{ exec: ['mkdir', '-p', '--', path] }];
        changes.push({ summary: `mount: mount ${want.src} on ${path}`, actions: [...actions, mountCmd], touches: [...liveTouches, `file:${path}`] });
      } else if (state === 'ephemeral') {
        const bind = opts.split(',').includes('bind') || want.fstype === 'none';
        if (!bind && cur.fstype !== want.fstype) throw taskFailed(`mount: ${path} is already mounted with fstype ${cur.fstype}, not ${want.fstype}`);
      } else if (fstabChanged) {
        const bind = opts.split(',').includes('bind') || want.fstype === 'none';
        const actions: Action[] = !bind && cur.fstype !== want.fstype ? [{ exec: ['umount', '--', path] }, mountCmd] : [{ exec: ['mount', '-o', `remount,${opts}`, '--', path] }];
        changes.push({ summary: `mount: remount ${path}`, actions, touches: liveTouches });
      }
    } else if (state === 'unmounted' || state === 'absent') {
      if (cur) changes.push({ summary: `mount: unmount ${path}`, actions: [{ exec: ['umount', '--', path] }], touches: liveTouches });
      if (state === 'absent') {
        const st = await facts.stat(path, { follow: false });
        if (st.exists && st.isdir) changes.push({ summary: `mount: remove the mount point ${path}`, actions: [{ exec: ['rmdir', '--', path] }], touches: [`file:${path}`] });
      }
    }
    return { changes, result };
  },
});

// ---------------------------------------------------------------- swap (kplay)

export const swap = defineTask({
  name: 'swap',
  description: 'kplay: turn swap off now (swapoff -a) and for good (swap lines in fstab commented out).',
  args: { state: choice(['absent']).default('absent'), fstab: astr().default('/etc/fstab') },
  returns: { swaps: 'the swap areas that were active', lines: 'the fstab lines commented out' },
  example: '- swap: state=absent',
  async plan(args, _host, facts): Promise<Plan> {
    const active = await activeSwaps(facts);
    const changes: Change[] = [];
    if (active.length) changes.push({ summary: `swap: swapoff -a (${active.join(', ')})`, actions: [{ exec: ['swapoff', '-a'] }], touches: [probeKey(SWAPS)] });
    const { exists, text } = await readText(facts, args.fstab);
    const lines = splitLines(text);
    const swaps = fstabEntries(lines).filter((e) => e.fstype === 'swap');
    if (exists && swaps.length) {
      const next = [...lines];
      for (const s of swaps) next[s.idx] = `#${next[s.idx]}`;
      const after = next.join('');
      changes.push({ summary: `swap: comment out ${swaps.length} swap line(s) in ${args.fstab}`, diff: { path: args.fstab, before: text, after }, actions: [{ put: args.fstab, content: Buffer.from(after) }], touches: [`file:${args.fstab}`] });
    }
    return { changes, result: { swaps: active, lines: swaps.map((s) => lines[s.idx]!.replace(/\n$/, '')) } };
  },
});

// ---------------------------------------------------------------- selinux

export const selinux = defineTask({
  name: 'selinux',
  description: 'Set the SELinux mode and policy (config file and, when running, setenforce).',
  args: { state: choice(['enforcing', 'permissive', 'disabled']), policy: astr(), configfile: astr().default('/etc/selinux/config'), update_kernel_param: abool().default(false) },
  argAliases: { conf: 'configfile', file: 'configfile' },
  required: ['state'],
  returns: { msg: 'what was done', state: 'the state asked for', policy: 'the policy', configfile: 'the config file', reboot_required: 'true when a reboot is needed for the change' },
  example: '- selinux: state=disabled',
  async plan(args, _host, facts): Promise<Plan> {
    if (args.update_kernel_param) throw taskFailed('selinux: update_kernel_param is not supported by kplay');
    const state = args.state!;
    const conf = await readText(facts, args.configfile);
    const enforce = await facts.probe(['cat', '/sys/fs/selinux/enforce']);
    const running = enforce.rc === 0 && /^[01]$/.test(enforce.stdout.trim());
    const result: Vars = { state, configfile: args.configfile, reboot_required: false };
    if (!running && !conf.exists) return { changes: [], result: { ...result, policy: args.policy, msg: 'SELinux is not present on this host (no /sys/fs/selinux/enforce, no config): nothing to do' } };
    const lines = splitLines(conf.text);
    const get = (k: string) => lines.map((l) => new RegExp(`^\\s*${k}\\s*=\\s*(\\S*)`).exec(l)?.[1]).filter((x) => x !== undefined).at(-1);
    const policy = args.policy ?? get('SELINUXTYPE');
    if (state !== 'disabled' && !policy) throw taskFailed("selinux: policy is required if state is not 'disabled'");
    result.policy = policy;
    const set = (k: string, v: string, ls: string[]) => {
      const i = ls.findIndex((l) => new RegExp(`^\\s*${k}\\s*=`).test(l));
      if (i < 0) ls.push(`${k}=${v}\n`);
      else ls[i] = `${k}=${v}\n`;
    };
    const next = [...lines];
    if (next.length && !next.at(-1)!.endsWith('\n')) next[next.length - 1] += '\n';
    set('SELINUX', state, next);
    if (policy && args.policy !== undefined) set('SELINUXTYPE', policy, next);
    const after = next.join('');
    const changes: Change[] = [];
    const msgs: string[] = [];
    const configured = get('SELINUX');
    if (after !== conf.text && (configured !== state || (args.policy !== undefined && get('SELINUXTYPE') !== policy))) {
      if (!conf.exists) await needDir(facts, args.configfile);
      changes.push({ summary: `selinux: ${args.configfile}: SELINUX=${state}${args.policy ? ` SELINUXTYPE=${policy}` : ''}`, diff: { path: args.configfile, before: conf.text, after }, actions: [{ put: args.configfile, content: Buffer.from(after) }], touches: [`file:${args.configfile}`] });
      msgs.push(`Config SELinux state changed from '${configured ?? ''}' to '${state}'`);
    }
    if (running) {
      const live = enforce.stdout.trim() === '1' ? 'enforcing' : 'permissive';
      const wantLive = state === 'disabled' ? 'permissive' : state;
      if (live !== wantLive) {
        changes.push({ summary: `selinux: setenforce ${wantLive === 'enforcing' ? 1 : 0}`, actions: [{ exec: ['setenforce', wantLive === 'enforcing' ? '1' : '0'] }], touches: [probeKey(['cat', '/sys/fs/selinux/enforce'])] });
        msgs.push(`Running SELinux state changed from '${live}' to '${wantLive}'`);
      }
      if (state === 'disabled') result.reboot_required = true;
    } else if (state !== 'disabled') result.reboot_required = true;
    if (!changes.length) result.reboot_required = false;
    result.msg = msgs.length ? msgs.join(', ') + (result.reboot_required ? ', a reboot is required' : '') : '';
    return { changes, result };
  },
});

export const modules: ModuleSpec[] = [sysctl, modprobe, mount, swap, selinux];
