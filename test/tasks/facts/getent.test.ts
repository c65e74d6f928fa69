// getent's answers as Ansible's getent module turns them into facts (checked with ansible-playbook on this
// machine: hosts, group and passwd, a missing key with fail_key=false).
import { expect } from 'chai';
import type { ProbeResult } from '../../../src/tasks/contract.js';
import { getent, parseGetent } from '../../../src/tasks/facts/getent.js';
import { FakeHost } from '../../support/fake-host.js';
import { planError, planOn } from '../../support/plan-harness.js';

class GetentHost extends FakeHost {
  constructor(private readonly answer: ProbeResult) {
    super();
  }
  asked: string[][] = [];
  override async probe(argv: string[]): Promise<ProbeResult> {
    this.asked.push(argv);
    return this.answer;
  }
}

describe('getent', () => {
  const table: [string, string | undefined, Record<string, unknown>][] = [
    ['root:x:0:0:root:/root:/bin/bash\n', ':', { root: ['x', '0', '0', 'root', '/root', '/bin/bash'] }],
    ['127.0.0.1  localhost\n127.0.0.1 vm\n', undefined, { '127.0.0.1': [['localhost'], ['vm']] }],
    ['a 1\na 2\na 3\n', undefined, { a: [['1'], ['2'], ['3']] }],
    ['x;y;z\n', ';', { x: ['y', 'z'] }],
  ];
  for (const [out, split, want] of table)
    it(`${JSON.stringify(out)} split ${String(split)}`, () => expect(parseGetent(out, split)).to.deep.equal(want));

  it('facts under getent_<database>; a service is passed with -s', async () => {
    const h = new GetentHost({ rc: 0, stdout: 'root:x:0:\n', stderr: '' });
    const plan = await planOn(getent, { database: 'group', key: 'root', service: 'files' }, h);
    expect(h.asked).to.deep.equal([['getent', 'group', 'root', '-s', 'files']]);
    expect(plan.result).to.deep.equal({ ansible_facts: { getent_group: { root: ['x', '0', ''] } } });
  });

  it('a missing key: fails, or with fail_key=false gives null', async () => {
    const missing = { rc: 2, stdout: '', stderr: '' };
    expect(await planError(getent, { database: 'passwd', key: 'zz' }, new GetentHost(missing))).to.equal(
      'One or more supplied key could not be found in the database.',
    );
    const plan = await planOn(getent, { database: 'passwd', key: 'zz', fail_key: false }, new GetentHost(missing));
    expect(plan.result?.ansible_facts).to.deep.equal({ getent_passwd: { zz: null } });
  });
});
