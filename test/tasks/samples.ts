// One sample per module of the registry, for test/tasks/registry.test.ts: arguments as a playbook would give
// them and the fake host they start from. Host modules are planned on the fake (planning must not change
// it), applied, and planned again (nothing left to do). Controller-only modules only need arguments (their
// arguments are checked before any connection, like every module's).
// A new module in src/tasks/index.ts needs a sample here: the registry test fails without one.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { Action, HostView, ProbeResult, Vars } from '../../src/tasks/contract.js';
import { armor } from '../../src/tasks/packages/apt-key.js';
import { makeCa, makeCert, newKey, parseCert } from '../../src/tasks/pki/x509.js';
import type { FakeHost, FakeSpec } from '../support/fake-host.js';
import { hostView } from '../support/plan-harness.js';
import { makeArchive } from '../support/archive.js';
import { SysHost } from './system-fake.js';
import { READ_SH } from '../../src/tasks/lib/async-job.js';
import { ociArchiveBytes } from '../support/oci-image.js';
import { FakeRegistry } from './registry-fake.js';

interface Unit {
  load: string;
  active: string;
  file: string;
  inv: number;
}

interface Pkg {
  version: string;
  status: string;
  sel: string;
}

/**
 * A fake Debian host knowing every probe the host modules make and what their commands do: SysHost's
 * kernel/users/system state, plus systemd units, dpkg/apt (and rpm/dnf), the transfer modules' member
 * stats, archive extraction and downloads. All live state (and the controller's files) is in the snapshot.
 */
export class SampleHost extends SysHost {
  units = new Map<string, Unit>();
  pkgs = new Map<string, Pkg>();
  available = new Map<string, string>();
  rpms = new Set<string>();
  pips = new Map<string, string>();
  served = new Map<string, Buffer>();
  private inv = 1;
  /** Boots so far (reboot). */
  boots = 1;
  /** iptables rules, as `chain rule...`. */
  readonly rules = new Set<string>();
  /** The registry image_push pushes to. */
  readonly registry = new FakeRegistry();

  constructor(init: Record<string, FakeSpec> = {}, controller: Record<string, string> = {}) {
    super({ '/tmp': { type: 'dir' }, ...init });
    for (const [p, c] of Object.entries(controller)) this.controller.set(p, Buffer.from(c));
    const sys = this.onExec!;
    this.onExec = (argv) => {
      if (!this.mine(argv)) sys(argv);
    };
  }

  override snapshot(): string {
    const controller = [...this.controller].map(([p, b]) => [p, b.toString('base64')]);
    const live = [[...this.units], [...this.pkgs], [...this.rpms], [...this.pips], [...this.rules], this.boots];
    live.push([...this.registry.tags], [...this.registry.blobs]);
    return super.snapshot() + JSON.stringify([...live, controller]);
  }

  override async probe(argv: string[]): Promise<ProbeResult> {
    const ok = (stdout: string, rc = 0, stderr = ''): ProbeResult => ({ rc, stdout, stderr });
    const [cmd, ...rest] = argv;
    const pushed = this.registry.probe(argv, (p) => this.nodeAt(p, true)?.content);
    if (pushed) return pushed;
    if (cmd === 'systemctl' && rest[0] === 'show' && rest.length === 2) {
      const u = this.units.get(rest[1]!);
      const l = u
        ? [
            `LoadState=${u.load}`,
            `ActiveState=${u.active}`,
            `UnitFileState=${u.file}`,
            'NeedDaemonReload=no',
            `InvocationID=${u.inv || ''}`,
            `FragmentPath=/etc/systemd/system/${rest[1]}`,
          ]
        : ['LoadState=not-found', 'ActiveState=inactive', 'UnitFileState=', 'NeedDaemonReload=no', 'FragmentPath='];
      return ok(`Id=${rest[1]}\n${l.join('\n')}\n`);
    }
    if (cmd === 'dpkg-query') {
      const names = rest.slice(2);
      const known = names.filter((n) => this.pkgs.has(n));
      return ok(
        known.map((n) => `${n}\t${this.pkgs.get(n)!.version}\t${this.pkgs.get(n)!.status}\n`).join(''),
        known.length < names.length ? 1 : 0,
      );
    }
    if (cmd === 'apt-cache' && rest[0] === 'policy') {
      return ok(
        rest
          .slice(1)
          .filter((n) => this.available.has(n))
          .map((n) => {
            const v = this.available.get(n)!;
            const i = this.pkgs.get(n)?.status.startsWith('ii') ? this.pkgs.get(n)!.version : '(none)';
            return (
              `${n}:\n  Installed: ${i}\n  Candidate: ${v}\n  Version table:\n     ${v} 500\n` +
              '        500 http://deb.debian.org/debian bookworm/main amd64 Packages\n'
            );
          })
          .join(''),
      );
    }
    if (cmd === 'dpkg' && rest[0] === '--get-selections') {
      const p = this.pkgs.get(rest[1]!);
      return p ? ok(`${rest[1]}\t\t\t\t\t${p.sel}\n`) : ok('', 0, `dpkg: no packages found matching ${rest[1]}\n`);
    }
    if (cmd === 'python3' && rest.slice(0, 3).join(' ') === '-m pip list')
      return ok(rest.includes('--outdated') ? '' : [...this.pips].map(([n, v]) => `${n}==${v}\n`).join(''));
    if (cmd === 'rpm') {
      const names = rest.slice(3);
      return ok(
        names.map((n) => (this.rpms.has(n) ? `${n}\t0:1.0-1\n` : `package ${n} is not installed\n`)).join(''),
        names.filter((n) => !this.rpms.has(n)).length,
      );
    }
    if (cmd === 'sh' && rest[0] === '-c' && rest[1]!.startsWith('command -v')) return ok('/usr/bin/curl\n');
    // async_status: a job that has ended
    if (cmd === 'sh' && rest[1] === READ_SH) return ok(`/root/.ansible_async/${rest[4]}\n{"rc": 0, "stdout": "hi"}\n`);
    if (cmd === 'sh' && rest[0] === '-c' && rest[1]!.startsWith('cd -- "$1"')) {
      const [dest, ...paths] = rest.slice(3);
      const lines: string[] = [];
      for (const p of paths) {
        const st = await this.stat(posix.join(dest!, p), { follow: false });
        const type = st.isdir ? 'directory' : st.islnk ? 'symbolic link' : 'regular file';
        lines.push(
          st.exists
            ? `${st.size}|${st.mtime}|${type}|${parseInt(st.mode!, 8).toString(8)}|` +
                `${st.owner}|${st.group}|${st.uid}|${st.gid}|${st.lnk_target ?? ''}`
            : 'MISSING',
        );
      }
      return ok(lines.map((l) => `${l}\n`).join(''));
    }
    if (cmd === 'true') return ok('');
    if (cmd === 'find' && argv.includes('-printf') && argv.at(-1)!.includes('\\t')) {
      // find's records as the find module asks for them (src/tasks/find.ts), from the fake's tree
      const root = argv[1]!.replace(/\/+$/, '');
      const max = argv.includes('-maxdepth') ? Number(argv[argv.indexOf('-maxdepth') + 1]) : 99;
      const recs = [...this.files]
        .filter(([p]) => p.startsWith(`${root}/`) && p.slice(root.length).split('/').length - 1 <= max)
        .map(([p, n]) => {
          const y = { file: 'f', dir: 'd', link: 'l' }[n.type];
          const depth = p.slice(root.length).split('/').length - 1;
          const times = `${n.mtime}\t${n.mtime}\t${n.mtime}`;
          const ids = `${n.mode.toString(8)}\t${n.uid}\t${n.gid}\troot\troot`;
          return `${y}\t${ids}\t${n.content.length}\t${n.ino}\t1\t1\t${times}\t${depth}\t${p}\0`;
        });
      return ok(recs.join(''));
    }
    if (cmd === 'sh' && rest[2] === 'service_facts')
      return ok(
        ` [ + ]  ssh\n${rest[3]}\nssh.service loaded active running OpenSSH\n${rest[4]}\nssh.service enabled\n`,
      );
    if (cmd === 'sh' && rest[2] === 'package_facts') {
      if (!rest[1]!.includes('dpkg-query')) return ok('', 127);
      const rows = [...this.pkgs].map(([n, p]) => `${n}\t${p.version}\tamd64\tadmin\t${p.status}\n`);
      return ok(`amd64\n${rows.join('')}`);
    }
    if (cmd === 'bash' && rest[0] === '-c' && rest[2] === 'wait_for') {
      const path = rest[5]!;
      return (await this.stat(path)).exists ? ok('OK 0\n') : ok('TIMEOUT 0\n', 1);
    }
    if (argv.join(' ') === 'cat /proc/sys/kernel/random/boot_id') return ok(`boot-${this.boots}\n`);
    if (cmd === 'whoami') return ok('root\n');
    if (cmd === 'iptables' && rest[2] === '-C') return ok('', this.rules.has(rest.slice(3).join(' ')) ? 0 : 1);
    if (cmd === 'iptables' && rest[2] === '-L') return ok(`Chain ${rest[3]} (policy ACCEPT)\n`);
    return super.probe(argv);
  }

  /** The commands this fake knows beyond SysHost's; true when handled. */
  private mine(argv: string[]): boolean {
    const [cmd, ...rest] = argv;
    if (this.registry.exec(argv)) return true;
    if (cmd === 'sh' && rest[2] === 'reboot') return !!++this.boots;
    if (cmd === 'iptables' && rest[2] === '-A') return !!this.rules.add(rest.slice(3).join(' '));
    if (cmd === 'systemctl') {
      const u = this.units.get(rest.at(-1)!);
      if (!u) throw new Error(`fake: Unit ${rest.at(-1)} not found.`);
      const verb = rest[0];
      if (verb === 'start' && u.active !== 'active') [u.active, u.inv] = ['active', this.inv++];
      else if (verb === 'restart') [u.active, u.inv] = ['active', this.inv++];
      else if (verb === 'stop') u.active = 'inactive';
      else if (verb === 'enable') u.file = 'enabled';
      else if (verb === 'disable') u.file = 'disabled';
      else if (verb === 'mask') [u.file, u.load] = ['masked', 'masked'];
      else if (verb === 'unmask') [u.file, u.load] = ['disabled', 'loaded'];
      return true;
    }
    if (cmd === 'apt-get') {
      const words = rest.filter((a, i) => !a.startsWith('-') && rest[i - 1] !== '-o' && rest[i - 1] !== '-t');
      const verb = words.shift();
      for (const n of words) {
        if (verb === 'install') this.pkgs.set(n, { version: this.available.get(n)!, status: 'ii ', sel: 'install' });
        else if (verb === 'purge') this.pkgs.delete(n);
        else if (verb === 'remove') this.pkgs.set(n, { ...this.pkgs.get(n)!, status: 'rc ', sel: 'deinstall' });
      }
      return true;
    }
    if (cmd === 'dpkg' && rest[0] === '--set-selections') {
      const act = this.ran.at(-1) as Extract<Action, { exec: string[] }>;
      const [n, sel] = act.stdin!.trim().split(' ') as [string, string];
      this.pkgs.get(n)!.sel = sel;
      return true;
    }
    if (cmd === 'python3' && rest[1] === 'pip') {
      const names = rest.slice(3).filter((a) => !a.startsWith('-'));
      for (const n of names)
        if (rest[2] === 'uninstall') this.pips.delete(n);
        else this.pips.set(n.split('==')[0]!, n.split('==')[1] ?? '1.0');
      return true;
    }
    if (cmd === 'dnf' || cmd === 'yum') {
      const names = rest.filter((a) => !a.startsWith('-'));
      const verb = names.shift();
      for (const n of names)
        if (verb === 'remove') this.rpms.delete(n);
        else this.rpms.add(n);
      return true;
    }
    if (cmd === 'tar') {
      const file = rest[rest.indexOf('-f') + 1]!;
      const dest = rest[rest.indexOf('-C') + 1]!;
      this.extractArchive(file, dest);
      return true;
    }
    const act = this.ran.at(-1) as Extract<Action, { exec: string[] }> | undefined;
    if (cmd === 'sh' && [act?.stdin ?? '', ...rest].some((x) => x.includes('mktemp "$dest.kplay-XXXXXX"'))) {
      // the download script, given with -c (then its $0) or on stdin with -s --
      const params = rest[0] === '-s' ? rest.slice(rest.indexOf('--') + 1) : rest.slice(3);
      const [dest, , , mode, , ...dl] = params;
      this.apply([
        { summary: '', actions: [{ put: dest!, content: this.served.get(dl.at(-1)!)!, mode }], touches: [] },
      ]);
      return true;
    }
    if (cmd === '/bin/sh' || cmd === 'sh') return true; // command, shell, script: recorded in `ran`
    return false;
  }
}

export interface Sample {
  /** The module's arguments, as written in a playbook. */
  args: Vars;
  /** The host before the task. */
  host?: () => FakeHost;
  view?: () => HostView;
  /** The first plan is expected to hold no change (read-only modules). */
  readOnly?: boolean;
}

const PAYLOAD = Buffer.from('downloaded payload\n');
const PAYLOAD_SHA = createHash('sha256').update(PAYLOAD).digest('hex');

/** A tiny tar.gz made with the real tar (test/support/archive.ts), built once. */
let archive: string | undefined;
function tgz(): string {
  archive ??= makeArchive('tgz', '#!/bin/sh\n').toString('latin1');
  return archive;
}

/** An OpenPGP v4 public key packet (not a usable key: fingerprints only hash the packet body). */
function keyData(): string {
  const body = Buffer.from([4, 0x65, 0, 0, 0, 1, 0, 8, 0xc5, 0, 8, 0x03]);
  return armor(Buffer.concat([Buffer.from([0x98, body.length]), body])).toString();
}

const sys =
  (
    init: Record<string, FakeSpec> = {},
    setup: (h: SampleHost) => void = () => {},
    controller: Record<string, string> = {},
  ) =>
  () => {
    const h = new SampleHost(init, controller);
    setup(h);
    return h;
  };

const DIR: FakeSpec = { type: 'dir' };

/** A CA and a client certificate for the pki samples, made once (the pki modules' own helpers). */
const PKI = await (async () => {
  const caKey = await newKey('ec');
  const ca = await makeCa({ cn: 'sample-ca', o: [] }, 3650, caKey);
  const adminKey = await newKey('ec');
  const admin = await makeCert({ cn: 'admin', o: ['system:masters'] }, [], ['client'], 3650, adminKey, {
    info: (await parseCert(Buffer.from(ca)))!,
    key: caKey,
  });
  return { ca, caKey: caKey.pem, admin, adminKey: adminKey.pem };
})();
const SSL = '/etc/kubernetes/ssl';

export const samples: Record<string, Sample> = {
  command: { args: { _raw_params: 'touch /tmp/flag' }, host: sys() },
  shell: { args: { _raw_params: 'echo hi > /tmp/out' }, host: sys() },
  copy: {
    args: { content: 'listen 80\n', dest: '/etc/app.conf', mode: '0640', owner: 'etcd' },
    host: sys({ '/etc/keep': '' }),
  },
  template: {
    args: { src: 'app.conf.j2', dest: '/etc/app.conf', mode: '0600' },
    host: sys({ '/etc/keep': '' }),
    view: () => hostView({ 'app.conf.j2': 'name=node1\n' }),
  },
  assemble: {
    args: { src: '/etc/app/conf.d', dest: '/etc/app/app.conf', delimiter: '# --', mode: '0640' },
    host: sys({ '/etc/app/conf.d/10-a': 'a=1\n', '/etc/app/conf.d/20-b': 'b=2' }),
  },
  file: { args: { path: '/srv/data/sub', state: 'directory', mode: '0750', owner: 'kube' }, host: sys() },
  lineinfile: {
    args: { path: '/etc/hosts', regexp: '^10\\.0\\.0\\.1 ', line: '10.0.0.1 master1' },
    host: sys({ '/etc/hosts': '127.0.0.1 localhost\n10.0.0.1 old\n' }),
  },
  stat: { args: { path: '/etc/hosts' }, host: sys({ '/etc/hosts': 'x\n' }), readOnly: true },
  sysctl: {
    args: { name: 'net.ipv4.ip_forward', value: '1', sysctl_file: '/etc/sysctl.d/99-k8s.conf', sysctl_set: true },
    host: sys({ '/etc/sysctl.d': DIR }, (h) => h.sysctls.set('net.ipv4.ip_forward', '0')),
  },
  modprobe: { args: { name: 'br_netfilter', persistent: 'present' }, host: sys({ '/etc/modules-load.d': DIR }) },
  mount: {
    args: { path: '/mnt/data', src: '/dev/sdb1', fstype: 'ext4', opts: 'noatime', state: 'mounted' },
    host: sys({ '/etc/fstab': '/dev/sda1 / ext4 defaults 0 1\n' }),
  },
  swap: {
    args: { state: 'absent' },
    host: sys({ '/etc/fstab': '/swapfile none swap sw 0 0\n' }, (h) => (h.swaps = ['/swapfile'])),
  },
  selinux: {
    args: { state: 'permissive', policy: 'targeted' },
    host: sys({ '/etc/selinux/config': 'SELINUX=enforcing\nSELINUXTYPE=targeted\n' }, (h) => (h.enforce = '1')),
  },
  hostname: { args: { name: 'web1' }, host: sys({ '/etc/hostname': 'node1\n' }) },
  timezone: {
    args: { name: 'Europe/Paris' },
    host: sys({ '/usr/share/zoneinfo/Europe/Paris': 'TZif2', '/etc/timezone': 'Etc/UTC\n' }),
  },
  systemd_service: {
    args: { name: 'etcd', state: 'started', enabled: true },
    host: sys({}, (h) => h.units.set('etcd.service', { load: 'loaded', active: 'inactive', file: 'disabled', inv: 0 })),
  },
  service: {
    args: { name: 'haproxy', state: 'stopped', enabled: false },
    host: sys({}, (h) => h.units.set('haproxy.service', { load: 'loaded', active: 'active', file: 'enabled', inv: 7 })),
  },
  apt: {
    args: { name: ['hello', 'tree'], state: 'present' },
    host: sys({}, (h) => {
      h.available.set('hello', '2.10-3').set('tree', '2.1.0-1');
      h.pkgs.set('tree', { version: '2.1.0-1', status: 'ii ', sel: 'install' });
    }),
  },
  apt_key: {
    args: { data: keyData(), keyring: '/etc/apt/keyrings/sample.gpg' },
    host: sys({ '/etc/apt/keyrings': DIR }),
  },
  apt_repository: {
    args: { repo: 'deb http://example.com/debian bookworm main', filename: 'example', update_cache: false },
    host: sys({
      '/etc/apt/sources.list': 'deb http://deb.debian.org/debian bookworm main\n',
      '/etc/apt/sources.list.d': DIR,
    }),
  },
  dpkg_selections: {
    args: { name: 'containerd', selection: 'hold' },
    host: sys({}, (h) => h.pkgs.set('containerd', { version: '1.6.20', status: 'ii ', sel: 'install' })),
  },
  dnf: { args: { name: 'tree', state: 'present' }, host: sys() },
  yum: { args: { name: ['tree', 'chrony'], state: 'absent' }, host: sys({}, (h) => h.rpms.add('chrony')) },
  pip: { args: { name: ['passlib', 'six'], state: 'present' }, host: sys({}, (h) => h.pips.set('six', '1.16.0')) },
  package: {
    args: { name: 'hello', state: 'present' },
    host: sys({}, (h) => {
      h.factsVars.ansible_pkg_mgr = 'apt';
      h.available.set('hello', '2.10-3');
    }),
  },
  blockinfile: {
    args: { path: '/etc/hosts', block: '10.0.0.1 master1\n10.0.0.2 master2', insertbefore: 'BOF' },
    host: sys({ '/etc/hosts': '127.0.0.1 localhost' }),
  },
  replace: {
    args: { path: '/etc/app.conf', regexp: '^(port)=80$', replace: '\\1=8080' },
    host: sys({ '/etc/app.conf': 'port=80\nname=x\nport=443\n' }),
  },
  slurp: { args: { src: '/etc/hosts' }, host: sys({ '/etc/hosts': 'x\n' }), readOnly: true },
  fetch: { args: { src: '/etc/hosts', dest: '/backup' }, host: sys({ '/etc/hosts': 'x\n' }) },
  script: {
    args: { _raw_params: 'prep.sh --force', chdir: '/tmp' },
    host: sys({}, () => {}, { '/pb/files/prep.sh': 'echo prepared\n' }),
    view: () => hostView({}, { vars: { playbook_dir: '/pb' } }),
  },
  unarchive: {
    args: { src: 'bundle.tgz', dest: '/opt/bundle', mode: 'u+rwX,g+rX' },
    host: () => {
      const h = new SampleHost({ '/opt/bundle': DIR });
      h.controller.set('/pb/files/bundle.tgz', Buffer.from(tgz(), 'latin1'));
      return h;
    },
    view: () => hostView({}, { vars: { playbook_dir: '/pb' } }),
  },
  get_url: {
    args: {
      url: 'http://10.0.0.9/payload.bin',
      dest: '/opt/payload.bin',
      checksum: `sha256:${PAYLOAD_SHA}`,
      mode: '0640',
    },
    host: sys({ '/opt': DIR }, (h) => h.served.set('http://10.0.0.9/payload.bin', PAYLOAD)),
  },
  wait_for: { args: { path: '/etc/hosts', timeout: 2 }, host: sys({ '/etc/hosts': 'x\n' }), readOnly: true },
  wait_for_connection: { args: { timeout: 5 }, host: sys(), readOnly: true },
  uri: {
    args: {
      url: 'http://10.0.0.9/events',
      method: 'POST',
      body: { event: 'up' },
      body_format: 'json',
      status_code: [200, 201],
    },
    host: sys(),
  },
  user: {
    args: { name: 'kube', groups: ['docker'], shell: '/bin/bash', comment: 'Kubernetes' },
    host: sys({}, (h) => h.groups.set('docker', { gid: 999, members: [] })),
  },
  group: { args: { name: 'etcd', gid: 1500, system: true }, host: sys() },
  image_push: {
    args: { src: '/srv/images/x.tar', registry: 'reg.local:8443', username: 'admin', password: 'pw' },
    host: sys({ '/srv/images/x.tar': { content: ociArchiveBytes('docker.io/library/x:1.0', {}) } }),
  },
  htpasswd: {
    args: { path: '/etc/docker/registry/htpasswd', name: 'admin', password: 'pw-sample', rounds: 4 },
    host: sys({ '/etc/docker/registry': DIR }),
  },
  pki_ca: {
    args: { path: SSL, common_name: 'kubernetes-ca', organization: 'kplay' },
    host: sys({ '/etc/kubernetes': DIR }),
  },
  pki_cert: {
    args: {
      path: SSL,
      name: 'kubernetes',
      sans: ['127.0.0.1', '10.0.0.1', 'kubernetes.default', '10.0.0.1'],
      usage: ['server', 'client'],
    },
    host: sys({ [`${SSL}/ca.pem`]: PKI.ca, [`${SSL}/ca-key.pem`]: { content: PKI.caKey, mode: 0o600 } }),
  },
  pki_keypair: { args: { path: SSL, name: 'sa' }, host: sys({ '/etc/kubernetes': DIR }) },
  pki_trust: { args: { path: SSL }, host: sys({ [`${SSL}/ca.pem`]: PKI.ca }) },
  pki_ca_rollover: {
    args: { path: SSL, step: 'begin' },
    host: sys({ [`${SSL}/ca.pem`]: PKI.ca, [`${SSL}/ca-key.pem`]: { content: PKI.caKey, mode: 0o600 } }),
  },
  pki_kubeconfig: {
    args: {
      dest: '/root/.kube/config',
      server: 'https://10.0.0.1:6443',
      ca: `${SSL}/ca.pem`,
      cert: `${SSL}/admin.pem`,
      key: `${SSL}/admin-key.pem`,
    },
    host: sys({
      [`${SSL}/ca.pem`]: PKI.ca,
      [`${SSL}/admin.pem`]: PKI.admin,
      [`${SSL}/admin-key.pem`]: { content: PKI.adminKey, mode: 0o600 },
    }),
  },
  setup: { args: { filter: 'ansible_os*' }, host: sys(), readOnly: true },
  ping: { args: {}, host: sys(), readOnly: true },
  service_facts: { args: {}, host: sys(), readOnly: true },
  getent: {
    args: { database: 'passwd', key: 'app' },
    host: sys({}, (h) =>
      h.users.set('app', { uid: 1001, gid: 1001, comment: '', home: '/srv', shell: '/bin/sh', hash: '!' }),
    ),
    readOnly: true,
  },
  reboot: { args: { reboot_timeout: 60, post_reboot_delay: 1 }, host: sys() },
  authorized_key: {
    args: { user: 'deploy', key: 'ssh-ed25519 AAAAC3Nza deploy@ci', key_options: 'no-pty' },
    host: sys({ '/home/deploy': { type: 'dir' } }, (h) =>
      h.users.set('deploy', { uid: 1001, gid: 1001, comment: '', home: '/home/deploy', shell: '/bin/sh', hash: '!' }),
    ),
  },
  iptables: { args: { chain: 'INPUT', protocol: 'tcp', destination_port: 6443, jump: 'ACCEPT' }, host: sys() },
  cron: {
    args: { name: 'kplay', user: 'root', minute: '*/5', job: '/bin/true', cron_file: 'kplay' },
    host: sys({ '/etc/cron.d': { type: 'dir' } }),
  },
  package_facts: {
    args: { manager: 'auto' },
    host: sys({}, (h) => h.pkgs.set('bash', { version: '5.2', status: 'ii ', sel: 'install' })),
    readOnly: true,
  },
  find: {
    args: { paths: '/etc/app', patterns: '*.conf', recurse: true, contains: 'port' },
    host: sys({ '/etc/app/a.conf': 'port=1\n', '/etc/app/sub/b.conf': 'x\n', '/etc/app/c.txt': 'port\n' }),
    readOnly: true,
  },
  raw: { args: { _raw_params: 'echo hi > /tmp/raw' }, host: sys() },
  async_status: { args: { jid: 'j1.2' }, host: sys(), readOnly: true },
  tempfile: { args: { state: 'file', suffix: '.conf' }, host: sys() },
  pam_limits: {
    args: { domain: '*', limit_type: 'soft', limit_item: 'nofile', value: 65536 },
    host: sys({ '/etc/security/limits.conf': '# limits\n' }),
  },
  known_hosts: {
    args: { name: 'git.example.org', key: 'git.example.org ssh-ed25519 AAAAC3Nza', hash_host: true },
    host: sys({ '/root/.ssh/known_hosts': 'a.example.org ssh-rsa AAAAB3\n' }),
  },
  // controller-only modules: arguments only
  debug: { args: { msg: 'hello' } },
  set_fact: { args: { answer: 42, cacheable: true } },
  assert: { args: { that: ['1 == 1'], fail_msg: 'no' } },
  fail: { args: { msg: 'stop here' } },
  meta: { args: { _raw_params: 'flush_handlers' } },
  pause: { args: { seconds: 1 } },
  include_vars: { args: { file: 'vars/extra.yml', name: 'extra' } },
  add_host: { args: { name: 'node9', groups: ['kube_node'] } },
  group_by: { args: { key: 'os_debian', parents: ['all'] } },
};
