// The list of kubeasz settings kplay does not honour stays honest: a name the HA playbook reads is honoured, so it
// must leave the list (delete its line in src/check/site-lint/kubeasz-settings.ts), and every reason is one line.
import { expect } from 'chai';
import { Problems } from '../../../src/core/errors.js';
import { readPlaybook } from '../../../src/playbook/playbook.js';
import { knownNames } from '../../../src/check/site-lint/known.js';
import { isKnown } from '../../../src/check/site-lint/lint.js';
import { KUBEASZ_NOT_HONOURED } from '../../../src/check/site-lint/kubeasz-settings.js';

describe('site-lint: the kubeasz settings kplay does not honour', function () {
  this.timeout(20_000);
  it('lists no name that playbooks/ha-cluster.yml reads or defines (such a name is honoured: delete its line)', () => {
    const p = new Problems();
    const known = knownNames(readPlaybook('playbooks/ha-cluster.yml', p));
    expect(p.size).to.equal(0);
    expect([...KUBEASZ_NOT_HONOURED.keys()].filter((n) => isKnown(n, known))).to.deep.equal([]);
  });

  it('gives each a one-line reason', () => {
    const bad = [...KUBEASZ_NOT_HONOURED].filter(([, why]) => !why.trim() || why.includes('\n') || why.length > 110);
    expect(bad).to.deep.equal([]);
  });
});
