// fetch against a fake host (TransferHost): the controller path, the file written there, convergence.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { FakeHost } from '../../support/fake-host.js';
import { converge, planError, planOn } from '../../support/plan-harness.js';
import { fetch, fetchDest } from '../../../src/tasks/transfer/fetch.js';

describe('fetch', () => {
  it('computes dest like Ansible, writes it on the controller, then converges', async () => {
    expect(fetchDest('/backup', '/etc/hosts', 'node1', false, '/pb')).to.equal('/backup/node1/etc/hosts');
    expect(fetchDest('out/', '/etc/hosts', 'node1', true, '/pb')).to.equal('/pb/out/hosts');
    expect(fetchDest('out/h.txt', '/etc/hosts', 'node1', true, '/pb')).to.equal('/pb/out/h.txt');
    const host = new FakeHost({ '/etc/hosts': 'h\n' });
    const plan = await converge(fetch, { src: '/etc/hosts', dest: '/backup' }, host);
    expect(plan.changes.map((c) => c.actions)).to.deep.equal([
      [{ controllerPut: '/backup/node1/etc/hosts', content: Buffer.from('h\n') }],
    ]);
    expect(plan.result).to.include({
      dest: '/backup/node1/etc/hosts',
      checksum: createHash('sha1').update('h\n').digest('hex'),
    });
    expect(host.controller.get('/backup/node1/etc/hosts')?.toString()).to.equal('h\n');
  });
  it('a missing file fails unless fail_on_missing=no', async () => {
    expect(await planError(fetch, { src: '/nope', dest: '/b' }, new FakeHost())).to.include('does not exist');
    const plan = await planOn(fetch, { src: '/nope', dest: '/b', fail_on_missing: false }, new FakeHost());
    expect(plan.changes).to.deep.equal([]);
  });
});
