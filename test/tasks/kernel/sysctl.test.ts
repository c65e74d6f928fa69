// sysctl against a fake host with live kernel state (cases: table.ts).
import { expect } from 'chai';
import { KplayError } from '../../../src/core/errors.js';
import { converge, planError, planOn } from '../../support/plan-harness.js';
import { SysHost } from '../system-fake.js';
import { sysctl } from '../../../src/tasks/kernel/sysctl.js';
import { table } from './table.js';

const K8S = '/etc/sysctl.d/95-k8s-sysctl.conf';

describe('sysctl', () => {
  const f = (h: SysHost, content: string) =>
    h.files.set(K8S, { ...h.nodeAt('/etc/sysctl.d/README')!, content: Buffer.from(content), ino: 1 });
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
      setup: (h) => {
        h.sysctls.set('net.ipv4.ip_forward', '1');
        f(h, '# k8s\nnet.ipv4.ip_forward = 1\n');
      },
      args: { name: 'net.ipv4.ip_forward', value: 1, sysctl_file: K8S },
      changes: [],
    },
    {
      name: 'a different value: its line replaced in place, other lines and comments kept',
      setup: (h) => {
        h.sysctls.set('net.ipv4.ip_forward', '0');
        f(h, '# k8s\nnet.ipv4.ip_forward = 0\nvm.swappiness = 0\n');
      },
      args: { name: 'net.ipv4.ip_forward', value: '1', sysctl_file: K8S },
      changes: [/live 0 → 1/],
      check: (h) => expect(h.text(K8S)).to.equal('# k8s\nnet.ipv4.ip_forward=1\nvm.swappiness = 0\n'),
    },
    {
      name: 'duplicates of the key: the first is replaced, the others dropped',
      setup: (h) => {
        h.sysctls.set('net.core.somaxconn', '128');
        f(h, 'net.core.somaxconn=128\nx.y=1\nnet.core.somaxconn = 64\n');
      },
      args: { name: 'net.core.somaxconn', value: '32768', sysctl_file: K8S },
      changes: [/somaxconn/],
      check: (h) => expect(h.text(K8S)).to.equal('net.core.somaxconn=32768\nx.y=1\n'),
    },
    {
      name: 'the last duplicate wins for comparing (as sysctl -p applies them)',
      setup: (h) => {
        h.sysctls.set('a.b', '2');
        f(h, 'a.b=1\na.b=2\n');
      },
      args: { name: 'a.b', value: '2', sysctl_file: K8S },
      changes: [],
    },
    {
      name: 'values compared with whitespace normalised (file and live)',
      setup: (h) => {
        h.sysctls.set('net.ipv4.ip_local_port_range', '1024\t65000');
        f(h, 'net.ipv4.ip_local_port_range = 1024   65000\n');
      },
      args: { name: 'net.ipv4.ip_local_port_range', value: ' 1024 65000 ', sysctl_file: K8S, sysctl_set: true },
      changes: [],
    },
    {
      name: 'yes/true values are 1, no is 0 (as Ansible)',
      setup: (h) => {
        h.sysctls.set('net.ipv4.ip_forward', '0');
        f(h, 'net.ipv4.ip_forward=0\n');
      },
      args: { name: 'net.ipv4.ip_forward', value: 'yes', sysctl_file: K8S },
      changes: [/0 → 1/],
      check: (h) => expect(h.text(K8S)).to.equal('net.ipv4.ip_forward=1\n'),
    },
    {
      name: 'sysctl_set: the file is right but the live value drifted: sysctl -w only',
      setup: (h) => {
        h.sysctls.set('net.ipv4.ip_forward', '0');
        f(h, 'net.ipv4.ip_forward = 1\n');
      },
      args: { name: 'net.ipv4.ip_forward', value: '1', sysctl_file: K8S, sysctl_set: true },
      changes: [/^sysctl: net.ipv4.ip_forward: live 0 → 1$/],
      check: (h, p) => {
        expect(p.changes[0]!.actions).to.deep.equal([{ exec: ['sysctl', '-w', 'net.ipv4.ip_forward=1'] }]);
        expect(h.text(K8S)).to.equal('net.ipv4.ip_forward = 1\n');
      },
    },
    {
      name: 'without sysctl_set a live drift is not looked at (Ansible)',
      setup: (h) => {
        h.sysctls.set('net.ipv4.ip_forward', '0');
        f(h, 'net.ipv4.ip_forward = 1\n');
      },
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
      setup: (h) => {
        h.sysctls.set('net.ipv4.ip_forward', '1');
        f(h, 'net.ipv4.ip_forward=1\nx=1\n net.ipv4.ip_forward = 1\n');
      },
      args: { name: 'net.ipv4.ip_forward', state: 'absent', sysctl_file: K8S },
      changes: [/remove from/],
      check: (h) => {
        expect(h.text(K8S)).to.equal('x=1\n');
        expect(h.sysctls.get('net.ipv4.ip_forward')).to.equal('1');
      },
    },
    {
      name: 'state=absent with the key not in the file: ok',
      setup: (h) => f(h, 'x=1\n'),
      args: { name: 'net.ipv4.ip_forward', state: 'absent', sysctl_file: K8S },
      changes: [],
    },
    {
      name: 'a key given with slashes is the same key',
      setup: (h) => {
        h.sysctls.set('net.ipv4.ip_forward', '1');
        f(h, 'net.ipv4.ip_forward=1\n');
      },
      args: { name: 'net/ipv4/ip_forward', value: '1', sysctl_file: K8S, sysctl_set: true },
      changes: [],
    },
    {
      name: 'a file without a final newline gets one before the new line',
      setup: (h) => {
        h.sysctls.set('b.c', '1');
        f(h, 'a=1');
      },
      args: { name: 'b.c', value: '1', sysctl_file: K8S },
      changes: [/\(unset\) → 1/],
      check: (h) => expect(h.text(K8S)).to.equal('a=1\nb.c=1\n'),
    },
    {
      name:
        'ignoreerrors: a read-only key (vm.* in a container): ' +
        'the file is written, the live value left, msg says why',
      setup: (h) => {
        h.sysctls.set('vm.swappiness', '60');
        h.writable = new Set(['net.ipv4.ip_forward']);
      },
      args: { name: 'vm.swappiness', value: '0', sysctl_file: K8S, sysctl_set: true, ignoreerrors: true },
      changes: [/^sysctl: vm.swappiness: .*\(unset\) → 0$/],
      check: (h, p) => {
        expect(h.sysctls.get('vm.swappiness')).to.equal('60');
        expect(h.text(K8S)).to.equal('vm.swappiness=0\n');
        expect(p.result?.msg).to.match(
          /vm.swappiness: live value not set \(ignoreerrors\): \/proc\/sys\/vm\/swappiness is not writable/,
        );
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

  it('its failures name the argument that decides them (the executor then names the variable setting it)', async () => {
    const h = new SysHost({ '/etc/sysctl.d/README': '' });
    h.sysctls.set('vm.swappiness', '60');
    h.writable = new Set();
    for (const name of ['vm.swappiness', 'net.nope']) {
      const e = await planOn(sysctl, { name, value: '0', sysctl_file: K8S, sysctl_set: true }, h).catch((x) => x);
      expect(e, name).to.be.instanceOf(KplayError);
      expect((e as KplayError).arg, name).to.equal('ignoreerrors');
    }
  });

  it('a read-only key fails the plan with the key and the reason, and nothing is written', async () => {
    const h = new SysHost({ '/etc/sysctl.d/README': '' });
    h.sysctls.set('vm.swappiness', '60');
    h.writable = new Set();
    const msg = await planError(sysctl, { name: 'vm.swappiness', value: '0', sysctl_file: K8S }, h);
    expect(msg).to.match(
      /cannot set vm.swappiness=0 on the running kernel: \/proc\/sys\/vm\/swappiness is not writable.*ignoreerrors/,
    );
  });

  it("an unknown key with sysctl_set fails with sysctl's error", async () => {
    const msg = await planError(sysctl, { name: 'net.nope', value: '1', sysctl_set: true }, new SysHost());
    expect(msg).to.match(/cannot read net.nope on this host: cannot stat \/proc\/sys\/net\/nope/);
  });

  it('the default file is /etc/sysctl.conf; a missing parent directory fails', async () => {
    const h = new SysHost({ '/etc/sysctl.conf': '' });
    h.sysctls.set('net.ipv4.ip_forward', '1');
    const p = await converge(sysctl, { name: 'net.ipv4.ip_forward', value: '1' }, h);
    expect(p.changes[0]!.touches).to.deep.equal(['file:/etc/sysctl.conf']);
    expect(h.text('/etc/sysctl.conf')).to.equal('net.ipv4.ip_forward=1\n');
    expect(
      await planError(sysctl, { name: 'a.b', value: '1', sysctl_file: '/nope/x.conf', reload: false }, h),
    ).to.match(/Destination directory \/nope does not exist/);
  });

  it('value is required with state=present', async () => {
    expect(await planError(sysctl, { name: 'a.b' }, new SysHost())).to.match(/value/);
  });
});
