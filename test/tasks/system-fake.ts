// A FakeHost with the live state the kernel/system/users modules read: sysctls, kernel modules, mounts,
// swap, SELinux, the running host name, users and groups. Their probes are answered from that state and
// the commands the modules plan (sysctl -w, modprobe, mount, useradd ...) change it, so a test can apply a
// plan and plan again. The live state is part of the snapshot, so "planning changed nothing" covers it.
import type { ProbeResult, Vars } from '../../src/tasks/contract.js';
import { modstateArgv } from '../../src/tasks/kernel/modprobe.js';
import { FakeHost, type FakeSpec } from '../support/fake-host.js';

export interface Passwd {
  uid: number;
  gid: number;
  comment: string;
  home: string;
  shell: string;
  hash: string;
  /** shadow's password ages and account expiry (days), '' when not set */
  min?: string;
  max?: string;
  expire?: string;
}

export class SysHost extends FakeHost {
  factsVars: Vars = { ansible_os_family: 'Debian', ansible_service_mgr: 'systemd', ansible_kernel: '6.1.0' };
  sysctls = new Map<string, string>();
  /** Keys whose /proc/sys file is writable; undefined = all. */
  writable: Set<string> | undefined;
  loaded = new Set<string>();
  builtin = new Set<string>();
  mounts = new Map<string, { source: string; fstype: string; options: string }>();
  swaps: string[] = [];
  enforce: '0' | '1' | undefined;
  hostname = 'node1';
  users = new Map<string, Passwd>();
  groups = new Map<string, { gid: number; members: string[] }>();
  probes: string[] = [];

  constructor(init: Record<string, FakeSpec> = {}) {
    super(init);
    this.groups.set('root', { gid: 0, members: [] });
    this.users.set('root', { uid: 0, gid: 0, comment: 'root', home: '/root', shell: '/bin/bash', hash: '*' });
    this.onExec = (argv) => this.run(argv);
  }

  override snapshot(): string {
    const live = {
      sysctls: [...this.sysctls],
      loaded: [...this.loaded],
      mounts: [...this.mounts],
      swaps: this.swaps,
      enforce: this.enforce,
      hostname: this.hostname,
      users: [...this.users],
      groups: [...this.groups],
    };
    return super.snapshot() + JSON.stringify(live);
  }

  override async facts(): Promise<Vars> {
    return { ...(await super.facts()), ...this.factsVars };
  }

  override async probe(argv: string[]): Promise<ProbeResult> {
    this.probes.push(argv.join(' '));
    const ok = (stdout: string): ProbeResult => ({ rc: 0, stdout, stderr: '' });
    const bad = (rc: number, stderr: string): ProbeResult => ({ rc, stdout: '', stderr });
    const line = argv.join(' ');
    if (argv[0] === 'sysctl' && argv[1] === '-n') {
      const v = this.sysctls.get(argv[2]!);
      return v === undefined
        ? bad(255, `sysctl: cannot stat /proc/sys/${argv[2]!.replace(/\./g, '/')}: No such file or directory`)
        : ok(`${v}\n`);
    }
    if (argv[0] === 'test' && argv[1] === '-w') {
      const k = argv[2]!.replace(/^\/proc\/sys\//, '').replace(/\//g, '.');
      return this.sysctls.has(k) && (!this.writable || this.writable.has(k)) ? ok('') : bad(1, '');
    }
    if (argv[0] === 'sh' && argv[2] === modstateArgv('x')[2]) {
      const n = argv[4]!.replace(/-/g, '_');
      return ok(this.loaded.has(n) ? 'loaded\n' : this.builtin.has(n) ? 'builtin\n' : 'absent\n');
    }
    if (argv[0] === 'findmnt') {
      const m = this.mounts.get(argv.at(-1)!);
      return m ? ok(`${m.source} ${m.fstype} ${m.options}\n`) : bad(1, '');
    }
    if (line === 'cat /proc/swaps')
      return ok(`Filename\tType\tSize\tUsed\tPriority\n${this.swaps.map((s) => `${s}\tfile\t1024\t0\t-2\n`).join('')}`);
    if (line === 'cat /sys/fs/selinux/enforce')
      return this.enforce === undefined
        ? bad(1, 'cat: /sys/fs/selinux/enforce: No such file or directory')
        : ok(`${this.enforce}\n`);
    if (line === 'hostname') return ok(`${this.hostname}\n`);
    if (argv[0] === 'getent') {
      const [, db, name] = argv;
      if (db === 'passwd') {
        const u = this.users.get(name!);
        return u ? ok(`${name}:x:${u.uid}:${u.gid}:${u.comment}:${u.home}:${u.shell}\n`) : bad(2, '');
      }
      if (db === 'shadow') {
        const u = this.users.get(name!);
        const f = u && [u.hash, '19000', u.min ?? '0', u.max ?? '99999', '7', '', u.expire ?? '', ''];
        return u ? ok(`${name}:${f!.join(':')}\n`) : bad(2, '');
      }
      if (db === 'group') {
        const fmt = (n: string, g: { gid: number; members: string[] }) => `${n}:x:${g.gid}:${g.members.join(',')}\n`;
        if (name === undefined) return ok([...this.groups].map(([n, g]) => fmt(n, g)).join(''));
        const g = this.groups.get(name);
        return g ? ok(fmt(name, g)) : bad(2, '');
      }
    }
    return super.probe(argv);
  }

  private gid(g: string): number {
    if (/^\d+$/.test(g)) return Number(g);
    const e = this.groups.get(g);
    if (!e) throw new Error(`fake: no group ${g}`);
    return e.gid;
  }

  private setGroups(name: string, list: string[], append: boolean): void {
    for (const [g, e] of this.groups) {
      const want = list.includes(g);
      if (want && !e.members.includes(name)) e.members.push(name);
      if (!want && !append) e.members = e.members.filter((m) => m !== name);
    }
  }

  /** What the planned commands do to the live state. */
  private run(argv: string[]): void {
    const [cmd, ...a] = argv;
    const opt = (f: string) => (a.includes(f) ? a[a.indexOf(f) + 1] : undefined);
    const last = a.at(-1)!;
    switch (cmd) {
      case 'sysctl': {
        const [k, v] = a[1]!.split('=') as [string, string];
        if (this.writable && !this.writable.has(k)) throw new Error(`sysctl: permission denied on key "${k}"`);
        this.sysctls.set(k, v);
        return;
      }
      case 'modprobe':
        if (a[0] === '-r') this.loaded.delete(a[1]!);
        else this.loaded.add(a[0]!);
        return;
      case 'mount':
        if (a[0] === '-o' && a[1]!.startsWith('remount')) {
          this.mounts.get(last)!.options = a[1]!.replace(/^remount,?/, '');
          return;
        }
        if (this.mounts.has(last)) throw new Error(`fake: ${last} already mounted`);
        this.mounts.set(last, { source: a.at(-2)!, fstype: opt('-t')!, options: opt('-o')! });
        return;
      case 'umount':
        if (!this.mounts.delete(last)) throw new Error(`fake: ${last} not mounted`);
        return;
      case 'rmdir':
        this.files.delete(last);
        return;
      case 'swapon':
        this.swaps.push(last);
        return;
      case 'swapoff':
        this.swaps = last === '-a' ? [] : this.swaps.filter((s) => s !== last);
        return;
      case 'setenforce':
        this.enforce = a[0] as '0' | '1';
        return;
      case 'hostname':
        this.hostname = a[0]!;
        return;
      case 'groupadd': {
        const used = [...this.groups.values()].map((g) => g.gid);
        this.groups.set(last, {
          gid: opt('-g') !== undefined ? Number(opt('-g')) : Math.max(999, ...used.filter((x) => x < 60000)) + 1,
          members: [],
        });
        return;
      }
      case 'groupmod':
        this.groups.get(last)!.gid = Number(opt('-g'));
        return;
      case 'groupdel':
        this.groups.delete(last);
        return;
      case 'useradd': {
        const used = [...this.users.values()].map((u) => u.uid);
        const uid = opt('-u') !== undefined ? Number(opt('-u')) : Math.max(999, ...used.filter((x) => x < 60000)) + 1;
        let gid: number;
        if (opt('-g') !== undefined) gid = this.gid(opt('-g')!);
        else {
          gid = uid;
          this.groups.set(last, { gid, members: [] });
        }
        const home = opt('-d') ?? `/home/${last}`;
        const shell = opt('-s') ?? '/bin/sh';
        this.users.set(last, { uid, gid, comment: opt('-c') ?? '', home, shell, hash: '!', expire: opt('-e') ?? '' });
        if (opt('-G')) this.setGroups(last, opt('-G')!.split(','), false);
        if (a.includes('-m')) this.files.set(home, { ...this.nodeAt('/')!, ino: 9999 });
        return;
      }
      case 'usermod': {
        const u = this.users.get(last)!;
        if (opt('-u') !== undefined) u.uid = Number(opt('-u'));
        if (opt('-g') !== undefined) u.gid = this.gid(opt('-g')!);
        if (opt('-c') !== undefined) u.comment = opt('-c')!;
        if (opt('-d') !== undefined) u.home = opt('-d')!;
        if (opt('-s') !== undefined) u.shell = opt('-s')!;
        if (opt('-G') !== undefined) this.setGroups(last, opt('-G')!.split(',').filter(Boolean), a.includes('-a'));
        if (opt('-e') !== undefined) u.expire = opt('-e')!;
        if (a.includes('-L')) u.hash = `!${u.hash}`;
        if (a.includes('-U')) u.hash = u.hash.replace(/^!/, '');
        return;
      }
      case 'chage': {
        const u = this.users.get(last)!;
        if (opt('-m') !== undefined) u.min = opt('-m')!;
        if (opt('-M') !== undefined) u.max = opt('-M')!;
        return;
      }
      case 'sh': // user-home.ts's mkhome and user-ssh.ts's ssh_key: $1 is the path they make
        if (a[2] === 'mkhome') this.files.set(a[3]!, { ...this.nodeAt('/')!, ino: 9998 });
        else if (a[2] === 'ssh_key') this.files.set(a[3]!, { ...this.nodeAt('/home/.keep')!, ino: 9997 });
        else throw new Error(`fake: script not emulated: ${a[2]}`);
        return;
      case 'userdel':
        this.users.delete(last);
        for (const g of this.groups.values()) g.members = g.members.filter((m) => m !== last);
        return;
      case 'chpasswd': {
        const act = this.ran.at(-1)!;
        const [name, hash] = ('stdin' in act ? act.stdin! : '').replace(/\n$/, '').split(':') as [string, string];
        this.users.get(name)!.hash = hash;
        return;
      }
      default:
        throw new Error(`fake: command not emulated: ${argv.join(' ')}`);
    }
  }
}
