// image_push over the sample host (test/tasks/samples.ts): a real OCI archive made by the test, read with tar;
// the registry a fake (test/tasks/registry-fake.ts) that its HEAD probe asks and its push fills. The names it
// pushes under, what a second push sends, and its refusals.
import { expect } from 'chai';
import { image_push } from '../../../src/tasks/net/image-push.js';
import { ociArchiveBytes } from '../../support/oci-image.js';
import { converge, hostView, planError, planOn } from '../../support/plan-harness.js';
import { SampleHost } from '../samples.js';

const ARGS = { src: '/srv/x.tar', registry: 'reg.local:8443', username: 'admin', password: 'pw-1' };
const host = (name = 'docker.io/library/x:1.0') =>
  new SampleHost({ '/srv/x.tar': { content: ociArchiveBytes(name, { hello: 'hi\n' }) }, '/etc/hostname': 'h1\n' });

describe('image_push', () => {
  it('pushes the blobs and the tag under the public name; again: nothing', async () => {
    const h = host();
    const plan = await converge(image_push, ARGS, h);
    expect(plan.changes.map((c) => c.summary)).to.deep.equal([
      'image_push: reg.local:8443/docker.io/library/x:1.0 (2 of 2 blobs)',
    ]);
    expect([...h.registry.tags.keys()]).to.deep.equal(['https://reg.local:8443/v2/docker.io/library/x:1.0']);
    expect((await planOn(image_push, ARGS, h)).changes).to.deep.equal([]);
  });

  it("the push's credentials go on its stdin as a curl config, never in its argv", async () => {
    const plan = await planOn(image_push, { ...ARGS, password: 'p"w\\1' }, host());
    const action = plan.changes[0]!.actions[0] as { exec: string[]; stdin?: string };
    expect(action.exec.join(' ')).to.not.include('p"w');
    expect(action.stdin).to.equal('user = "admin:p\\"w\\\\1"\n');
  });

  it('a new tag of the same layers sends only what the registry lacks', async () => {
    const h = host();
    await converge(image_push, ARGS, h);
    h.registry.tags.clear();
    const plan = await planOn(image_push, ARGS, h);
    expect(plan.changes.map((c) => c.summary)).to.deep.equal([
      'image_push: reg.local:8443/docker.io/library/x:1.0 (0 of 2 blobs)',
    ]);
  });

  it('`name` pushes the archive under another name', async () => {
    const h = host();
    await converge(image_push, { ...ARGS, name: 'registry.k8s.io/y:2' }, h);
    expect([...h.registry.tags.keys()]).to.deep.equal(['https://reg.local:8443/v2/registry.k8s.io/y:2']);
  });

  it('check mode: a registry that does not answer yet (this run installs it) gets everything', async () => {
    const h = host();
    h.registry.answer = '000';
    const plan = await planOn(image_push, ARGS, h, hostView({}, { check: true }));
    expect(plan.changes.map((c) => c.summary)).to.deep.equal([
      'image_push: reg.local:8443/docker.io/library/x:1.0 (2 of 2 blobs)',
    ]);
  });

  const BAD: [string, (h: SampleHost) => void, Record<string, unknown>, RegExp][] = [
    ['a wrong password', (h) => (h.registry.answer = '401'), {}, /refused the password of admin \(401 Unauthorized\)/],
    ['no answer in a real run', (h) => (h.registry.answer = '000'), {}, /no answer from https:\/\/reg\.local:8443/],
    ['not a tar', () => {}, { src: '/etc/hostname' }, /cannot read \/etc\/hostname as a tar archive/],
  ];
  for (const [name, setup, args, re] of BAD)
    it(`refused: ${name}`, async () => {
      const h = host();
      setup(h);
      expect(await planError(image_push, { ...ARGS, ...args }, h)).to.match(re);
    });
});
