// sysctl, modprobe, mount, swap and selinux against a fake host with live kernel state: each case is
// planned (planning must change nothing, files or live state), applied, and planned again (converges).
import { expect } from 'chai';
import type { TaskModule } from '../../src/tasks/contract.js';
import { modprobe, mount, selinux, swap, sysctl } from '../../src/tasks/kernel.js';
import { converge, planError, planOn } from '../support/plan-harness.js';
import { SysHost } from './system-fake.js';

const K8S = '/etc/sysctl.d/95-k8s-sysctl.conf';

interface Case {
  name: string;
  setup: (h: SysHost) => void;
  args: Record<string, unknown>;
  /** Expected change summaries ([] = ok, nothing to do). */
  changes: RegExp[];
  check?: (h: SysHost, plan: Awaited<ReturnType<typeof planOn>>) => void;
}

function table(mod: TaskModule, cases: Case[], files: Record<string, string> = {}) {
  for (const c of cases) {
    it(c.name, async () => {
      const h = new SysHost({ '/etc/sysctl.d/README': '', '/etc/modules-load.d/.keep': '', '/etc/modprobe.d/.keep': '', ...files });
      c.setup(h);
      const plan = await planOn(mod, c.args, h);
      expect(plan.changes.map((x) => x.summary)).to.have.length(c.changes.length, plan.changes.map((x) => x.summary).join('; '));
      plan.changes.forEach((x, i) => expect(x.summary).to.match(c.changes[i]!));
      if (plan.changes.length) await converge(mod, c.args, h);
      c.check?.(h, plan);
    });
  }
}

describe('sysctl', () => {
  const f = (h: SysHost, content: string) => h.files.set(K8S, { ...h.nodeAt('/etc/sysctl.d/README')!, content: Buffer.from(content), ino: 1 });
  table(sysctl, [
    {
      name: 'a new key: the file is created and the live value set (reload), sysctl -w first',
      setup: (h) => h.sysctls.set('net.ipv4.ip_forward', '0'),
      args: { name: 'net.ipv4.ip_forward', value: '1', sysctl_file: K8S },
      changes: [/net.ipv4.ip_forward: live 0 → 1, .*95-k8s-sysctl.conf: \(unset\) → 1/],
      check: (h, p) => {
        expect(h.text(K8S)).to.equal('net.ipv4.ip_forward=1\n');
        expect(h.sysctls.get('net.ipv4.ip_forward')).to.equal('1');
        expect(p.changes[0]!.actions[0]).to.deep.equal({ exec: ['sysctl', '-w', 'net.ipv4.ip_forward=1'] });
        expect(p.changes[0]!.touches).to.include('probe:sysctl -n net.ipv4.ip_forward');
      },
    },
    {
      name: 'the key in the file with the value (spaces around =): ok',
      setup: (h) => { h.sysctls.set('net.ipv4.ip_forward', '1'); f(h, '# k8s\nnet.ipv4.ip_forward = 1\n'); },
      args: { name: 'net.ipv4.ip_forward', value: 1, sysctl_file: K8S },
      changes: [],
    },
    {
      name: 'a different value: its line replaced in place, other lines and comments kept',
      setup: (h) => { h.sysctls.set('net.ipv4.ip_forward', '0'); f(h, '# k8s\nnet.ipv4.ip_forward = 0\nvm.swappiness = 0\n'); },
      args: { name: 'net.ipv4.ip_forward', value: '1', sysctl_file: K8S },
      changes: [/live 0 → 1/],
      check: (h) => expect(h.text(K8S)).to.equal('# k8s\nnet.ipv4.ip_forward=1\nvm.swappiness = 0\n'),
    },
    {
      name: 'duplicates of the key: the first is replaced, the others dropped',
      setup: (h) => { h.sysctls.set('net.core.somaxconn', '128'); f(h, 'net.core.somaxconn=128\nx.y=1\nnet.core.somaxconn = 64\n'); },
      args: { name: 'net.core.somaxconn', value: '32768', sysctl_file: K8S },
      changes: [/somaxconn/],
      check: (h) => expect(h.text(K8S)).to.equal('net.core.somaxconn=32768\nx.y=1\n'),
    },
    {
      name: 'the last duplicate wins for comparing (as sysctl -p applies them)',
      setup: (h) => { h.sysctls.set('a.b', '2'); f(h, 'a.b=1\na.b=2\n'); },
      args: { name: 'a.b', value: '2', sysctl_file: K8S },
      changes: [],
    },
    {
      name: 'values compared with whitespace normalised (file and live)',
      setup: (h) => { h.sysctls.set('net.ipv4.ip_local_port_range', '1024\t65000'); f(h, 'net.ipv4.ip_local_port_range = 1024   65000\n'); },
      args: { name: 'net.ipv4.ip_local_port_range', value: ' 1024 65000 ', sysctl_file: K8S, sysctl_set: true },
      changes: [],
    },
    {
      name: 'yes/true values are 1, no is 0 (as Ansible)',
      setup: (h) => { h.sysctls.set('net.ipv4.ip_forward', '0'); f(h, 'net.ipv4.ip_forward=0\n'); },
      args: { name: 'net.ipv4.ip_forward', value: 'yes', sysctl_file: K8S },
      changes: [/0 → 1/],
      check: (h) => expect(h.text(K8S)).to.equal('net.ipv4.ip_forward=1\n'),
    },
    {
      name: 'sysctl_set: the file is right but the live value drifted: sysctl -w only',
      setup: (h) => { h.sysctls.set('net.ipv4.ip_forward', '0'); f(h, 'net.ipv4.ip_forward = 1\n'); },
      args: { name: 'net.ipv4.ip_forward', value: '1', sysctl_file: K8S, sysctl_set: true },
      changes: [/^sysctl: net.ipv4.ip_forward: live 0 → 1$/],
      check: (h, p) => {
        expect(p.changes[0]!.actions).to.deep.equal([{ exec: ['sysctl', '-w', 'net.ipv4.ip_forward=1'] }]);
        expect(h.text(K8S)).to.equal('net.ipv4.ip_forward = 1\n');
      },
    },
    {
      name: 'without sysctl_set a live drift is not looked at (Ansible)',
      setup: (h) => { h.sysctls.set('net.ipv4.ip_forward', '0'); f(h, 'net.ipv4.ip_forward = 1\n'); },
      args: { name: 'net.ipv4.ip_forward', value: '1', sysctl_file: K8S },
      changes: [],
      check: (h) => expect(h.probes).to.deep.equal([]),
    },
    {
      name: 'reload=no: only the file',
      setup: (h) => h.sysctls.set('net.ipv4.ip_forward', '0'),
      args: { name: 'net.ipv4.ip_forward', value: '1', sysctl_file: K8S, reload: false },
      changes: [/^sysctl: net.ipv4.ip_forward: \/etc\/sysctl.d\/95-k8s-sysctl.conf: \(unset\) → 1$/],
      check: (h) => expect(h.sysctls.get('net.ipv4.ip_forward')).to.equal('0'),
    },
    {
      name: 'state=absent removes every line of the key, live value untouched',
      setup: (h) => { h.sysctls.set('net.ipv4.ip_forward', '1'); f(h, 'net.ipv4.ip_forward=1\nx=1\n net.ipv4.ip_forward = 1\n'); },
      args: { name: 'net.ipv4.ip_forward', state: 'absent', sysctl_file: K8S },
      changes: [/remove from/],
      check: (h) => { expect(h.text(K8S)).to.equal('x=1\n'); expect(h.sysctls.get('net.ipv4.ip_forward')).to.equal('1'); },
    },
    {
      name: 'state=absent with the key not in the file: ok',
      setup: (h) => f(h, 'x=1\n'),
      args: { name: 'net.ipv4.ip_forward', state: 'absent', sysctl_file: K8S },
      changes: [],
    },
    {
      name: 'a key given with slashes is the same key',
      setup: (h) => { h.sysctls.set('net.ipv4.ip_forward', '1'); f(h, 'net.ipv4.ip_forward=1\n'); },
      args: { name: 'net/ipv4/ip_forward', value: '1', sysctl_file: K8S, sysctl_set: true },
      changes: [],
    },
    {
      name: 'a file without a final newline gets one before the new line',
      setup: (h) => { h.sysctls.set('b.c', '1'); f(h, 'a=1'); },
      args: { name: 'b.c', value: '1', sysctl_file: K8S },
      changes: [/\(unset\) → 1/],
      check: (h) => expect(h.text(K8S)).to.equal('a=1\nb.c=1\n'),
    },
    {
      name: 'ignoreerrors: a read-only key (vm.* in a container): the file is written, the live value left, msg says why',
      setup: (h) => { h.sysctls.set('vm.swappiness', '60'); h.writable = new Set(['net.ipv4.ip_forward']); },
      args: { name: 'vm.swappiness', value: '0', sysctl_file: K8S, sysctl_set: true, ignoreerrors: true },
      changes: [/^sysctl: vm.swappiness: .*\(unset\) → 0$/],
      check: (h, p) => {
        expect(h.sysctls.get('vm.swappiness')).to.equal('60');
        expect(h.text(K8S)).to.equal('vm.swappiness=0\n');
        expect(p.result?.msg).to.match(/vm.swappiness: live value not set \(ignoreerrors\): \/proc\/sys\/vm\/swappiness is not writable/);
      },
    },
    {
      name: 'ignoreerrors: an unknown key: ok with only the file managed',
      setup: () => {},
      args: { name: 'net.nonexistent.key', value: '1', sysctl_file: K8S, sysctl_set: true, ignoreerrors: true },
      changes: [/\(unset\) → 1/],
      check: (_h, p) => expect(p.result?.msg).to.match(/No such file or directory/),
    },
  ]);

  it('a read-only key fails the plan with the key and the reason, and nothing is written', async () => {
    const h = new SysHost({ '/etc/sysctl.d/README': '' });
    h.sysctls.set('vm.swappiness', '60');
    h.writable = new Set();
    const msg = await planError(sysctl, { name: 'vm.swappiness', value: '0', sysctl_file: K8S }, h);
    expect(msg).to.match(/cannot set vm.swappiness=0 on the running kernel: \/proc\/sys\/vm\/swappiness is not writable.*ignoreerrors/);
  });

  it('an unknown key with sysctl_set fails with sysctl\'s error', async () => {
    const msg = await planError(sysctl, { name: 'net.nope', value: '1', sysctl_set: true }, new SysHost());
    expect(msg).to.match(/cannot read net.nope on this host: cannot stat \/proc\/sys\/net\/nope/);
  });

  it('the default file is /etc/sysctl.conf; a missing parent directory fails', async () => {
    const h = new SysHost({ '/etc/sysctl.conf': '' });
    h.sysctls.set('net.ipv4.ip_forward', '1');
    const p = await converge(sysctl, { name: 'net.ipv4.ip_forward', value: '1' }, h);
    expect(p.changes[0]!.touches).to.deep.equal(['file:/etc/sysctl.conf']);
    expect(h.text('/etc/sysctl.conf')).to.equal('net.ipv4.ip_forward=1\n');
    expect(await planError(sysctl, { name: 'a.b', value: '1', sysctl_file: '/nope/x.conf', reload: false }, h)).to.match(/Destination directory \/nope does not exist/);
  });

  it('value is required with state=present', async () => {
    expect(await planError(sysctl, { name: 'a.b' }, new SysHost())).to.match(/value/);
  });
});

describe('modprobe', () => {
  table(modprobe, [
    { name: 'not loaded: modprobe with params', setup: () => {}, args: { name: 'ip_vs', params: 'conn_tab_bits=12' }, changes: [/^modprobe: load ip_vs conn_tab_bits=12$/], check: (h) => expect(h.loaded.has('ip_vs')).to.equal(true) },
    { name: 'loaded: ok', setup: (h) => h.loaded.add('overlay'), args: { name: 'overlay' }, changes: [] },
    { name: 'built in counts as loaded (br_netfilter in the lab kernel)', setup: (h) => h.builtin.add('br_netfilter'), args: { name: 'br_netfilter' }, changes: [], check: () => {} },
    { name: 'a dash in the name is the kernel\'s underscore', setup: (h) => h.loaded.add('nf_conntrack'), args: { name: 'nf-conntrack' }, changes: [] },
    { name: 'absent and loaded: modprobe -r', setup: (h) => h.loaded.add('ip_vs'), args: { name: 'ip_vs', state: 'absent' }, changes: [/unload ip_vs/], check: (h) => expect(h.loaded.size).to.equal(0) },
    { name: 'absent and not loaded: ok', setup: () => {}, args: { name: 'ip_vs', state: 'absent' }, changes: [] },
    {
      name: 'persistent=present writes modules-load.d (and modprobe.d options with params)',
      setup: (h) => h.builtin.add('br_netfilter'),
      args: { name: 'br_netfilter', persistent: 'present', params: 'x=1' },
      changes: [/create \/etc\/modules-load.d\/br_netfilter.conf/, /create \/etc\/modprobe.d\/br_netfilter.conf/],
      check: (h) => {
        expect(h.text('/etc/modules-load.d/br_netfilter.conf')).to.equal('br_netfilter\n');
        expect(h.text('/etc/modprobe.d/br_netfilter.conf')).to.equal('options br_netfilter x=1\n');
      },
    },
    {
      name: 'persistent=absent removes both files',
      setup: (h) => { h.loaded.add('overlay'); h.files.set('/etc/modules-load.d/overlay.conf', { ...h.nodeAt('/etc/modules-load.d/.keep')!, content: Buffer.from('overlay\n') }); },
      args: { name: 'overlay', persistent: 'absent' },
      changes: [/remove \/etc\/modules-load.d\/overlay.conf/],
      check: (h) => expect(h.nodeAt('/etc/modules-load.d/overlay.conf')).to.equal(undefined),
    },
  ]);

  it('a built-in module cannot be unloaded: clear failure', async () => {
    const h = new SysHost();
    h.builtin.add('overlay');
    expect(await planError(modprobe, { name: 'overlay', state: 'absent' }, h)).to.match(/overlay is built into the kernel and cannot be unloaded/);
  });

  it('the result says built in', async () => {
    const h = new SysHost();
    h.builtin.add('overlay');
    expect((await planOn(modprobe, { name: 'overlay' }, h)).result).to.deep.include({ name: 'overlay', builtin: true });
  });
});

const FSTAB = '# /etc/fstab\nUUID=abc / ext4 errors=remount-ro 0 1\n';

describe('mount', () => {
  table(mount, [
    {
      name: 'mounted on a fresh host: mount point created, fstab line added, mounted',
      setup: () => {},
      args: { path: '/mnt/data/', src: 'tmpfs', fstype: 'tmpfs', opts: 'size=16m', state: 'mounted' },
      changes: [/\/etc\/fstab: add the entry for \/mnt\/data/, /mount tmpfs on \/mnt\/data/],
      check: (h, p) => {
        expect(h.text('/etc/fstab')).to.equal(`${FSTAB}tmpfs /mnt/data tmpfs size=16m 0 0\n`);
        expect(h.mounts.get('/mnt/data')).to.deep.equal({ source: 'tmpfs', fstype: 'tmpfs', options: 'size=16m' });
        expect(p.changes[1]!.actions).to.deep.equal([{ exec: ['mkdir', '-p', '--', '/mnt/data'] }, { exec: ['mount', '-t', 'tmpfs', '-o', 'size=16m', '--', 'tmpfs', '/mnt/data'] }]);
      },
    },
    {
      name: 'mounted, and the fstab entry changes: remount',
      setup: (h) => { h.mounts.set('/mnt/data', { source: 'tmpfs', fstype: 'tmpfs', options: 'size=16m' }); h.files.set('/etc/fstab', { ...h.nodeAt('/etc/fstab')!, content: Buffer.from(`${FSTAB}tmpfs /mnt/data tmpfs size=16m 0 0\n`) }); },
      args: { path: '/mnt/data', src: 'tmpfs', fstype: 'tmpfs', opts: 'size=32m', state: 'mounted' },
      changes: [/update the entry/, /remount \/mnt\/data/],
      check: (h) => expect(h.mounts.get('/mnt/data')!.options).to.equal('size=32m'),
    },
    {
      name: 'present: only fstab (a bind mount line)',
      setup: () => {},
      args: { path: '/srv/b', src: '/srv/a', fstype: 'none', opts: 'bind', state: 'present' },
      changes: [/add the entry/],
      check: (h) => { expect(h.text('/etc/fstab')).to.equal(`${FSTAB}/srv/a /srv/b none bind 0 0\n`); expect(h.mounts.size).to.equal(0); },
    },
    {
      name: 'boot=no adds noauto; spaces in paths are written as \\040',
      setup: () => {},
      args: { path: '/mnt/my disk', src: 'tmpfs', fstype: 'tmpfs', state: 'present', boot: false },
      changes: [/add the entry/],
      check: (h) => expect(h.text('/etc/fstab')).to.equal(`${FSTAB}tmpfs /mnt/my\\040disk tmpfs noauto 0 0\n`),
    },
    {
      name: 'unmounted: umount, fstab kept',
      setup: (h) => { h.mounts.set('/mnt/data', { source: 'tmpfs', fstype: 'tmpfs', options: 'rw' }); h.files.set('/etc/fstab', { ...h.nodeAt('/etc/fstab')!, content: Buffer.from(`${FSTAB}tmpfs /mnt/data tmpfs defaults 0 0\n`) }); },
      args: { path: '/mnt/data', state: 'unmounted' },
      changes: [/unmount \/mnt\/data/],
      check: (h) => expect(h.text('/etc/fstab')).to.include('/mnt/data'),
    },
    {
      name: 'absent: unmount, remove the line and the mount point',
      setup: (h) => {
        h.mounts.set('/mnt/data', { source: 'tmpfs', fstype: 'tmpfs', options: 'rw' });
        h.files.set('/etc/fstab', { ...h.nodeAt('/etc/fstab')!, content: Buffer.from(`${FSTAB}tmpfs /mnt/data tmpfs defaults 0 0\n`) });
        h.files.set('/mnt', { ...h.nodeAt('/')!, ino: 500 });
        h.files.set('/mnt/data', { ...h.nodeAt('/')!, ino: 501 });
      },
      args: { path: '/mnt/data', state: 'absent' },
      changes: [/remove the entry/, /unmount/, /remove the mount point/],
      check: (h) => { expect(h.text('/etc/fstab')).to.equal(FSTAB); expect(h.nodeAt('/mnt/data')).to.equal(undefined); },
    },
    {
      name: 'absent_from_fstab: the line only, still mounted',
      setup: (h) => { h.mounts.set('/mnt/data', { source: 'tmpfs', fstype: 'tmpfs', options: 'rw' }); h.files.set('/etc/fstab', { ...h.nodeAt('/etc/fstab')!, content: Buffer.from(`${FSTAB}tmpfs /mnt/data tmpfs defaults 0 0\n`) }); },
      args: { path: '/mnt/data', state: 'absent_from_fstab' },
      changes: [/remove the entry/],
      check: (h) => expect(h.mounts.has('/mnt/data')).to.equal(true),
    },
    {
      name: 'ephemeral: mounted, fstab untouched',
      setup: () => {},
      args: { path: '/mnt/e', src: 'tmpfs', fstype: 'tmpfs', state: 'ephemeral' },
      changes: [/mount tmpfs on \/mnt\/e/],
      check: (h) => expect(h.text('/etc/fstab')).to.equal(FSTAB),
    },
    {
      name: 'fstype swap: matched by src, swapon for mounted',
      setup: (h) => h.files.set('/etc/fstab', { ...h.nodeAt('/etc/fstab')!, content: Buffer.from(`${FSTAB}/swapfile none swap sw 0 0\n`) }),
      args: { path: 'none', src: '/swapfile', fstype: 'swap', opts: 'sw', state: 'mounted' },
      changes: [/swapon \/swapfile/],
      check: (h) => expect(h.swaps).to.deep.equal(['/swapfile']),
    },
    {
      name: 'fstype swap absent: swapoff and the line removed',
      setup: (h) => { h.swaps = ['/swapfile']; h.files.set('/etc/fstab', { ...h.nodeAt('/etc/fstab')!, content: Buffer.from(`${FSTAB}/swapfile none swap sw 0 0\n`) }); },
      args: { path: 'none', src: '/swapfile', fstype: 'swap', state: 'absent' },
      changes: [/remove the entry for \/swapfile/, /swapoff \/swapfile/],
      check: (h) => { expect(h.swaps).to.deep.equal([]); expect(h.text('/etc/fstab')).to.equal(FSTAB); },
    },
  ], { '/etc/fstab': FSTAB });

  it('remounted is refused with a hint (it never converges)', async () => {
    expect(await planError(mount, { path: '/x', state: 'remounted' }, new SysHost())).to.match(/remounted is not supported.*mount -o remount/);
  });

  it('src and fstype are required for mounted', async () => {
    expect(await planError(mount, { path: '/x', state: 'mounted' }, new SysHost())).to.match(/src|fstype/);
  });
});

describe('swap (kplay)', () => {
  it('active swap and fstab swap lines: swapoff -a and the lines commented out; then ok', async () => {
    const h = new SysHost({ '/etc/fstab': `${FSTAB}/swap.img none swap sw 0 0\n#/old none swap sw 0 0\nUUID=x none swap defaults 0 0\n` });
    h.swaps = ['/swap.img'];
    const p = await converge(swap, { state: 'absent' }, h);
    expect(p.changes.map((c) => c.summary)).to.deep.equal(['swap: swapoff -a (/swap.img)', 'swap: comment out 2 swap line(s) in /etc/fstab']);
    expect(h.swaps).to.deep.equal([]);
    expect(h.text('/etc/fstab')).to.equal(`${FSTAB}#/swap.img none swap sw 0 0\n#/old none swap sw 0 0\n#UUID=x none swap defaults 0 0\n`);
    expect(p.result).to.deep.equal({ swaps: ['/swap.img'], lines: ['/swap.img none swap sw 0 0', 'UUID=x none swap defaults 0 0'] });
  });

  it('no swap anywhere (the lab): ok', async () => {
    const p = await planOn(swap, {}, new SysHost({ '/etc/fstab': '# UNCONFIGURED FSTAB FOR BASE SYSTEM\n' }));
    expect(p.changes).to.deep.equal([]);
  });
});

describe('selinux', () => {
  const rhel = (config: string | undefined, enforce: '0' | '1' | undefined) => {
    const h = new SysHost(config === undefined ? {} : { '/etc/selinux/config': config });
    h.factsVars = { ansible_os_family: 'RedHat', ansible_distribution: 'Rocky', ansible_service_mgr: 'systemd' };
    h.enforce = enforce;
    return h;
  };
  const CONF = '# This file controls the state of SELinux\nSELINUX=enforcing\nSELINUXTYPE=targeted\n';

  it('no SELinux on the host (Debian): ok with a msg, nothing planned', async () => {
    const p = await planOn(selinux, { state: 'disabled' }, new SysHost());
    expect(p.changes).to.deep.equal([]);
    expect(p.result?.msg).to.match(/SELinux is not present on this host/);
  });

  it('RHEL enforcing → permissive: config and setenforce 0, no reboot', async () => {
    const h = rhel(CONF, '1');
    const p = await converge(selinux, { state: 'permissive', policy: 'targeted' }, h);
    expect(p.changes.map((c) => c.summary)).to.deep.equal(['selinux: /etc/selinux/config: SELINUX=permissive SELINUXTYPE=targeted', 'selinux: setenforce 0']);
    expect(h.text('/etc/selinux/config')).to.equal(CONF.replace('SELINUX=enforcing', 'SELINUX=permissive'));
    expect(h.enforce).to.equal('0');
    expect(p.result).to.deep.include({ reboot_required: false, policy: 'targeted' });
  });

  it('RHEL enforcing → disabled: config, setenforce 0, reboot required', async () => {
    const h = rhel(CONF, '1');
    const p = await converge(selinux, { state: 'disabled' }, h);
    expect(p.result).to.deep.include({ reboot_required: true });
    expect(p.result?.msg).to.match(/reboot is required/);
    expect(h.text('/etc/selinux/config')).to.include('SELINUX=disabled\nSELINUXTYPE=targeted\n');
  });

  it('SELinux disabled in the kernel, config exists: enforcing only in the config, reboot required', async () => {
    const h = rhel(CONF.replace('enforcing', 'disabled'), undefined);
    const p = await converge(selinux, { state: 'enforcing' }, h);
    expect(p.changes).to.have.length(1);
    expect(p.result).to.deep.include({ reboot_required: true, policy: 'targeted' });
  });

  it('already as asked: ok', async () => {
    expect((await planOn(selinux, { state: 'enforcing', policy: 'targeted' }, rhel(CONF, '1'))).changes).to.deep.equal([]);
  });

  it('no policy given nor configured: fails like Ansible', async () => {
    expect(await planError(selinux, { state: 'enforcing' }, rhel('SELINUX=disabled\n', undefined))).to.match(/policy is required/);
  });
});
