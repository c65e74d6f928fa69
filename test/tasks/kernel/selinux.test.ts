// selinux against a fake host with live SELinux state (cases: table.ts).
import { expect } from 'chai';
import { converge, planError, planOn } from '../../support/plan-harness.js';
import { SysHost } from '../system-fake.js';
import { selinux } from '../../../src/tasks/kernel/selinux.js';

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
    expect(p.changes.map((c) => c.summary)).to.deep.equal([
      'selinux: /etc/selinux/config: SELINUX=permissive SELINUXTYPE=targeted',
      'selinux: setenforce 0',
    ]);
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
    expect((await planOn(selinux, { state: 'enforcing', policy: 'targeted' }, rhel(CONF, '1'))).changes).to.deep.equal(
      [],
    );
  });

  it('no policy given nor configured: fails like Ansible', async () => {
    expect(await planError(selinux, { state: 'enforcing' }, rhel('SELINUX=disabled\n', undefined))).to.match(
      /policy is required/,
    );
  });
});
