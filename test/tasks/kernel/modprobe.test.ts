// modprobe against a fake host with live kernel state (cases: table.ts).
import { expect } from 'chai';
import { planError, planOn } from '../../support/plan-harness.js';
import { SysHost } from '../system-fake.js';
import { modprobe } from '../../../src/tasks/kernel/modprobe.js';
import { table } from './table.js';

describe('modprobe', () => {
  table(modprobe, [
    {
      name: 'not loaded: modprobe with params',
      setup: () => {},
      args: { name: 'ip_vs', params: 'conn_tab_bits=12' },
      changes: [/^modprobe: load ip_vs conn_tab_bits=12$/],
      check: (h) => expect(h.loaded.has('ip_vs')).to.equal(true),
    },
    { name: 'loaded: ok', setup: (h) => h.loaded.add('overlay'), args: { name: 'overlay' }, changes: [] },
    {
      name: 'built in counts as loaded (br_netfilter in the lab kernel)',
      setup: (h) => h.builtin.add('br_netfilter'),
      args: { name: 'br_netfilter' },
      changes: [],
      check: () => {},
    },
    {
      name: "a dash in the name is the kernel's underscore",
      setup: (h) => h.loaded.add('nf_conntrack'),
      args: { name: 'nf-conntrack' },
      changes: [],
    },
    {
      name: 'absent and loaded: modprobe -r',
      setup: (h) => h.loaded.add('ip_vs'),
      args: { name: 'ip_vs', state: 'absent' },
      changes: [/unload ip_vs/],
      check: (h) => expect(h.loaded.size).to.equal(0),
    },
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
      setup: (h) => {
        h.loaded.add('overlay');
        h.files.set('/etc/modules-load.d/overlay.conf', {
          ...h.nodeAt('/etc/modules-load.d/.keep')!,
          content: Buffer.from('overlay\n'),
        });
      },
      args: { name: 'overlay', persistent: 'absent' },
      changes: [/remove \/etc\/modules-load.d\/overlay.conf/],
      check: (h) => expect(h.nodeAt('/etc/modules-load.d/overlay.conf')).to.equal(undefined),
    },
  ]);

  it('a built-in module cannot be unloaded: clear failure', async () => {
    const h = new SysHost();
    h.builtin.add('overlay');
    expect(await planError(modprobe, { name: 'overlay', state: 'absent' }, h)).to.match(
      /overlay is built into the kernel and cannot be unloaded/,
    );
  });

  it('the result says built in', async () => {
    const h = new SysHost();
    h.builtin.add('overlay');
    expect((await planOn(modprobe, { name: 'overlay' }, h)).result).to.deep.include({ name: 'overlay', builtin: true });
  });
});
