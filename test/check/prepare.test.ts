// prepareRun: everything before connecting, in one call; each run gets its own modules.
import { expect } from 'chai';
import { join } from 'node:path';
import { prepareRun } from '../../src/check/prepare.js';
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
