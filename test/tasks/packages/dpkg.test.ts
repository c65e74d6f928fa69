// dpkg_selections against a fake dpkg.
import { expect } from 'chai';
import { converge, planError, planOn } from '../../support/plan-harness.js';
import { dpkg_selections } from '../../../src/tasks/packages/dpkg.js';
import { FakeApt, summaries } from './fake-apt.js';

describe('dpkg_selections', () => {
  it('hold, then install again; converges; reports before/after', async () => {
    const host = new FakeApt({ containerd: '1.6.20' });
    const plan = await converge(dpkg_selections, { name: 'containerd', selection: 'hold' }, host);
    expect(summaries(plan)).to.deep.equal(['dpkg_selections: containerd install -> hold']);
    expect(plan.changes[0]!.actions).to.deep.equal([
      { exec: ['dpkg', '--set-selections'], stdin: 'containerd hold\n' },
    ]);
    expect(plan.result).to.deep.equal({ before: 'install', after: 'hold' });
    expect(
      summaries(await converge(dpkg_selections, { name: 'containerd', selection: 'install' }, host)),
    ).to.deep.equal(['dpkg_selections: containerd hold -> install']);
  });
  it('a package dpkg does not know: hold fails, deinstall is nothing', async () => {
    expect(await planError(dpkg_selections, { name: 'nope', selection: 'hold' }, new FakeApt())).to.match(
      /not known to dpkg/,
    );
    expect(
      summaries(await planOn(dpkg_selections, { name: 'nope', selection: 'deinstall' }, new FakeApt())),
    ).to.deep.equal([]);
  });
});
