// dnf/yum and package against a fake rpm/dnf with RHEL facts (package picks dnf or apt from ansible_pkg_mgr).
import { expect } from 'chai';
import type { Vars } from '../../../src/tasks/contract.js';
import { converge, planError, planOn } from '../../support/plan-harness.js';
import { dnf, yum } from '../../../src/tasks/packages/dnf.js';
import { pkg } from '../../../src/tasks/packages/package.js';
import { FakeApt, summaries, execs, AVAIL } from './fake-apt.js';

describe('dnf / yum / package (fake RHEL facts)', () => {
  const rhel = () => {
    const h = new FakeApt({ bash: '5.1.8-6.el9' }, { bash: ['5.1.8-9.el9'], keepalived: ['2.2.8-3.el9'] });
    h.pkgMgr = 'dnf';
    return h;
  };
  const table: [string, Vars, string[]][] = [
    ['installs missing', { name: ['bash', 'keepalived'] }, ['dnf: install keepalived']],
    ['present when installed: nothing', { name: 'bash' }, []],
    ['latest upgrades from check-update', { name: 'bash', state: 'latest' }, ['dnf: upgrade bash']],
    ['absent removes', { name: ['bash', 'keepalived'], state: 'absent' }, ['dnf: remove bash']],
  ];
  for (const [what, args, want] of table) {
    it(`dnf: ${what}; converges`, async () => {
      const host = rhel();
      expect(summaries(await converge(dnf, args, host))).to.deep.equal(want);
      expect(host.probes.filter((p) => p.startsWith('rpm -q')).length).to.equal(2);
    });
  }
  it('yum plans with yum; update_cache adds --refresh', async () => {
    const plan = await planOn(yum, { name: 'keepalived', update_cache: true }, rhel());
    expect(execs(plan)).to.deep.equal(['yum -y -q --refresh install keepalived']);
  });
  it('package picks dnf or apt from ansible_pkg_mgr', async () => {
    expect(execs(await planOn(pkg, { name: 'keepalived' }, rhel()))).to.deep.equal(['dnf -y -q install keepalived']);
    expect(summaries(await converge(pkg, { name: 'hello', state: 'installed' }, new FakeApt({}, AVAIL)))).to.deep.equal(
      ['package: install hello'],
    );
    const other = new FakeApt();
    other.pkgMgr = 'zypper';
    expect(await planError(pkg, { name: 'x' }, other)).to.match(/'zypper' is not supported/);
  });
});
