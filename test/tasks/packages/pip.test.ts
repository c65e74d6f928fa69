// pip against a fake `python3 -m pip` (what is installed, as `pip list --format=freeze` prints it).
import { expect } from 'chai';
import type { Vars } from '../../../src/tasks/contract.js';
import { pip } from '../../../src/tasks/packages/pip.js';
import { planError, planOn } from '../../support/plan-harness.js';
import { FakeApt, execs } from './fake-apt.js';

function host(list: string, outdated = ''): FakeApt {
  const h = new FakeApt();
  const probe = h.probe.bind(h);
  h.probe = async (argv: string[]) =>
    argv.includes('list') ? { rc: 0, stdout: argv.includes('--outdated') ? outdated : list, stderr: '' } : probe(argv);
  return h;
}

describe('pip (fake pip list)', () => {
  const Q = '--disable-pip-version-check';
  const table: [string, Vars, string, string[]][] = [
    ['installs the missing', { name: ['passlib', 'Six'] }, 'six==1.16.0\n', [`python3 -m pip install ${Q} passlib`]],
    ['present when installed: nothing', { name: 'six' }, 'six==1.16.0\n', []],
    ['a name compares normalized', { name: 'ruamel_yaml' }, 'ruamel.yaml==0.17\n', []],
    [
      'version: another one is installed',
      { name: 'six', version: '1.15.0' },
      'six==1.16.0\n',
      [`python3 -m pip install ${Q} six==1.15.0`],
    ],
    [
      'absent uninstalls the installed',
      { name: ['six', 'x'], state: 'absent' },
      'six==1\n',
      [`python3 -m pip uninstall -y ${Q} six`],
    ],
    [
      'executable and extra_args',
      { name: 'x', executable: 'pip3', extra_args: '--user -q' },
      '',
      [`pip3 install ${Q} --user -q x`],
    ],
  ];
  for (const [what, args, list, want] of table)
    it(what, async () => expect(execs(await planOn(pip, args, host(list)))).to.deep.equal(want));
  it('latest upgrades what pip list --outdated names', async () => {
    const plan = await planOn(pip, { name: ['six', 'new'], state: 'latest' }, host('six==1\n', 'six==1\n'));
    expect(execs(plan)).to.deep.equal([`python3 -m pip install ${Q} new`, `python3 -m pip install -U ${Q} six`]);
  });
  it('refuses virtualenv and version specifiers in names', async () => {
    expect(await planError(pip, { name: 'x', virtualenv: '/v' }, host(''))).to.match(/virtualenv .* not supported/);
    expect(await planError(pip, { name: 'x>=1' }, host(''))).to.match(/only plain package names/);
  });
});
