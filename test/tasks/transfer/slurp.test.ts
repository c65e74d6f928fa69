// slurp against a fake host (TransferHost).
import { expect } from 'chai';
import { FakeHost } from '../../support/fake-host.js';
import { planError, planOn } from '../../support/plan-harness.js';
import { slurp } from '../../../src/tasks/transfer/slurp.js';

describe('slurp', () => {
  it('returns the file base64, no change', async () => {
    const plan = await planOn(slurp, { src: '/etc/ca.pem' }, new FakeHost({ '/etc/ca.pem': 'PEM\n' }));
    expect(plan).to.deep.equal({
      changes: [],
      result: { content: Buffer.from('PEM\n').toString('base64'), encoding: 'base64', source: '/etc/ca.pem' },
    });
  });
  it('fails on a missing file and on a directory', async () => {
    expect(await planError(slurp, { path: '/nope' }, new FakeHost())).to.include('file not found: /nope');
    expect(await planError(slurp, { src: '/etc' }, new FakeHost({ '/etc/x': '' }))).to.include('is a directory');
  });
});
