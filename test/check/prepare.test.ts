// prepareRun: everything before connecting, in one call; each run gets its own modules.
import { expect } from 'chai';
import { join } from 'node:path';
import { prepareRun } from '../../src/check/prepare.js';
import { MASK, redact } from '../../src/core/secrets.js';
import { builtins } from '../../src/tasks/index.js';
import { writeTree } from '../support/tree.js';

const GREET = `export default {
  name: 'greet',
  description: 'A test module from a playbook library/ folder.',
  args: {},
  async plan() { return { changes: [] }; },
};
`;
const PLAY = '- hosts: localhost\n  gather_facts: no\n  tasks:\n    - greet: {}\n';

describe('prepareRun', () => {
  it("loads the playbook's library/ into that run's modules only: a second run does not see them", async () => {
    const withLib = writeTree({ 'site.yml': PLAY, 'library/greet.mjs': GREET });
    const first = await prepareRun({ playbook: join(withLib, 'site.yml'), inventory: [] });
    expect(first.modules.find('greet')?.description).to.match(/library/);
    expect(builtins.find('greet')).to.equal(undefined);
    const without = writeTree({ 'site.yml': PLAY });
    let err: Error | undefined;
    await prepareRun({ playbook: join(without, 'site.yml'), inventory: [] }).catch((e: Error) => (err = e));
    expect(err?.message).to.match(/unknown module or keyword 'greet'/);
  });

  it("forgets the previous run's secrets: a value secret in one run is not masked in the next", async () => {
    const withEnv = writeTree({
      'site.yml': '- hosts: a\n  gather_facts: no\n  tasks: []\n',
      'inv/hosts.yml': 'all:\n  hosts:\n    a: {}\n',
      'inv/.env': 'TOKEN=s3cr3t-value\n',
    });
    await prepareRun({ playbook: join(withEnv, 'site.yml'), inventory: [join(withEnv, 'inv')] });
    expect(redact('token s3cr3t-value')).to.equal(`token ${MASK}`);
    const plain = writeTree({ 'site.yml': '- hosts: localhost\n  gather_facts: no\n  tasks: []\n' });
    await prepareRun({ playbook: join(plain, 'site.yml'), inventory: [] });
    expect(redact('token s3cr3t-value')).to.equal('token s3cr3t-value');
  });

  it('reports every problem at once, before any host is reached', async () => {
    const dir = writeTree({
      'site.yml': '- hosts: nowhere\n  tasks:\n    - copyy: {}\n    - debug: { msg: "{{ x" }\n',
      'inv/hosts.yml': 'all:\n  hosts:\n    a: {}\n',
    });
    let err: (Error & { errors?: Error[] }) | undefined;
    await prepareRun({ playbook: join(dir, 'site.yml'), inventory: [join(dir, 'inv')] }).catch((e) => (err = e));
    expect(err?.message).to.match(/copyy/);
    expect(err?.message).to.match(/site\.yml:4/);
  });
});
